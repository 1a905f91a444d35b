"""Issue 16: the hook paces on one budget per API user, shared by its two HTTP clients, by
every task process of a machine (the default SQLite store, no set-up) and by every worker
(a Redis store named by the extra ``rate_limit_store``); a store that goes away costs one
warning, never the task. Processes are real, the sandbox's rate limits are the server's on
a time-scaled minute, and Redis is a real redis-server on loopback."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from triboo_provider.client import TribooClient
from triboo_provider.client.auth import ClientCredentialsAuth
from triboo_provider.client.budget import LocalHistory, StoreUnavailable
from triboo_provider.client.budget_redis import RedisHistory
from triboo_provider.client.budget_sqlite import SQLiteHistory, default_sqlite_path
from triboo_provider.client.budget_stores import open_store
from triboo_provider.client.errors import TribooConfigError
from triboo_provider.client.settings import TribooSettings
from triboo_provider.client.throttle import Pacer
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.redis_server import RedisServer, running_redis
from tools.demo import throttled_line

SCALE = 0.05  # the sandbox's minute lasts 3 s
WINDOW = 60 * SCALE
CALLS = 8  # report calls per process: two processes need 16 of the 10 a window allows

# One task process: a TribooHook on the connection in AIRFLOW_CONN_TRIBOO_DEFAULT reads it,
# waits for the common start, then lists the catalogue CALLS times (one report call each).
CHILD = """
import json, sys, time
from triboo_provider.hooks.triboo import TribooHook

start_at, calls = float(sys.argv[1]), int(sys.argv[2])
with TribooHook() as hook:
    hook.budget  # the connection read and the store chosen before the start
    time.sleep(max(0.0, start_at - time.time()))
    for _ in range(calls):
        assert len(list(hook.iter_courses())) == 36
    print(json.dumps({"sent": hook.requests_sent}))
"""


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as started:
        yield started


def connection(url: str, **extra: object) -> dict[str, object]:
    return {
        "conn_type": "triboo",
        "host": url,
        "login": "demo-client",
        "password": "demo-secret",
        "extra": {"rate_window_seconds": WINDOW, "retry_max_wait": 1, **extra},
    }


def run_two_tasks(url: str, tmp_path: Path, **extra: object) -> list[dict[str, object]]:
    """Two task processes on one API user, started together; each one's answer, with
    what it logged (its budget's warnings: a store that failed paces alone)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    # TMPDIR isolates the default store from other runs; the connection says nothing of it.
    env |= {
        "TMPDIR": str(tmp_path),
        "AIRFLOW_CONN_TRIBOO_DEFAULT": json.dumps(connection(url, **extra)),
    }
    start_at = str(time.time() + 8.0)  # after both interpreters have imported Airflow
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, start_at, str(CALLS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-3000:]
        answers.append({**json.loads(out.strip().splitlines()[-1]), "log": err[-3000:]})
    return answers


def test_two_task_processes_share_the_default_store_with_no_set_up(tmp_path: Path) -> None:
    sandbox = make_sandbox(users=50, rate_limits=str(SCALE))
    with SandboxServer(sandbox) as server:
        started = time.monotonic()
        answers = run_two_tasks(server.url, tmp_path)
        took = time.monotonic() - started
    assert sandbox.throttled == 0, [answer["log"] for answer in answers]
    # 16 report calls at 10 a window: the second process's last calls waited for the next.
    assert took >= 8.0 + WINDOW
    files = list(tmp_path.glob("airflow-provider-triboo-*/rate-limit-budget.sqlite3"))
    assert len(files) == 1


def test_the_control_processes_on_local_stores_are_throttled(tmp_path: Path) -> None:
    """Without a shared store each process spends the whole budget: the check above can
    fail (and the retries still finish the work)."""
    sandbox = make_sandbox(users=50, rate_limits=str(SCALE))
    with SandboxServer(sandbox) as server:
        run_two_tasks(server.url, tmp_path, rate_limit_store="local")
    assert sandbox.throttled > 0


def test_two_task_processes_share_a_redis_store(redis_server: RedisServer, tmp_path: Path) -> None:
    sandbox = make_sandbox(users=50, rate_limits=str(SCALE))
    with SandboxServer(sandbox) as server:
        answers = run_two_tasks(server.url, tmp_path, rate_limit_store=redis_server.url)
    assert sandbox.throttled == 0, [answer["log"] for answer in answers]
    assert not list(tmp_path.glob("airflow-provider-triboo-*"))  # Redis, not the default


def settings(url: str, **extra: object) -> TribooSettings:
    return TribooSettings.from_connection(url, "demo-client", "demo-secret", extra)


def test_a_redis_store_that_goes_away_mid_run_costs_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = make_sandbox(users=50, rate_limits=str(SCALE))
    with (
        running_redis(tmp_path) as redis_server,
        SandboxServer(sandbox) as server,
        TribooClient(
            settings(server.url, rate_limit_store=redis_server.url, rate_window_seconds=WINDOW)
        ) as client,
        caplog.at_level(logging.WARNING, logger="triboo_provider.client.budget"),
    ):
        for _ in range(3):
            assert len(list(client.iter_courses())) == 36
        redis_server.stop()
        for _ in range(12):  # past the 10 a window: paced locally
            assert len(list(client.iter_courses())) == 36
    assert sandbox.throttled == 0
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Shared rate-limit budget unavailable" in warnings[0].getMessage()
    assert client.budget is not None


def test_both_http_clients_and_the_prefetch_share_one_budget(tmp_path: Path) -> None:
    client = TribooClient(
        settings("http://127.0.0.1:1", rate_limit_store=f"sqlite://{tmp_path}/b.db")
    )
    auths = [c.get_httpx_client().auth for c in (client.api, client.jwt_api)]
    assert all(isinstance(a, ClientCredentialsAuth) for a in auths)
    paces = [a._pace for a in auths if isinstance(a, ClientCredentialsAuth)]
    budget = client.budget
    assert [p.budget for p in paces if isinstance(p, Pacer)] == [budget] * 2
    assert isinstance(budget.store, SQLiteHistory)
    assert budget.store.path == tmp_path / "b.db"
    # The window: the connection's, plus the arrival slack.
    assert budget.window_us == round((60 * 1.02 + 0.02) * 1_000_000)
    assert budget.limits == {"users": 20, "reports": 10, "bulk_enroll": 120}
    client.close()
    assert "budget" not in client.__dict__
    assert client.budget is not budget  # the next call opens a new one


def test_the_budget_is_keyed_by_host_and_client_id() -> None:
    one = TribooClient(settings("https://acme.example", rate_limit_store="local"))
    same = TribooClient(settings("https://ACME.example/", rate_limit_store="local"))
    other = TribooClient(TribooSettings.from_connection("https://acme.example", "other", "s", {}))
    assert one.budget.api_user == same.budget.api_user != other.budget.api_user
    assert "acme" not in one.budget.api_user


def test_the_default_store_is_a_private_file_of_this_user(tmp_path: Path) -> None:
    client = TribooClient(settings("https://acme.example"))
    store = client.budget.store
    assert isinstance(store, SQLiteHistory)
    assert store.path == default_sqlite_path()
    assert default_sqlite_path().parent.name == f"airflow-provider-triboo-{os.getuid()}"


def test_a_default_directory_another_user_could_write_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    directory = default_sqlite_path().parent
    directory.mkdir(mode=0o777)
    directory.chmod(0o777)  # as if someone else had made it first, for everyone
    store = SQLiteHistory()
    with pytest.raises(StoreUnavailable, match="not a private directory"):
        store.admit("k", 1, 1_000_000, lambda: 1)
    directory.chmod(0o700)
    assert store.admit("k", 1, 1_000_000, lambda: 1) == (0, 1)
    store.close()


def test_a_redis_password_is_masked_and_never_shown() -> None:
    seen: list[str] = []
    url = "redis://:s3cr%40t-pw@127.0.0.1:1/0"
    client = TribooClient(
        settings("https://acme.example", rate_limit_store=url), on_token=seen.append
    )
    store = client.budget.store
    assert isinstance(store, RedisHistory)
    assert seen == ["s3cr@t-pw"]  # the hook's on_token is mask_secret
    assert "s3cr" not in repr(client.settings) + str(store)
    client.close()


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        ("redis://h:6379/0?password=q%40pw", ["q@pw"]),
        ("unix:///run/redis.sock?password=q-pw&username=svc", ["q-pw"]),
        ("REDIS://:u-pw@h/0?password=q-pw&ssl_password=k-pw", ["u-pw", "q-pw", "k-pw"]),
        ("redis://svc@h/0?username=svc", []),
    ],
)
def test_every_secret_redis_py_reads_from_the_url_is_masked(url: str, secrets: list[str]) -> None:
    """redis-py reads the userinfo password and any ?password= (and passes ?ssl_password=
    to the connection): each is handed to the hook's mask_secret; a user name is not."""
    seen: list[str] = []
    client = TribooClient(
        settings("https://acme.example", rate_limit_store=url), on_token=seen.append
    )
    client.budget  # noqa: B018 - opening the budget hands over the secrets
    assert seen == secrets
    client.close()


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", SQLiteHistory),
        (" sqlite ", SQLiteHistory),
        ("sqlite:///var/lib/triboo/budget.sqlite3", SQLiteHistory),
        ("local", LocalHistory),
        ("redis://redis.internal:6379/0", RedisHistory),
        ("rediss://user:pw@redis.internal", RedisHistory),
        ("unix:///run/redis/redis.sock?db=2", RedisHistory),
        # Schemes are case-insensitive, as the bare words are (review of issue 16).
        ("SQLITE:///var/lib/triboo/budget.sqlite3", SQLiteHistory),
        ("REDIS://redis.internal:6379/0", RedisHistory),
        ("Unix:///run/redis/redis.sock", RedisHistory),
    ],
)
def test_rate_limit_store_values(value: str, kind: type) -> None:
    assert isinstance(
        open_store(settings("https://a.example", rate_limit_store=value).rate_limit_store), kind
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("memcached://pw-1@h", "must be empty or sqlite"),
        ("sqlite://relative.db", "sqlite:///<absolute path of a file>"),
        ("sqlite:///var/lib/", "sqlite:///<absolute path of a file>"),
        ("redis://:pw-1@h:99999/0", "a Redis URL is redis://"),
        ("redis://:pw-1@/0", "the host is missing"),
        ("redis://:pw-1@h/zero", "the db is a number"),
        ("unix://", "unix:///path/to/redis.sock"),
        ("redis://:pw-1@h\n/0", "control characters"),
        (5, "must be text"),
    ],
)
def test_a_bad_rate_limit_store_is_a_config_error_that_never_repeats_it(
    value: object, says: str
) -> None:
    with pytest.raises(TribooConfigError, match="rate_limit_store") as raised:
        settings("https://a.example", rate_limit_store=value)
    assert says in str(raised.value)
    assert "pw-1" not in str(raised.value)


def test_a_redis_store_without_redis_py_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "redis" else real(name, *a)
    )
    with pytest.raises(TribooConfigError, match=r"airflow-provider-triboo\[redis\]"):
        settings("https://a.example", rate_limit_store="redis://h:6379/0")


def test_the_demo_prints_the_429_count() -> None:
    assert throttled_line(120, 0).endswith("429 (rate limited) answers: none")
    assert "4 (target 0" in throttled_line(120, 4)
