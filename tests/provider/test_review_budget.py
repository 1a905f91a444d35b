"""Review of issue 16 (one API budget per API user): failing tests for what broke.

Each test states the behaviour expected from README's "Sharing the API budget" and the
issue; none is marked xfail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from triboo_provider.client.budget import Budget, LocalHistory
from triboo_provider.client.budget_sqlite import SQLiteHistory
from triboo_provider.client.budget_stores import store_password
from triboo_sandbox.server import SandboxServer, make_sandbox

SCALE = 0.05
WINDOW = 60 * SCALE

# One task process with THREADS threads on the default store (TMPDIR isolates it), mixed
# scopes over the API user's one history: user lookups, catalogue reads, bulk enrolls.
STRESS_CHILD = """
import json, sys, threading, time
from triboo_provider.client import TribooClient
from triboo_provider.client.settings import TribooSettings

url, start_at, rounds = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
client_id, secret, window = sys.argv[4], sys.argv[5], float(sys.argv[6])
settings = TribooSettings.from_connection(
    url, client_id, secret, {"rate_window_seconds": window, "retry_max_wait": 1}
)
client = TribooClient(settings)
client.budget
errors = []
def work(n):
    try:
        for i in range(rounds):
            kind = (n + i) % 3
            if kind == 0:
                client.find_users(user_ids=[1 + (n + i) % 20])
            elif kind == 1:
                assert len(list(client.iter_courses())) == 36
            else:
                client.find_users(user_ids=[2])
    except BaseException as error:
        errors.append(repr(error))
time.sleep(max(0.0, start_at - time.time()))
threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"sent": client.requests_sent, "errors": errors}))
"""


def _run_children(url: str, tmp_path: Path, logins: list[tuple[str, str]], rounds: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env["TMPDIR"] = str(tmp_path)
    start_at = str(time.time() + 6.0)
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                STRESS_CHILD,
                url,
                start_at,
                str(rounds),
                login,
                secret,
                str(WINDOW),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for login, secret in logins
    ]
    for child in children:
        out, err = child.communicate(timeout=240)
        assert child.returncode == 0, err[-3000:]
        answer = json.loads(out.strip().splitlines()[-1])
        assert answer["errors"] == [], answer


def test_six_processes_three_threads_mixed_scopes_get_no_429(tmp_path: Path) -> None:
    """6 task processes x 3 threads on one API user, default store: the server never
    throttles (the issue's target: zero 429s)."""
    sandbox = make_sandbox(users=50, rate_limits=str(SCALE))
    with SandboxServer(sandbox) as server:
        _run_children(server.url, tmp_path, [("demo-client", "demo-secret")] * 6, rounds=6)
    assert sandbox.throttled == 0


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize("kind", ["local", "sqlite"])
def test_a_wall_clock_stepped_back_never_makes_a_wait_longer_than_the_window(
    kind: str, tmp_path: Path
) -> None:
    """NTP steps time.time() back an hour: the budget must not sleep an hour (it does: the
    entries recorded 'in the future' fill the window until the clock catches up)."""
    clock = _Clock(1_000_000.0)
    local = LocalHistory()
    store = local if kind == "local" else SQLiteHistory(tmp_path / "b.db")
    budget = Budget(
        store, "k", {"reports": 2}, window=60, clock=clock, sleep=clock.sleep, local=local
    )
    budget.acquire("reports")
    budget.acquire("reports")
    clock.now -= 3600
    budget.acquire("reports")
    assert sum(clock.slept) <= 60


@pytest.mark.parametrize(
    "url",
    ["redis://127.0.0.1:6379/0?password=qs-pw-123", "unix:///run/redis.sock?password=qs-pw-123"],
)
def test_a_redis_password_given_in_the_query_is_masked_too(url: str) -> None:
    """redis-py reads ?password= as the password; the hook masks only userinfo passwords,
    so this one reaches task logs in clear (README: 'the hook masks it')."""
    assert store_password(url) == "qs-pw-123"


def test_fork_while_another_thread_is_in_a_sqlite_step_does_not_deadlock_the_child(
    tmp_path: Path,
) -> None:
    """SQLiteHistory claims to be safe across fork(), but its threading.Lock is inherited
    held when a thread is mid-transaction (waiting on the busy timeout): the child hangs
    forever (LocalHistory re-creates its lock after fork; SQLiteHistory does not).

    Corrected after review: the blocker holding the file's write lock is another process.
    A connection of the forking process itself, held in a transaction across fork(), is
    SQLite's own documented limit (its unix VFS keeps lock state per process: the child
    believes it holds that write lock and any new connection in it waits out the busy
    timeout), which no code of the store can undo."""
    script = f"""
import os, signal, subprocess, sys, threading, time
from triboo_provider.client.budget import StoreUnavailable
from triboo_provider.client.budget_sqlite import SQLiteHistory
path = {str(tmp_path / "d.db")!r}
store = SQLiteHistory(path)
store.admit("k", 100, 10**6, lambda: 1)
hold = "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
hold += "db.execute('BEGIN IMMEDIATE'); print('held', flush=True); sys.stdin.read()"
blocker = subprocess.Popen(
    [sys.executable, "-c", hold, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
)
assert blocker.stdout.readline().strip() == "held"
def step():
    try:
        store.admit("k", 100, 10**6, lambda: 2)
    except StoreUnavailable:
        pass
threading.Thread(target=step, daemon=True).start()
time.sleep(0.3)
pid = os.fork()
if pid == 0:
    signal.alarm(5)
    try:
        store.admit("k", 100, 10**6, lambda: 3)
    except StoreUnavailable:
        pass
    os._exit(0)
blocker.kill()  # not stdin.close(): the child holds a copy of that pipe
blocker.wait()
_, status = os.waitpid(pid, 0)
print("killed" if os.WIFSIGNALED(status) else "ok")
"""
    out = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


def test_a_scope_turned_off_still_counts_in_the_one_history() -> None:
    """users_per_minute: 0 turns client pacing of user calls off, but the server still
    counts them in the one history: ten user calls then a report call is a 429 unless the
    budget records them (it records nothing for a scope set to 0)."""
    clock = _Clock(1_000_000.0)
    budget = Budget(
        LocalHistory(),
        "k",
        {"users": 0, "reports": 10},
        window=60,
        clock=clock,
        sleep=clock.sleep,
        local=LocalHistory(),
    )
    for _ in range(10):
        budget.acquire("users")
    budget.acquire("reports")
    assert clock.slept, "the report call went at once, over the server's limit"
