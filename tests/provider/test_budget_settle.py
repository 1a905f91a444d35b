"""A request counts in the budget from its answer, not its admission, and is signed only
after its wait.

The server counts a request from its arrival, which comes some unknown time after the
budget admitted it (a new connection, a busy CPU, a slow network): a budget counting from
admission lets the next request in before the server has seen the previous one leave its
window, and a delay longer than the arrival slack meant a 429 (as on a loaded CI machine,
in tests/provider/test_budget_hook.py). Settled at its answer, an entry leaves the budget's
window no earlier than the server's, whatever the delay. Here the server is the sandbox's
own rate limiter on a fake clock that the "network" moves.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from triboo_provider.client.auth import ClientCredentialsAuth
from triboo_provider.client.budget import MICROS, Budget, HistoryStore, LocalHistory
from triboo_provider.client.budget_redis import RedisHistory
from triboo_provider.client.budget_sqlite import SQLiteHistory
from triboo_provider.client.throttle import SERVER_LIMITS, Pacer, scope_of
from triboo_sandbox.limits import RateLimiter

from tests.provider.test_budget import FakeTime
from tests.redis_server import running_redis

WINDOW = 60.0
PATHS = {
    "users": "/api/extended/v1/users/",
    "reports": "/api/extended/v1/courses/",
    "bulk_enroll": "/api/bulk_enroll/v1/bulk_enroll",
}


class Network:
    """An httpx handler: each API request reaches the server ``delay`` seconds after it is
    sent and is answered ``think`` seconds after that; the server is the sandbox's rate
    limiter (per API user, one history, by arrival) on the same fake clock."""

    def __init__(self, time: FakeTime, lifetime: int = 36_000) -> None:
        self.time = time
        self.server = RateLimiter(scale=1.0, limits=dict(SERVER_LIMITS), clock=time.clock)
        self.lifetime = lifetime
        self.plan: list[tuple[float, float]] = []
        self.throttled = 0
        self.tokens: list[str] = []
        self.signed: list[tuple[str, float]] = []  # (token, arrival)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/access_token":
            self.tokens.append(f"t{len(self.tokens) + 1}@{self.time.clock():.0f}")
            return httpx.Response(
                200, json={"access_token": self.tokens[-1], "expires_in": self.lifetime}
            )
        delay, think = self.plan.pop(0) if self.plan else (0.0, 0.0)
        self.time.advance(delay)
        self.signed.append((request.headers["Authorization"], self.time.clock()))
        scope = scope_of(request.url.path)
        assert scope is not None
        refused = self.server.check("api-user", scope)
        self.time.advance(think)
        if refused is not None:
            self.throttled += 1
            return httpx.Response(429, json={"detail": refused.detail})
        return httpx.Response(200, json={})


def paced_client(time: FakeTime, network: Network, budget: Budget) -> httpx.Client:
    auth = ClientCredentialsAuth(
        "http://triboo/oauth2/access_token",
        "id",
        "secret",
        clock=time.clock,
        pace=Pacer(budget),
    )
    return httpx.Client(base_url="http://triboo", auth=auth, transport=httpx.MockTransport(network))


def budget_on(time: FakeTime, store: HistoryStore | None = None, **kw: float) -> Budget:
    return Budget(
        store or LocalHistory(),
        f"triboo:budget:{uuid.uuid4().hex}",
        SERVER_LIMITS,
        # No slack but one microsecond: the budget counts in whole microseconds, the
        # sandbox's limiter in float seconds, whose "now - 60" can miss an entry exactly
        # one window old by a rounding error.
        window=WINDOW + 1e-6,
        clock=time.clock,
        sleep=time.sleep,
        local=LocalHistory(),
        **kw,
    )


requests = st.lists(
    st.tuples(
        st.sampled_from(["reports", "reports", "users", "bulk_enroll"]),
        st.floats(0, 5),  # seconds from sending to the server's arrival: far over any slack
        st.floats(0, 5),  # seconds from arrival to the answer
        st.sampled_from([0.0, 0.0, 0.1, 1.0]),  # seconds before the next request is made
    ),
    min_size=11,  # the report limit reached, and one more
    max_size=50,
)


@settings(max_examples=100, deadline=None)
@given(made=requests)
def test_no_delay_in_flight_gets_a_request_throttled(
    made: list[tuple[str, float, float, float]],
) -> None:
    """With no arrival slack and no margin at all: requests one after another, each
    delayed on its way by up to 5 s, are never refused, as the server counts."""
    time = FakeTime()
    network = Network(time)
    with paced_client(time, network, budget_on(time)) as http:
        for scope, delay, think, pause in made:
            network.plan.append((delay, think))
            assert http.get(PATHS[scope]).status_code == 200
            time.advance(pause)
    assert network.throttled == 0


def test_a_late_arrival_holds_the_next_request_back_until_its_answer_leaves_the_window() -> None:
    time = FakeTime()
    network = Network(time)
    with paced_client(time, network, budget_on(time)) as http:
        network.plan = [(4.0, 1.0)] + [(0.0, 0.0)] * 9  # the 1st report arrives 4 s late
        for _ in range(10):
            http.get(PATHS["reports"])
        http.get(PATHS["reports"])  # the 11th: a window after the 1st's answer, not its admission
    sent = network.signed[0][1] - 4.0
    assert network.signed[-1][1] == pytest.approx(sent + 5.0 + WINDOW)
    assert network.throttled == 0


def test_a_token_is_read_after_the_wait_so_it_cannot_expire_waiting() -> None:
    """A token living 20 s (refreshed 2 s early) and a report that waits a whole window:
    the request is signed with a token fetched after the wait, not the one it had."""
    time = FakeTime()
    network = Network(time, lifetime=20)
    budget = Budget(
        LocalHistory(),
        "triboo:budget:t",
        {"reports": 1},
        window=WINDOW,
        clock=time.clock,
        sleep=time.sleep,
        local=LocalHistory(),
    )
    with paced_client(time, network, budget) as http:
        http.get(PATHS["reports"])
        time.advance(1)
        http.get(PATHS["reports"])  # waits 59 s: t1 expired meanwhile
    assert [token for token, _ in network.signed] == [f"Bearer {t}" for t in network.tokens]
    assert len(network.tokens) == 2
    assert time.sleeps == [pytest.approx(WINDOW - 1)]


def test_a_request_that_fails_on_its_way_is_settled_too() -> None:
    time = FakeTime()
    history = LocalHistory()
    budget = Budget(
        history,
        "triboo:budget:f",
        SERVER_LIMITS,
        clock=time.clock,
        sleep=time.sleep,
        local=history,
    )

    def broken(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/access_token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        time.advance(3.0)
        raise httpx.ConnectError("refused", request=request)

    auth = ClientCredentialsAuth(
        "http://triboo/oauth2/access_token", "id", "s", clock=time.clock, pace=Pacer(budget)
    )
    with (
        httpx.Client(
            base_url="http://triboo", auth=auth, transport=httpx.MockTransport(broken)
        ) as http,
        pytest.raises(httpx.ConnectError),
    ):
        http.get(PATHS["reports"])
    # The entry moved from its admission, 3 s ago, to the failure's time.
    now_us = round(time.clock() * MICROS)
    assert history.recent(budget.api_user, budget.window_us, now_us) == [0]


# The same settle decisions in every store: steps are (admit a scope | settle the n-th
# slot still open), each after a gap; the clock may step back (NTP).
steps = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(["users", "reports"]), st.integers(0, 5)),
        st.one_of(st.integers(0, 3_000_000), st.integers(-3_000_000, -1)),
    ),
    max_size=40,
)
LIMITS = {"users": 4, "reports": 2}
WINDOW_US, MARGIN_US = 2_000_000, 300_000


def decisions(store: HistoryStore, made: list[tuple[str | int, int]]) -> list[tuple[int, int]]:
    now = [10**15]
    key = f"triboo:budget:{uuid.uuid4().hex}"
    open_slots: list[tuple[int, int]] = []
    out: list[tuple[int, int]] = []
    for step, gap in made:
        now[0] += gap
        if isinstance(step, int):
            if open_slots:
                at_us, limit = open_slots.pop(step % len(open_slots))
                store.settle(
                    key,
                    at_us,
                    limit,
                    window_us=WINDOW_US,
                    clock_us=lambda: now[0],
                    margin_us=MARGIN_US,
                )
            continue
        while True:
            wait_us, at_us = store.admit(key, LIMITS[step], WINDOW_US, lambda: now[0], MARGIN_US)
            out.append((wait_us, at_us))
            if wait_us <= 0:
                open_slots.append((at_us, LIMITS[step]))
                break
            now[0] += wait_us
    return out


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_redis(tmp_path_factory.mktemp("redis")) as started:
        yield started.url


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(made=steps)
def test_sqlite_and_redis_settle_as_the_python_store(
    made: list[tuple[str | int, int]], redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    expected = decisions(LocalHistory(), made)
    sqlite = SQLiteHistory(tmp_path_factory.mktemp("settle") / "b.sqlite3")
    redis_store = RedisHistory(redis_url, server_time=False)
    try:
        assert decisions(sqlite, made) == expected
        assert decisions(redis_store, made) == expected
    finally:
        sqlite.close()
        redis_store.close()
