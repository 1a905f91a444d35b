"""The shared API budget's model, on a fake clock: one history, many limits, window edges,
a store that goes away and comes back, and a property over any interleaving of scopes."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from triboo_provider.client.budget import (
    MICROS,
    Budget,
    HistoryStore,
    LocalHistory,
    StoreUnavailable,
    api_user_key,
)
from triboo_provider.client.budget_sqlite import SQLiteHistory

LIMITS = {"users": 20, "reports": 10, "bulk_enroll": 120}
T0 = 1_000 * MICROS


class FakeTime:
    """A clock in whole microseconds that only ``sleep`` moves; sleeps are kept."""

    def __init__(self, now_us: int = T0) -> None:
        self.now_us = now_us
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now_us / MICROS

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_us += round(seconds * MICROS)

    def advance(self, seconds: float) -> None:
        self.now_us += round(seconds * MICROS)


class FlakyStore:
    """A LocalHistory that raises StoreUnavailable while ``down``."""

    def __init__(self) -> None:
        self.inner = LocalHistory()
        self.down = False
        self.calls = 0

    def admit(
        self,
        key: str,
        limit: int,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> tuple[int, int]:
        self._check()
        return self.inner.admit(key, limit, window_us, clock_us, margin_us)

    def settle(
        self,
        key: str,
        at_us: int,
        limit: int,
        *,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> None:
        self._check()
        self.inner.settle(
            key, at_us, limit, window_us=window_us, clock_us=clock_us, margin_us=margin_us
        )

    def add(
        self, key: str, ages_us: Sequence[int], window_us: int, now_us: int, margin_us: int = 0
    ) -> None:
        self._check()
        self.inner.add(key, ages_us, window_us, now_us, margin_us)

    def __str__(self) -> str:
        return "flaky store"

    def close(self) -> None:
        pass

    def _check(self) -> None:
        self.calls += 1
        if self.down:
            raise StoreUnavailable("ConnectionError: connection refused")


@pytest.fixture(params=["local", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HistoryStore]:
    made: HistoryStore = (
        LocalHistory() if request.param == "local" else SQLiteHistory(tmp_path / "budget.sqlite3")
    )
    yield made
    made.close()


def budget_on(
    store: HistoryStore,
    time: FakeTime,
    limits: Mapping[str, int] = LIMITS,
    window: float = 60.0,
    recheck: float | None = None,
) -> Budget:
    """A budget of a new API user on ``store``, its time ``time``'s, its own local log."""
    return Budget(
        store,
        api_user_key("https://t.example", uuid.uuid4().hex),
        limits,
        window=window,
        clock=time.clock,
        sleep=time.sleep,
        local=LocalHistory(),
        recheck=recheck,
    )


def test_ten_user_calls_use_up_the_report_budget(store: HistoryStore) -> None:
    time = FakeTime()
    budget = budget_on(store, time)
    for _ in range(10):
        budget.acquire("users")
    assert time.sleeps == []
    budget.acquire("reports")  # the history holds 10: reports wait for the first to leave
    assert time.sleeps == [60.0]
    # At +60 s the ten user calls left the window; the report counts for users too: 19
    # more user calls fit, the 20th waits for the report to leave.
    for _ in range(19):
        budget.acquire("users")
    assert time.sleeps == [60.0]
    budget.acquire("users")
    assert time.sleeps == [60.0, 60.0]


def test_a_request_exactly_one_window_later_goes_at_once(store: HistoryStore) -> None:
    time = FakeTime()
    budget = budget_on(store, time, limits={"reports": 1})
    budget.acquire("reports")
    time.advance(60.0)
    budget.acquire("reports")  # the first is at now - 60 s: out of the window, as on the server
    assert time.sleeps == []


def test_a_request_a_microsecond_early_waits_that_microsecond(store: HistoryStore) -> None:
    time = FakeTime()
    budget = budget_on(store, time, limits={"reports": 1})
    budget.acquire("reports")
    time.advance(59.999999)
    budget.acquire("reports")
    assert time.sleeps == [pytest.approx(1e-6, abs=1e-9)]
    assert time.now_us == T0 + 60 * MICROS


def test_the_wait_is_for_the_entry_that_makes_room(store: HistoryStore) -> None:
    time = FakeTime()
    budget = budget_on(store, time, limits={"users": 3, "reports": 2})
    for gap in (0.0, 10.0, 10.0):  # users at 0, 10 and 20 s
        time.advance(gap)
        budget.acquire("users")
    # Three in the window, reports allow two: two must leave, the second leaves at 10 + 60.
    budget.acquire("reports")
    assert time.now_us == T0 + 70 * MICROS


def test_a_scope_set_to_0_never_waits_but_counts(store: HistoryStore) -> None:
    """The server counts every request of its scopes against every limit (issue 16 review:
    0 turns client pacing of a scope off, not the server's counting); a scope the limits do
    not name (the token endpoint) is neither waited for nor counted."""
    time = FakeTime()
    budget = budget_on(store, time, limits={"users": 1, "reports": 0})
    for _ in range(5):
        budget.acquire("reports")
        budget.acquire("token")
    assert time.sleeps == []
    budget.acquire("users")  # the five reports are in the window: users' limit of 1 waits
    assert time.sleeps == [60.0]


def test_budgets_of_one_api_user_share_the_history(store: HistoryStore) -> None:
    time = FakeTime()
    key = api_user_key("https://t.example", "client")
    first, second = (
        Budget(store, key, LIMITS, clock=time.clock, sleep=time.sleep, local=LocalHistory())
        for _ in range(2)
    )
    other = Budget(
        store,
        api_user_key("https://t.example", "other"),
        LIMITS,
        clock=time.clock,
        sleep=time.sleep,
    )
    for _ in range(5):
        first.acquire("reports")
        second.acquire("reports")
        other.acquire("reports")
    assert time.sleeps == []
    second.acquire("reports")
    assert time.sleeps == [60.0]


def test_the_key_hides_host_and_client_id() -> None:
    key = api_user_key("https://Tenant.example.com/", "client-1234")
    assert key == api_user_key("https://tenant.example.com", "client-1234")
    assert key != api_user_key("https://tenant.example.com", "client-12345")
    assert "tenant" not in key.lower()
    assert "client" not in key
    assert len(key.removeprefix("triboo:budget:")) == 32


def test_an_unreachable_store_paces_locally_with_one_warning_then_comes_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    store = FlakyStore()
    budget = budget_on(store, time, limits={"reports": 3}, recheck=30.0)
    budget.acquire("reports")
    budget.acquire("reports")
    store.down = True
    with caplog.at_level(logging.INFO, logger="triboo_provider.client.budget"):
        budget.acquire("reports")  # the third fits the local mirror of the first two
        assert budget.degraded
        budget.acquire("reports")  # local pacing: waits for the first to leave
        assert time.now_us == T0 + 60 * MICROS
        calls = store.calls
        time.advance(10.0)
        budget.acquire("reports")  # no probe before the recheck time
        assert store.calls == calls
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        assert "pacing this process alone" in warnings[0].getMessage()

        store.down = False
        time.advance(30.0)
        budget.acquire("reports")
    assert not budget.degraded
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    # The store was given this process's requests of the last window before admitting more.
    now = time.now_us
    ages = store.inner.recent(budget.api_user, budget.window_us, now)
    # Local pacing admitted requests at +60 s and +70 s; it is now +100 s.
    assert sorted(ages) == [0, 30 * MICROS, 40 * MICROS]
    # ... so it refuses a fourth: three of its entries are less than a minute old.
    assert store.inner.admit(budget.api_user, 3, budget.window_us, lambda: now)[0] > 0


def test_a_failing_probe_keeps_local_pacing_without_a_new_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    time = FakeTime()
    store = FlakyStore()
    store.down = True
    budget = budget_on(store, time, limits={"reports": 10}, recheck=5.0)
    with caplog.at_level(logging.WARNING, logger="triboo_provider.client.budget"):
        for _ in range(4):
            budget.acquire("reports")
            time.advance(6.0)
    assert budget.degraded
    assert len(caplog.records) == 1
    assert store.calls == 4  # the first admit, then one probe per recheck period


def test_an_unwritable_sqlite_directory_degrades(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "file").write_text("not a directory")
    time = FakeTime()
    budget = budget_on(SQLiteHistory(tmp_path / "file" / "budget.sqlite3"), time)
    with caplog.at_level(logging.WARNING, logger="triboo_provider.client.budget"):
        budget.acquire("users")
    assert budget.degraded
    assert "SQLite file" in caplog.records[0].getMessage()


@pytest.mark.parametrize("window", [0.0, -1.0, 86_401.0])
def test_a_window_out_of_range_is_refused(window: float) -> None:
    with pytest.raises(ValueError, match="window"):
        Budget(LocalHistory(), "k", LIMITS, window=window)


# One history, many limits: small limits and a 10 s window make every branch frequent.
SMALL = {"users": 4, "reports": 2, "bulk_enroll": 6}
WINDOW_US = 10 * MICROS
arrivals = st.lists(
    st.tuples(st.sampled_from(sorted(SMALL)), st.integers(0, 4_000_000)), max_size=60
)


def check_admissions(store: HistoryStore, steps: list[tuple[str, int]]) -> None:
    """Run ``steps`` (scope, microseconds since the previous arrival) through a budget on
    ``store``: each admission must leave the window within its scope's limit (safety), and
    a request that waited must have found its limit reached just before (no idle wait)."""
    time = FakeTime()
    budget = budget_on(store, time, limits=SMALL, window=WINDOW_US / MICROS)
    admitted: list[int] = []
    for scope, gap_us in steps:
        time.now_us += gap_us
        arrival = time.now_us
        budget.acquire(scope)
        at = time.now_us
        assert not admitted or at >= admitted[-1]
        in_window = sum(1 for t in admitted if t > at - WINDOW_US)
        assert in_window < SMALL[scope], (scope, at, admitted)
        if at > arrival:
            before = at - 1
            assert sum(1 for t in admitted if before - WINDOW_US < t <= before) >= SMALL[scope]
        admitted.append(at)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=arrivals)
def test_no_window_ever_holds_more_than_the_limit_local(steps: list[tuple[str, int]]) -> None:
    check_admissions(LocalHistory(), steps)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=arrivals)
def test_no_window_ever_holds_more_than_the_limit_sqlite(
    steps: list[tuple[str, int]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = SQLiteHistory(tmp_path_factory.mktemp("prop") / "budget.sqlite3")
    try:
        check_admissions(store, steps)
    finally:
        store.close()
