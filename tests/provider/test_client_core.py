"""The client core without Airflow, and the retry engine's policies.

The first test runs :class:`triboo_provider.client.TribooClient` against the sandbox in a
subprocess where ``import airflow`` fails, so the core's only Airflow reference (the guarded
base of its errors) is proven optional. The others drive :func:`retry.run` with fake
attempts: which failures each policy retries, and when a :class:`retry.Recoverable` check
ends the call.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from triboo_provider.client import retry
from triboo_provider.client.errors import (
    TribooAPIError,
    TribooAuthError,
    TribooConflictError,
    TribooConnectionError,
    TribooNotFoundError,
    TribooRateLimitError,
    TribooServerError,
    TribooValidationError,
)
from triboo_provider.client.settings import TribooSettings
from triboo_sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer, make_sandbox

LOG = logging.getLogger("test_client_core")

WITHOUT_AIRFLOW = textwrap.dedent(
    """
    import sys

    sys.modules["airflow"] = None  # any "import airflow..." now raises ImportError
    from triboo_provider.client import TribooClient, TribooSettings
    from triboo_provider.client.errors import TribooInputError

    url, client_id, secret = sys.argv[1:4]
    extras = {"users_per_minute": 0, "reports_per_minute": 0, "bulk_enroll_per_minute": 0}
    settings = TribooSettings.from_connection(url, client_id, secret, extras)
    user = {"username": "core.user", "email": "core.user@example.com", "name": "Core User"}
    user |= {"first_name": "Core", "last_name": "User"}
    with TribooClient(settings) as client:
        ok, message = client.test_connection()
        assert ok, message
        courses = list(client.iter_courses())
        assert courses and all("id" in course for course in courses)
        created = client.create_user(user)
        assert created["username"] == "core.user", created
        user_id = created["user_id"]
        updated = client.update_user(by="id", identifier=user_id, fields={"city": "Rome"})
        assert updated["city"] == "Rome", updated
        (found,) = client.find_users(emails=["core.user@example.com"])
        assert found["user_id"] == created["user_id"]
        outcomes = client.bulk_enroll(
            identifiers=["core.user"], courses=[courses[0]["id"]], endpoint="extended"
        )
        assert [o["outcome"] for o in outcomes] == ["enrolled"], outcomes
        assert isinstance(client.course_progress(courses[0]["id"]), dict)
        assert any(r["user_id"] == created["user_id"] for r in client.iter_user_progress())
        (gone,) = client.deactivate_users(user_ids=[created["user_id"]])
        assert gone["status"] == "user_deactivated", gone
        try:
            client.update_user(by="nickname", identifier="x", fields={})
        except TribooInputError as problem:
            bases = type(problem).__mro__
            assert all(not base.__module__.startswith("airflow") for base in bases), bases
        else:
            raise AssertionError("an unknown `by` was sent")
        assert client.requests_sent > 0
    assert "api" not in client.__dict__ and "jwt_api" not in client.__dict__  # closed
    loaded = [m for m, module in sys.modules.items() if m.split(".")[0] == "airflow" and module]
    assert not loaded, loaded
    print("client core OK without Airflow")
    """
)


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    with SandboxServer(make_sandbox(users=50, today=dt.date(2026, 11, 1))) as server:
        yield server.url


def test_the_client_core_works_without_airflow(sandbox_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_AIRFLOW, sandbox_url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "client core OK without Airflow" in done.stdout


# -- the retry engine's policies --------------------------------------------------------------

SETTINGS = TribooSettings("https://tenant.example", "id", "secret", max_retries=3)
PROBLEMS: dict[str, Callable[[], BaseException]] = {
    "connection": lambda: TribooConnectionError("Triboo op: could not reach it"),
    "500": lambda: TribooServerError("op", 500),
    "503 short wait": lambda: TribooServerError("op", 503, retry_after=1.0),
    "503 long wait": lambda: TribooServerError("op", 503, retry_after=10_000.0),
    "429": lambda: TribooRateLimitError("op", 429, retry_after=2.0),
    "429 long wait": lambda: TribooRateLimitError("op", 429, retry_after=10_000.0),
    "400": lambda: TribooValidationError("op", 400),
    "401": lambda: TribooAuthError("op", 401),
    "404": lambda: TribooNotFoundError("op", 404),
    "409": lambda: TribooConflictError("op", 409, reason="username_taken"),
    "418": lambda: TribooAPIError("op", 418),
}
# What each policy retries (a Recoverable whose check finds nothing acts as Idempotent).
RETRIED = {
    "idempotent": {"connection", "500", "503 short wait", "429"},
    "not idempotent": {"429"},
    "once": set(),
}


class Attempts:
    """An attempt that fails with the given problems in turn, then returns "ok"."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= len(self.problems):
            raise PROBLEMS[self.problems[self.calls - 1]]()
        return "ok"


def run(attempt: Callable[[], Any], policy: retry.Policy, waits: list[float]) -> Any:
    return retry.run(
        attempt, operation="op", policy=policy, settings=SETTINGS, sleep=waits.append, log=LOG
    )


@pytest.mark.parametrize("name", sorted(PROBLEMS))
@pytest.mark.parametrize(
    ("label", "policy"),
    [
        ("idempotent", retry.IDEMPOTENT),
        ("not idempotent", retry.NOT_IDEMPOTENT),
        ("once", retry.ONCE),
    ],
)
def test_each_policy_retries_only_its_failures(name: str, label: str, policy: retry.Policy) -> None:
    attempt, waits = Attempts([name]), list[float]()
    if name in RETRIED[label]:
        assert run(attempt, policy, waits) == "ok"
        assert attempt.calls == 2
        assert len(waits) == 1
    else:
        with pytest.raises(type(PROBLEMS[name]())):
            run(attempt, policy, waits)
        assert attempt.calls == 1
        assert waits == []


def test_a_retry_after_is_waited_in_full() -> None:
    waits: list[float] = []
    run(Attempts(["429", "503 short wait"]), retry.IDEMPOTENT, waits)
    assert 2.0 <= waits[0] <= 2.5
    assert 1.0 <= waits[1] <= 1.5


def test_retries_stop_after_max_retries() -> None:
    attempt, waits = Attempts(["500"] * 10), list[float]()
    with pytest.raises(TribooServerError):
        run(attempt, retry.IDEMPOTENT, waits)
    assert attempt.calls == SETTINGS.max_retries + 1


FAILURES = st.lists(st.sampled_from(sorted(PROBLEMS)), max_size=6)


@given(failures=FAILURES, found_after=st.integers(0, 6))
@settings(max_examples=300, deadline=None)
def test_recoverable_checks_before_every_resend_and_stops_when_the_work_is_done(
    failures: list[str], found_after: int
) -> None:
    """The rule: after each connection error or 5xx the check runs (also after the last
    try); once it finds the work done, nothing more is sent and the call returns None.
    Other failures keep the idempotent rules, and a 429 is retried without a check."""
    checks: list[int] = []
    attempt = Attempts(failures)

    def check() -> bool:
        checks.append(attempt.calls)
        return len(checks) > found_after

    waits: list[float] = []
    try:
        answer = run(attempt, retry.Recoverable(check=check), waits)
    except (TribooAPIError, TribooConnectionError) as problem:
        answer = problem
    # Replay the rule by hand.
    tries, expected_checks = 0, 0
    expected: str | None = "ok"
    for name in [*failures, "ok"]:
        tries += 1
        if name == "ok":
            break
        if name in ("connection", "500", "503 short wait", "503 long wait"):
            expected_checks += 1
            if expected_checks > found_after:
                expected = None
                break
        if name not in RETRIED["idempotent"] or tries == SETTINGS.max_retries + 1:
            expected = name
            break
    assert attempt.calls == tries
    assert len(checks) == expected_checks
    if expected in (None, "ok"):
        assert answer == expected
    else:
        assert isinstance(answer, type(PROBLEMS[expected]()))
    assert len(waits) == tries - 1  # a wait before each re-send, none after the last
