"""The shared API budget across processes, on a real redis-server on loopback and on a
SQLite file: combined rate, window edges, a Redis stopped mid-run and started again."""

from __future__ import annotations

import logging
import multiprocessing
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from triboo_provider.client.budget import (
    MICROS,
    Budget,
    HistoryStore,
    LocalHistory,
    StoreUnavailable,
)
from triboo_provider.client.budget_redis import RedisHistory
from triboo_provider.client.budget_sqlite import SQLiteHistory

from tests.provider.test_budget import FakeTime, arrivals, budget_on, check_admissions
from tests.redis_server import RedisServer, running_redis

WINDOW = 0.5  # a scaled "minute", so that real processes wait for real
LIMIT = 5
PER_PROCESS = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis(tmp_path_factory.mktemp("redis")) as started:
        yield started


def open_store(kind: str, where: str) -> HistoryStore:
    return RedisHistory(where) if kind == "redis" else SQLiteHistory(where)


def admit_many(kind: str, where: str, key: str, start_at: float, out: list[float]) -> None:
    """In a child process: wait for ``start_at``, then acquire PER_PROCESS report slots,
    putting the time each was recorded at (by the store's clock: Redis's own) into ``out``."""
    store = open_store(kind, where)
    budget = Budget(store, key, {"reports": LIMIT}, window=WINDOW)
    time.sleep(max(0.0, start_at - time.time()))
    for _ in range(PER_PROCESS):
        slot = budget.acquire("reports")
        assert slot is not None
        out.append(slot.at)
    budget.close()


@pytest.mark.parametrize("kind", ["redis", "sqlite"])
def test_two_processes_share_one_budget(kind: str, server: RedisServer, tmp_path: Path) -> None:
    where = server.url if kind == "redis" else str(tmp_path / "budget.sqlite3")
    key = f"triboo:budget:{uuid.uuid4().hex}"
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        outs = [manager.list() for _ in range(2)]
        start_at = time.time() + 3.0  # after both interpreters have started
        workers = [
            context.Process(target=admit_many, args=(kind, where, key, start_at, out))
            for out in outs
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        admitted = sorted(t for out in outs for t in out)
        per_worker = [len(out) for out in outs]
    assert per_worker == [PER_PROCESS, PER_PROCESS]
    window_us = round(WINDOW * MICROS)
    stamps = [round(t * MICROS) for t in admitted]
    for i, at in enumerate(stamps):  # every window ending at an admission
        assert sum(1 for t in stamps[: i + 1] if t > at - window_us) <= LIMIT
    # 20 admissions at 5 a window need at least 3 windows after the first, and no idle ones.
    span = (stamps[-1] - stamps[0]) / MICROS
    assert 3 * WINDOW <= span < 3 * WINDOW + 2.0


def test_the_server_clock_paces_too(server: RedisServer) -> None:
    store = RedisHistory(server.url)
    budget = Budget(store, f"k:{uuid.uuid4().hex}", {"users": 2}, window=WINDOW)
    started = time.monotonic()
    for _ in range(3):
        budget.acquire("users")
    assert time.monotonic() - started >= WINDOW * 0.9  # the server's and ours may differ a bit
    assert not budget.degraded
    budget.close()


def test_redis_edges_of_the_window(server: RedisServer) -> None:
    fake = FakeTime()
    store = RedisHistory(server.url, server_time=False)
    budget = budget_on(store, fake, limits={"reports": 1})
    budget.acquire("reports")
    fake.advance(60.0)
    budget.acquire("reports")  # exactly one window later: at once
    fake.advance(59.999999)
    budget.acquire("reports")  # a microsecond early: waits that microsecond
    assert fake.sleeps == [pytest.approx(1e-6, abs=1e-9)]
    ttl = redis.Redis.from_url(server.url).pttl(budget.api_user)
    assert 0 < ttl <= 61_000  # an unused API user's history expires after one window
    store.close()


def test_redis_one_history_many_limits(server: RedisServer) -> None:
    fake = FakeTime()
    store = RedisHistory(server.url, server_time=False)
    budget = budget_on(store, fake)
    for _ in range(10):
        budget.acquire("users")
    budget.acquire("reports")
    assert fake.sleeps == [60.0]
    store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=arrivals)
def test_no_window_ever_holds_more_than_the_limit_redis(
    steps: list[tuple[str, int]], server: RedisServer
) -> None:
    store = RedisHistory(server.url, server_time=False)
    try:
        check_admissions(store, steps)
    finally:
        store.close()


def test_redis_stopped_mid_run_then_started_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with running_redis(tmp_path) as own:
        key = f"triboo:budget:{uuid.uuid4().hex}"
        budget = Budget(
            RedisHistory(own.url),
            key,
            {"reports": LIMIT},
            window=WINDOW,
            local=LocalHistory(),
            recheck=0.1,
        )
        admitted: list[float] = []
        with caplog.at_level(logging.INFO, logger="triboo_provider.client.budget"):
            for _ in range(3):
                budget.acquire("reports")
                admitted.append(time.time())
            own.stop()
            for _ in range(2 * LIMIT):  # the task goes on, paced by this process alone
                budget.acquire("reports")
                admitted.append(time.time())
            assert budget.degraded
            own.start()
            time.sleep(0.15)  # past the next recheck, within the window of the last requests
            budget.acquire("reports")
            admitted.append(time.time())
        assert not budget.degraded
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert f"Redis at 127.0.0.1:{own.port}, db 0" in warnings[0]
        assert any("reachable again" in r.getMessage() for r in caplog.records)
        # The restarted (empty) server was handed this process's requests of the window.
        assert redis.Redis.from_url(own.url).zcard(key) >= 2
        budget.close()
    # Local pacing kept the limit while the store was away (with time.time()'s jitter).
    for i, at in enumerate(admitted):
        assert sum(1 for t in admitted[: i + 1] if t > at - WINDOW * 0.95) <= LIMIT


def test_redis_never_shows_its_password() -> None:
    store = RedisHistory(f"redis://:pw-{'x' * 8}@127.0.0.1:1/0", timeout=0.5)
    assert "pw-" not in str(store)
    with pytest.raises(StoreUnavailable) as raised:
        store.admit("k", 1, MICROS, lambda: 0)
    assert "pw-" not in str(raised.value)
    with pytest.raises(StoreUnavailable, match="not a Redis URL") as bad:
        RedisHistory("http://user:pw-secret@host/0")
    assert bad.value.__cause__ is None
