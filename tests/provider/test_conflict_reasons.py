"""A 409 carries a typed reason read once from either server generation's body, so no
operator matches message text (issue 15)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triboo_provider.client import answers
from triboo_provider.exceptions import TribooConflictError

# (current build's body, 2021 build's body, reason): the sandbox's and the spec's bodies.
BODIES = [
    ({"detail": "Username already used"}, {"status": "username_already_used"}, "username_taken"),
    ({"detail": "Email already used"}, {"status": "email_already_used"}, "email_taken"),
    ({"detail": "User inactive"}, {"status": "user_inactive"}, "user_inactive"),
    ({"detail": "User already inactive"}, {"status": "user_already_inactive"}, "already_inactive"),
    ({"detail": "User is superuser"}, {"status": "user_is_superuser"}, "superuser"),
]


@pytest.mark.parametrize(("current", "legacy", "reason"), BODIES)
def test_both_generations_give_one_reason(
    current: dict[str, str], legacy: dict[str, str], reason: str
) -> None:
    for body in (current, legacy):
        error = answers.api_error("partialUpdateUser", 409, {}, body)
        assert isinstance(error, TribooConflictError)
        assert error.reason == reason
        assert error.status_code == 409


@given(st.text(max_size=40))
def test_an_unknown_body_is_unknown_never_a_guess(detail: str) -> None:
    error = answers.api_error("createUser", 409, {}, {"detail": detail})
    assert isinstance(error, TribooConflictError)
    known = answers.CONFLICT_REASONS.get(detail.strip().casefold())
    assert error.reason == (known or "unknown")


def test_a_conflict_without_a_body_is_unknown() -> None:
    error = answers.api_error("createUser", 409, {}, None)
    assert isinstance(error, TribooConflictError)
    assert error.reason == "unknown"
