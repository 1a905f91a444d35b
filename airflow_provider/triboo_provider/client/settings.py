"""A ``triboo`` connection's fields read into :class:`TribooSettings`, or refused with one
clear error. No Airflow in it: the hook passes the connection's fields.

The host, schema and port make the base URL (:mod:`triboo_provider.client.urls`); the
extras are read against the connection form (:mod:`triboo_provider.client.extras`).

**Every problem** (missing host, login or password, an unknown extra, a value of the wrong
type or out of the form's range, a bad scheme or port, an unrendered ``{{ … }}``, a path
httpx cannot send) raises :class:`~triboo_provider.client.errors.TribooConfigError`, which fails
the task at once: no retry can fix a connection. Every numeric extra has a minimum and a
maximum (the form's ``schema``), so no value reaches a socket timeout or a sleep that
overflows; any value, however odd (huge, ``inf``, ``nan``, nested), is a TribooConfigError.

**Messages name the field and what is expected, never a value the user typed** (a secret
may have been pasted in the wrong field, and Airflow's masker only hides the password):
the exceptions are the host and ``oauth2_path``, which together say which URL was tried, a
port once read as a number between 1 and 65535, and a scheme once read as ``http`` or
``https``. An unknown extra's
name is repeated only when it is short and looks like an extra name (lowercase ASCII
letters, underscores and at most two digits, starting with a letter, at most 40 characters:
``reports_per_minut``); any other name is not repeated, and a did-you-mean names our own
known name only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

import httpx

from triboo_provider.client.errors import TribooConfigError
from triboo_provider.client.extras import (
    DEPRECATED_EXTRAS,
    MASK,
    TEMPLATE,
    given,
    read_extras,
    unrendered,
)
from triboo_provider.client.http_rules import same_origin
from triboo_provider.client.protocols import JSONObject
from triboo_provider.client.throttle import SERVER_LIMITS
from triboo_provider.client.urls import CONTROL, base_url, endpoint

__all__ = ["DEPRECATED_EXTRAS", "MASK", "MAX_PAGE_SIZE", "TribooSettings", "base_url", "endpoint"]

MAX_PAGE_SIZE = 1000
# A request path of the API, to check that httpx can build a request on the base URL.
_PROBE_PATH = "/api/extended/v1/courses/"
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class TribooSettings:
    """A ``triboo`` connection, with every default spelled out.

    ``base_url`` is built from host, schema and port (see the module's docstring), without
    a trailing slash; every other field but the credentials is a connection extra, and
    its default, label and range are those of the connection form (``get_provider_info``).
    """

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    oauth2_path: str = "/oauth2/access_token"
    timeout: float = 60.0
    verify_ssl: bool = True
    page_size: int = MAX_PAGE_SIZE
    users_per_minute: int = SERVER_LIMITS["users"]
    reports_per_minute: int = SERVER_LIMITS["reports"]
    bulk_enroll_per_minute: int = SERVER_LIMITS["bulk_enroll"]
    rate_window_seconds: float = 60.0
    # Not in repr: a Redis URL may hold a password.
    rate_limit_store: str = field(default="", repr=False)
    max_retries: int = 5
    retry_max_wait: float = 120.0
    retry_after_max: float = 600.0

    @classmethod
    def extra_names(cls) -> list[str]:
        """The connection extras this provider reads (the deprecated ones aside)."""
        return [f.name for f in fields(cls) if f.name not in _NOT_EXTRAS]

    @classmethod
    def from_connection(
        cls,
        host: str | None,
        login: str | None,
        password: str | None,
        extra: JSONObject | str | None,
        *,
        schema: str | None = None,
        port: int | str | None = None,
    ) -> TribooSettings:
        """Read a connection's fields, or raise :class:`TribooConfigError` naming every
        problem found. ``extra`` is the connection's ``extra_dejson``."""
        problems: list[str] = []
        url = ""
        try:
            url = base_url(host, schema, port)
        except TribooConfigError as problem:
            problems.append(problem.args[0])
        if not given(login):
            problems.append("login (client id) is missing")
        elif not isinstance(login, str):
            problems.append("login (client id) must be text")
        elif TEMPLATE.search(login):
            problems.append(unrendered("login"))
        if not given(password):
            problems.append("password (client secret) is missing")
        elif not isinstance(password, str):
            problems.append("password (client secret) must be text")
        defaults = {f.name: f.default for f in fields(cls) if f.name not in _NOT_EXTRAS}
        values = read_extras(_extras_object(extra, problems), problems, defaults)
        if problems or not isinstance(login, str) or not isinstance(password, str):
            raise TribooConfigError(_message(problems))
        settings = cls(url, login.strip(), password, **values)
        unsendable = _unsendable(settings)
        if unsendable:
            raise TribooConfigError(_message([unsendable]))
        return settings

    @property
    def token_url(self) -> str:
        return self.base_url + self.oauth2_path

    @property
    def endpoint(self) -> str:
        """The base URL with its port spelled out (``https://127.0.0.1:443``), for messages."""
        return endpoint(self.base_url)

    @property
    def limits(self) -> dict[str, int]:
        return {
            "users": self.users_per_minute,
            "reports": self.reports_per_minute,
            "bulk_enroll": self.bulk_enroll_per_minute,
        }


_NOT_EXTRAS = ("base_url", "client_id", "client_secret")


def _unsendable(settings: TribooSettings) -> str | None:
    """What keeps httpx from sending the token request and an API request, or None.

    The clients are built as the hook builds them (``httpx.Client`` with the base URL), so
    a URL httpx refuses is a configuration problem here, not an error at the first request.
    """
    path = settings.oauth2_path
    # The client secret goes to the token URL: it must stay on the connection's host (an
    # oauth2_path such as "@other.example/token" would move it elsewhere).
    if not path.startswith("/") or "?" in path or "#" in path:
        return "oauth2_path must be a path on the connection's host, e.g. /oauth2/access_token"
    try:
        token_url = httpx.URL(settings.token_url)
    except httpx.InvalidURL:
        return f"oauth2_path {CONTROL}"
    if _CONTROLS.search(token_url.path):  # percent-encoded: "/a/%0a"
        return f"oauth2_path {CONTROL}"
    if not same_origin(token_url, settings.base_url):
        return "oauth2_path must be a path on the connection's host, e.g. /oauth2/access_token"
    try:
        with httpx.Client(
            base_url=settings.base_url,
            timeout=httpx.Timeout(settings.timeout),
            transport=httpx.MockTransport(lambda request: httpx.Response(204)),
            trust_env=False,  # no proxy transports: nothing is sent
        ) as client:
            client.build_request("POST", token_url)
            client.build_request("GET", _PROBE_PATH)
    except httpx.InvalidURL:
        return "host: httpx cannot build a request on this base URL"
    return None


def _extras_object(extra: object, problems: list[str]) -> JSONObject:
    """``extra`` as a dict: Airflow's ``Connection.extra`` is JSON text, ``extra_dejson`` that
    text parsed. Airflow reads text that is no JSON as ``{}`` (logging it); here it is a
    problem, since silent defaults would hide a typo. The text itself is never repeated."""
    if extra is None or (isinstance(extra, str) and not extra.strip()):
        return {}
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except (ValueError, RecursionError):
            extra = None
    if isinstance(extra, Mapping):
        return dict(extra)
    problems.append("extra must be a JSON object (the connection's extra_dejson, or its text)")
    return {}


def _message(problems: list[str]) -> str:
    return "the triboo connection is misconfigured: " + "; ".join(problems)
