"""The budget's in-flight margin and clock steps (review of issue 16), on every store.

A request admitted less than the margin ago may still be on its way; one admitted after it
may overtake it, and the server counts by arrival. The property: under any interleaving
of scopes and any arrival reordering within the margin, no request finds its limit reached
among the earlier arrivals of the server's window (the budget's window minus the margin,
as ``open_budget`` builds it), except requests of a scope set to 0, which are not paced at
all and may overtake anything. Then the SQLite and Redis stores (SQL, Lua) must decide
exactly as the Python rule does, with clock steps back included."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from triboo_provider.client.budget import MICROS, Budget, HistoryStore, LocalHistory
from triboo_provider.client.budget_local import poll_us
from triboo_provider.client.budget_redis import RedisHistory
from triboo_provider.client.budget_sqlite import SQLiteHistory

from tests.provider.test_budget import T0, FakeTime
from tests.redis_server import running_redis

SMALL = {"users": 4, "reports": 2, "bulk_enroll": 6, "one": 1, "off": 0}
WINDOW_US = 10 * MICROS
MARGIN_US = MICROS
SERVER_WINDOW_US = WINDOW_US - MARGIN_US

# (scope, microseconds since the previous request, delay from admission to arrival)
requests = st.lists(
    st.tuples(
        st.sampled_from(sorted(SMALL)),
        st.integers(0, 1_500_000),
        st.integers(0, MARGIN_US - 1),
    ),
    max_size=50,
)


def budget_of(store: HistoryStore, time: FakeTime) -> Budget:
    return Budget(
        store,
        f"triboo:budget:{uuid.uuid4().hex}",
        SMALL,
        window=WINDOW_US / MICROS,
        margin=MARGIN_US / MICROS,
        clock=time.clock,
        sleep=time.sleep,
        local=LocalHistory(),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=requests)
def test_no_request_finds_its_limit_reached_whatever_the_arrival_order(
    steps: list[tuple[str, int, int]],
) -> None:
    time = FakeTime()
    budget = budget_of(LocalHistory(), time)
    sent: list[tuple[int, int, str]] = []  # (arrival, admission order, scope)
    for order, (scope, gap_us, delay_us) in enumerate(steps):
        time.now_us += gap_us
        budget.acquire(scope)
        sent.append((time.now_us + delay_us, order, scope))
    for arrival, order, scope in sent:
        if SMALL[scope] == 0:
            continue
        # A scope set to 0 is not paced at all, so it may overtake anything: only those
        # admitted before this one (in the history it was checked against) are counted.
        earlier = sum(
            1
            for other in sent
            if (other[0], other[1]) < (arrival, order)
            and arrival - other[0] < SERVER_WINDOW_US
            and (SMALL[other[2]] > 0 or other[1] < order)
        )
        assert earlier < SMALL[scope], (scope, arrival, sorted(sent))


def test_a_request_that_could_overtake_the_last_report_of_a_window_waits_for_its_answer() -> None:
    time = FakeTime()
    budget = budget_of(LocalHistory(), time)
    first = budget.acquire("users")
    assert first is not None
    budget.settle(first)
    time.advance(2.0)
    report = budget.acquire("reports")  # the second of the window: the limit (2) not reached...
    assert report is not None
    answers_after = 3  # ...unless a user call overtakes it: that waits for the report's answer
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        time.advance(seconds)
        if len(waited) == answers_after:
            budget.settle(report)

    budget.sleep = sleep
    budget.acquire("users")
    # The margin first, then a look every eighth of it, until the answer came.
    assert waited == [MARGIN_US / MICROS] + [poll_us(MARGIN_US) / MICROS] * (answers_after - 1)
    budget.acquire("off")  # a scope set to 0 never waits, and counts
    assert len(waited) == answers_after


def test_a_report_never_answered_holds_an_overtaker_back_until_it_leaves_the_history() -> None:
    time = FakeTime()
    budget = budget_of(LocalHistory(), time)
    budget.acquire("users")
    budget.acquire("reports")  # never settled: its process was killed mid-request
    budget.acquire("users")
    # Held back until the report's entry is dropped, two windows and a margin after it.
    assert sum(time.sleeps) == pytest.approx((2 * WINDOW_US + MARGIN_US) / MICROS, abs=0.16)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_redis(tmp_path_factory.mktemp("redis")) as started:
        yield started.url


# Gaps may be negative: the wall clock stepped back (NTP), by up to two windows.
steps_with_steps_back = st.lists(
    st.tuples(
        st.sampled_from(sorted(SMALL)),
        st.one_of(st.integers(0, 1_500_000), st.integers(-2 * WINDOW_US, -1)),
    ),
    max_size=40,
)


def decisions(store: HistoryStore, steps: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """Each admit's (wait, now) for ``steps``, the clock moved by each gap, then by waits."""
    now = [T0]
    key = f"triboo:budget:{uuid.uuid4().hex}"
    made: list[tuple[int, int]] = []
    for scope, gap_us in steps:
        now[0] += gap_us
        while True:
            wait_us, at_us = store.admit(key, SMALL[scope], WINDOW_US, lambda: now[0], MARGIN_US)
            made.append((wait_us, at_us))
            assert wait_us <= WINDOW_US  # a clock stepped back never makes a longer wait
            if wait_us <= 0:
                break
            now[0] += wait_us
    return made


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps_with_steps_back)
def test_sqlite_and_redis_decide_as_the_python_rule(
    steps: list[tuple[str, int]], redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    expected = decisions(LocalHistory(), steps)
    sqlite = SQLiteHistory(tmp_path_factory.mktemp("inflight") / "b.sqlite3")
    redis_store = RedisHistory(redis_url, server_time=False)
    try:
        assert decisions(sqlite, steps) == expected
        assert decisions(redis_store, steps) == expected
    finally:
        sqlite.close()
        redis_store.close()


def test_redis_clock_stepped_back_never_waits_longer_than_the_window(redis_url: str) -> None:
    time = FakeTime()
    budget = budget_of(RedisHistory(redis_url, server_time=False), time)
    for _ in range(2):
        slot = budget.acquire("reports")
        assert slot is not None
        budget.settle(slot)  # answered, as every request is
    time.advance(-3600.0)
    budget.acquire("reports")
    assert sum(time.sleeps) <= WINDOW_US / MICROS + MARGIN_US / MICROS
    budget.close()


def test_an_old_sqlite_table_left_by_a_development_build_is_harmless(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "b.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE history (api_user TEXT NOT NULL, at_us INTEGER NOT NULL)")
    store = SQLiteHistory(path)
    assert store.admit("k", 1, WINDOW_US, lambda: T0, MARGIN_US) == (0, T0)
    store.close()
