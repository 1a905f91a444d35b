"""The roster sync's safety stop: a count, a fraction, a truncated roster, an empty one;
refused before any change, with the numbers and the override in the message."""

from __future__ import annotations

from typing import Any

import pytest
from triboo_provider.exceptions import TribooInputError, TribooPolicyError
from triboo_provider.sync import DEFAULT_MAX_DEACTIVATIONS, compute_plan
from triboo_provider.sync.safety import deactivation_limit

from tests.provider.sync_support import account, row

PEOPLE = [f"p{n:03d}" for n in range(100)]
ACCOUNTS = [account(n + 10, name) for n, name in enumerate(PEOPLE)]


def sync(kept: int, **kw: Any) -> Any:
    """Plan with the first ``kept`` people of 100 in the roster."""
    return compute_plan([row(name) for name in PEOPLE[:kept]], ACCOUNTS, **kw)


def test_default_allows_a_tenth() -> None:
    assert DEFAULT_MAX_DEACTIVATIONS == 0.1
    assert sync(90).counts()["deactivate"] == 10
    with pytest.raises(TribooPolicyError) as refused:
        sync(89)
    assert str(refused.value) == (
        "1 refused by policy (the organisation's users were read; nothing changed):\n"
        "  the plan would deactivate 11 of 100 in-scope active accounts (11.0 %), more than "
        "max_deactivations=0.1 allows (10). If this is intended, pass max_deactivations=11"
    )


def test_a_count() -> None:
    assert sync(95, max_deactivations=5).counts()["deactivate"] == 5
    with pytest.raises(TribooPolicyError, match=r"pass max_deactivations=6$"):
        sync(94, max_deactivations=5)
    with pytest.raises(TribooPolicyError, match="max_deactivations=0 allows"):
        sync(99, max_deactivations=0)


def test_a_fraction_is_rounded_up() -> None:
    assert deactivation_limit(0.1, 160) == 16  # not 17: 0.1 * 160 is 16.000000000000004
    assert deactivation_limit(0.1, 5) == 1  # a small organisation may lose one person
    assert deactivation_limit(0.0, 5) == 0
    assert deactivation_limit(1.0, 7) == 7
    assert sync(70, max_deactivations=0.3).counts()["deactivate"] == 30


@pytest.mark.parametrize("value", [-1, 1.5, -0.1, float("nan"), True, "10", None])
def test_a_bad_limit_is_an_input_error(value: Any) -> None:
    with pytest.raises(TribooInputError, match="max_deactivations"):
        sync(100, max_deactivations=value)


def test_a_truncated_roster() -> None:
    """A file cut at 30 % of its lines: refused by the default; by a raised fraction too
    (fewer rows than half the accounts); only an explicit count lets it through."""
    with pytest.raises(TribooPolicyError, match="deactivate 70 of 100"):
        sync(30)
    with pytest.raises(TribooPolicyError) as refused:
        sync(30, max_deactivations=0.8)
    assert refused.value.problems == [
        "the roster has 30 row(s) for 100 in-scope active accounts (fewer than 50%: a "
        "truncated or wrong file?); 70 would be deactivated. If this is intended, pass "
        "max_deactivations=70 (a count: a fraction does not override this)"
    ]
    assert sync(30, max_deactivations=70).counts()["deactivate"] == 70
    with pytest.raises(TribooPolicyError) as both:
        sync(30, max_deactivations=69)
    assert len(both.value.problems) == 2


def test_an_empty_roster_is_always_refused() -> None:
    for limit in (0.1, 1.0, 100, 1000):
        with pytest.raises(TribooPolicyError, match="the roster has no rows; 100 of 100"):
            sync(0, max_deactivations=limit)
    # ...even for an organisation with nobody in scope: no file is no roster.
    with pytest.raises(TribooPolicyError, match="TribooDeactivateUsersOperator"):
        compute_plan([], [])


def test_a_new_tenant_and_a_wrong_key() -> None:
    """Nothing in scope: nothing to refuse. A wrong match_on column (no account has an
    employee id yet) matches nobody: every row conflicts and no account is deactivated."""
    assert compute_plan([row("ana")], []).counts()["create"] == 1
    blank = [account(n + 10, name, lt_employee_id=None) for n, name in enumerate(PEOPLE)]
    made = compute_plan(
        [row(name, f"E{n}") for n, name in enumerate(PEOPLE)], blank, match_on="lt_employee_id"
    )
    assert made.counts()["conflict"] == 100
    assert made.counts()["deactivate"] == 0


def test_the_plan_can_be_written_before_it_is_refused() -> None:
    made = sync(10, enforce=False)
    assert made.counts()["deactivate"] == 90
    assert made.refused
    with pytest.raises(TribooPolicyError):
        made.enforce()
    sync(100, enforce=False).enforce()  # nothing refused: no error
