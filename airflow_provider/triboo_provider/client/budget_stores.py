"""The connection extra ``rate_limit_store``: where an API user's request history is shared.

======================================  ================================================
``""`` or ``sqlite`` (the default)      a SQLite file in a per-user temp directory
                                        (:func:`~triboo_provider.client.budget_sqlite.default_sqlite_path`):
                                        every task process of one machine, no set-up
``sqlite:///<absolute path>``           that SQLite file (e.g. on a directory that tasks
                                        run as several OS users can all write)
``local``                               this process only (threads, the page prefetch)
``redis://``, ``rediss://``,            a Redis server (redis-py, the ``[redis]``
``unix://`` URLs                        extra): every worker of every machine
======================================  ================================================

:func:`store_problem` checks a value without opening anything (the connection's
validation); :func:`open_budget` builds the :class:`~triboo_provider.client.budget.Budget`
of a connection. Messages never repeat the value: a Redis URL may hold a password. No
Airflow import.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from triboo_provider.client.budget import (
    Budget,
    HistoryStore,
    api_user_key,
    process_history,
)
from triboo_provider.client.budget_sqlite import SQLiteHistory
from triboo_provider.client.errors import TribooConfigError

if TYPE_CHECKING:
    from triboo_provider.client.settings import TribooSettings

EXPECTED = (
    "empty or sqlite (a SQLite file in a per-user temp directory), sqlite:///<absolute path>, "
    "local (this process only), or a redis://, rediss:// or unix:// URL"
)
REDIS_SCHEMES = ("redis", "rediss", "unix")
# The budget's window is this much longer than the server's, and the same slack is its
# margin: 2 % (1.2 s a minute) plus 20 ms for short, scaled windows. Settling each entry
# at its answer already makes the window count no earlier than the server's, and holding
# overtakers until the answer makes the in-flight rule exact; the slack adds room for
# what neither sees (the clocks of two machines running at slightly different rates) and
# is the least an overtaker waits.
ARRIVAL_SLACK = 0.02
ARRIVAL_SLACK_SECONDS = 0.02
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_SQLITE_PREFIX = "sqlite://"
_DB = re.compile(r"(/[0-9]*)?")


def store_problem(value: str) -> str | None:
    """What is wrong with a ``rate_limit_store`` value (stripped), or None.

    Checks the form only: nothing is opened or connected to. A Redis URL is read by
    redis-py's own parser (so a URL accepted here is one redis-py accepts), which must be
    installed.
    """
    if _CONTROLS.search(value):
        return "extra rate_limit_store must not hold control characters"
    value = _lower_scheme(value)
    kind = _kind(value)
    if kind is None:
        return f"extra rate_limit_store must be {EXPECTED}"
    if kind == "sqlite-file":
        path = value[len(_SQLITE_PREFIX) :]
        if not path.startswith("/") or path.endswith("/") or "\\" in path:
            return "extra rate_limit_store: a SQLite store is sqlite:///<absolute path of a file>"
    if kind == "redis":
        if importlib.util.find_spec("redis") is None:
            return (
                "extra rate_limit_store names a Redis server, and redis-py is not installed: "
                "install airflow-provider-triboo[redis]"
            )
        return _redis_problem(value)
    return None


def _kind(value: str) -> str | None:
    if value.lower() in ("", "sqlite"):
        return "sqlite"
    if value.lower() == "local":
        return "local"
    scheme = value.partition("://")[0].lower() if "://" in value else ""
    if scheme == "sqlite":
        return "sqlite-file"
    if scheme in REDIS_SCHEMES:
        return "redis"
    return None


def _redis_problem(value: str) -> str | None:
    from redis.connection import parse_url  # noqa: PLC0415 - the optional [redis] extra

    shape = "extra rate_limit_store: a Redis URL is redis://[[user]:password@]host[:port][/db]"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number in range
        kwargs = parse_url(value)  # type: ignore[no-untyped-call]
    except ValueError:
        # Not chained nor quoted: redis-py's messages may repeat parts of the URL.
        return f"{shape}, rediss:// for TLS, or unix:///path/to/redis.sock"
    if parts.scheme.lower() == "unix":
        if not kwargs.get("path"):
            return "extra rate_limit_store: a Redis socket URL is unix:///path/to/redis.sock"
    elif not parts.hostname:
        return f"{shape} (the host is missing)"
    elif not _DB.fullmatch(parts.path):  # redis-py would silently use db 0
        return f"{shape} (the db is a number: /0)"
    return None


def _lower_scheme(value: str) -> str:
    """``value`` with its scheme lower-cased (``SQLITE:///x`` is ``sqlite:///x``, as the bare
    words are case-insensitive; redis-py accepts lower-case schemes only)."""
    scheme, sep, rest = value.partition("://")
    return f"{scheme.lower()}{sep}{rest}" if sep else value


def store_secrets(value: str) -> list[str]:
    """Every secret redis-py could read from a Redis URL, for the hook to mask in task logs:
    the userinfo password and the values of query arguments whose name holds ``password``
    (``?password=``, ``?ssl_password=``). A ``?username=`` is a user name, not a secret (as
    the connection's login is not). Empty for other stores.
    """
    value = _lower_scheme(value.strip())
    if _kind(value) != "redis":
        return []
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return []
    found = [unquote(password)] if password else []
    for name, values in parse_qs(parts.query).items():
        if "password" in name.lower():
            found += [secret for secret in values if secret]
    return list(dict.fromkeys(found))


def store_password(value: str) -> str | None:
    """The password redis-py uses from a Redis URL (the userinfo one, else ``?password=``),
    or None. :func:`store_secrets` lists every secret of the URL."""
    value = _lower_scheme(value.strip())
    if _kind(value) != "redis":
        return None
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return None
    if password:
        return unquote(password)
    query = parse_qs(parts.query).get("password")
    return query[0] if query else None


def open_store(value: str) -> HistoryStore:
    """The history store a valid ``rate_limit_store`` names; nothing is connected yet (a
    store that cannot be reached fails at its first use, and the budget paces locally).

    :raises TribooConfigError: the value is not valid (:func:`store_problem` says why).
    """
    value = _lower_scheme(value.strip())
    problem = store_problem(value)
    if problem is not None:
        raise TribooConfigError(problem)
    kind = _kind(value)
    if kind == "local":
        return process_history()
    if kind == "sqlite-file":
        return SQLiteHistory(Path(value[len(_SQLITE_PREFIX) :]))
    if kind == "redis":
        from triboo_provider.client.budget_redis import RedisHistory  # noqa: PLC0415 - [redis]

        return RedisHistory(value)
    return SQLiteHistory()


def open_budget(
    settings: TribooSettings, *, on_secret: Callable[[str], None] | None = None
) -> Budget:
    """The budget of the connection's API user (its host and client id), on the store its
    ``rate_limit_store`` names, with its per-scope limits and window (``rate_window_seconds``
    plus the arrival slack). One per client: its Bearer and JWT clients and the page
    prefetch share it; :meth:`Budget.close` closes the store's connections. ``on_secret``
    sees every secret of a Redis URL first (:func:`store_secrets`; the hook masks them in
    task logs). The margin is the arrival slack (see ``ARRIVAL_SLACK``).

    :raises TribooConfigError: ``rate_limit_store`` is not valid (the connection's
        settings refuse it first: only for settings built by hand).
    """
    if on_secret is not None:
        for secret in store_secrets(settings.rate_limit_store):
            on_secret(secret)
    server_window = settings.rate_window_seconds
    window = server_window * (1 + ARRIVAL_SLACK) + ARRIVAL_SLACK_SECONDS
    return Budget(
        open_store(settings.rate_limit_store),
        api_user_key(settings.base_url, settings.client_id),
        settings.limits,
        window=window,
        margin=window - server_window,
    )
