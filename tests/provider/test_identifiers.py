"""What a username and an e-mail are (Django's rules, checked against Django itself), that
every operator applies the same rule, and that rows match accounts ignoring case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st
from triboo_provider.exceptions import TribooConnectionError, TribooInputError
from triboo_provider.identifiers import (
    email_problem,
    identifier_problem,
    is_django_email,
    match_key,
    username_problem,
)
from triboo_provider.operators.enrollments import Endpoint, TribooBulkEnrollOperator
from triboo_provider.operators.reports import TribooExportUserProgressOperator
from triboo_provider.operators.users import (
    IfExists,
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
    TribooUpdateUsersOperator,
)
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.operator_support import run
from tests.provider.test_list_parameters import LIST_PARAMETERS

# Valid, if awkward: the server (Django's EmailValidator) accepts each.
AWKWARD_EMAILS = [
    "sean.o'brien@acme.example.com",
    "jane+lms@example.com",
    "first.last@sub.sub.example.co.uk",
    "UPPER.Case@EXAMPLE.COM",
    "x@example.technology",
    "a@example.c1",  # digits in a TLD: Django 1.11 to 4.2 accept them
    "o_neil-x{y}|z~!#$%&*/=?^`@example.com",
    "user@münchen.de",  # an IDN domain, through punycode
    "user@localhost",
    "user@[192.0.2.1]",
]
INVALID_EMAILS = [
    "not-an-email",
    "a@b",
    "a@@example.com",
    "a..b@example.com",
    ".a@example.com",
    "a@-example.com",
    "a@example.c",
    "a b@example.com",
    "jürgen@example.com",  # Django refuses a non-ASCII local part
    "a@[999.0.0.1]",
    '"a,b"@example.com',  # valid for Django, but no comma-separated list can carry it
    "x" * 250 + "@e.co",
]
AWKWARD_USERNAMES = ["jane.doe", "Jane.Doe", "a+b", "o-neil_2", "x@y", "a" * 150]
INVALID_USERNAMES = ["has space", "jürgen", "a,b", "a/b", "a" * 151, "o'brien"]


def django_accepts_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def django_accepts_username(value: str) -> bool:
    try:
        ASCIIUsernameValidator()(value)
    except ValidationError:
        return False
    return len(value) <= 150


EMAILISH = st.text(
    alphabet=st.sampled_from("aZ09.-_+'\"@[]:,\\ {}!#éü\u00e9\u0430\n") | st.characters(),
    max_size=40,
)


@given(st.one_of(st.emails(), EMAILISH, st.builds(lambda a, b: f"{a}@{b}", EMAILISH, EMAILISH)))
@example("a@b.c1")
@example('"quoted local"@example.com')
@example("a@xn--mnchen-3ya.de")
@example("a@[::1]")
@example("a@[IPv6:::1]")
@settings(max_examples=1500)
def test_the_email_rule_is_djangos(value: str) -> None:
    if len(value) <= 320:  # Django 4.2 adds a 320-character cap; the field's is 254
        assert is_django_email(value) == django_accepts_email(value), value


@given(st.text(max_size=160) | st.from_regex(r"[A-Za-z0-9@.+_-]{1,160}", fullmatch=True))
@example("a\n")
def test_the_username_rule_is_djangos(value: str) -> None:
    assert (username_problem(value) is None) == django_accepts_username(value), value


@pytest.mark.parametrize("value", AWKWARD_EMAILS)
def test_awkward_emails_are_emails_and_identifiers(value: str) -> None:
    assert email_problem(value) is None
    assert identifier_problem(value) is None


@pytest.mark.parametrize("value", INVALID_EMAILS)
def test_invalid_emails_are_refused(value: str) -> None:
    assert email_problem(value) is not None


@pytest.mark.parametrize("value", AWKWARD_USERNAMES)
def test_awkward_usernames_are_usernames(value: str) -> None:
    assert username_problem(value) is None
    # Bulk enroll reads an identifier with @ as an e-mail: such a username goes by e-mail.
    assert (identifier_problem(value) is None) == ("@" not in value)


@pytest.mark.parametrize("value", INVALID_USERNAMES)
def test_invalid_usernames_are_refused(value: str) -> None:
    assert username_problem(value) is not None


# -- every operator applies the same rule ------------------------------------------------


def create(value: str, kind: str) -> Any:
    row = {"username": "u1", "email": "u1@example.com", "first_name": "F", "last_name": "L"}
    return TribooCreateUsersOperator(task_id="t", users=[{**row, "name": "F L", kind: value}])


# Every place a username or an e-mail enters the provider: (builder, kinds it takes).
# The list parameters among them are checked against the list sweep's table below.
ENTRY_POINTS: dict[str, tuple[Callable[[str], Any], set[str]]] = {
    "create users: username column": (lambda v: create(v, "username"), {"username"}),
    "create users: email column": (lambda v: create(v, "email"), {"email"}),
    "create users: lt_ilt_supervisor column": (
        lambda v: create(v, "lt_ilt_supervisor"),
        {"email"},
    ),
    "update users: by=username": (
        lambda v: TribooUpdateUsersOperator(task_id="t", users=[{"username": v, "city": "X"}]),
        {"username"},
    ),
    "update users: by=email": (
        lambda v: TribooUpdateUsersOperator(
            task_id="t", users=[{"email": v, "city": "X"}], by="email"
        ),
        {"email"},
    ),
    "update users: email column": (
        lambda v: TribooUpdateUsersOperator(task_id="t", users=[{"username": "u", "email": v}]),
        {"email"},
    ),
    "TribooDeactivateUsersOperator.usernames": (
        lambda v: TribooDeactivateUsersOperator(task_id="t", usernames=[v]),
        {"username"},
    ),
    "TribooBulkEnrollOperator.identifiers": (
        lambda v: TribooBulkEnrollOperator(task_id="t", identifiers=[v], courses=["c"]),
        {"username", "email"},
    ),
    "TribooExportUserProgressOperator.usernames": (
        lambda v: TribooExportUserProgressOperator(task_id="t", path="/x/p.csv", usernames=[v]),
        {"username"},
    ),
    "TribooExportUserProgressOperator.emails": (
        lambda v: TribooExportUserProgressOperator(task_id="t", path="/x/p.csv", emails=[v]),
        {"email"},
    ),
}
NOT_IDENTIFIERS = {"users", "roster", "courses", "user_ids"}  # rows, course keys, integer ids


def test_every_identifier_list_parameter_is_an_entry_point() -> None:
    lists = {
        f"{operator.__name__}.{name}"
        for operator, params in LIST_PARAMETERS.items()
        for name in params
        if name not in NOT_IDENTIFIERS
    }
    assert lists <= set(ENTRY_POINTS)


def outcome(builder: Callable[[str], Any], value: str) -> str:
    """``refused`` (input error, no call) or ``accepted`` (it went on to the network)."""
    task = builder(value)
    try:
        task.execute({})
    except TribooInputError:
        return "refused"
    except TribooConnectionError:
        return "accepted"
    finally:
        task.post_execute({})
    raise AssertionError("nothing listens, yet the task succeeded")


def expected(kinds: set[str], value: str) -> str:
    """The one rule: a username, an e-mail, or (bulk enroll) an identifier."""
    if kinds == {"username", "email"}:
        return "accepted" if identifier_problem(value) is None else "refused"
    check = username_problem if kinds == {"username"} else email_problem
    return "accepted" if check(value) is None else "refused"


SAMPLES = AWKWARD_EMAILS + INVALID_EMAILS + AWKWARD_USERNAMES[:5] + INVALID_USERNAMES
SWEEP = [
    (point, value, expected(kinds, value))
    for point, (_, kinds) in ENTRY_POINTS.items()
    for value in SAMPLES
    if "@" in value or "email" not in kinds or kinds == {"username", "email"}
]


def test_the_sweep_covers_both_outcomes_for_every_entry_point() -> None:
    for point in ENTRY_POINTS:
        assert {e for p, _, e in SWEEP if p == point} == {"accepted", "refused"}, point


@pytest.mark.parametrize(("point", "value", "expected"), SWEEP)
def test_every_entry_point_applies_the_same_rule(
    point: str, value: str, expected: str, connect: Callable[..., None]
) -> None:
    connect("http://127.0.0.1:9", max_retries=0)  # nothing listens there
    assert outcome(ENTRY_POINTS[point][0], value) == expected


# -- matching ignores case ---------------------------------------------------------------


@given(st.from_regex(r"[a-z0-9._+-]{1,20}@[a-z]{1,10}\.[a-z]{2,5}", fullmatch=True), st.data())
def test_a_change_of_case_matches_the_same_account(value: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    other = "".join(c.upper() if f else c for c, f in zip(value, flips, strict=True))
    for kind in ("username", "email"):
        assert match_key(kind, other) == match_key(kind, value)
    assert match_key("user_id", "45") == match_key("user_id", 45) == 45
    assert match_key("user_id", "045") == 45
    assert match_key("user_id", "4 5") is None


@pytest.fixture
def sandbox60(connect: Callable[..., None]) -> Iterator[SandboxServer]:
    with SandboxServer(make_sandbox(users=60, today=dt.date(2026, 11, 1))) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=0)
        server.sandbox.store.add_user(
            "acme", "jane.doe", "Jane.Doe@Acme.example.com", {"name": "Jane Doe"}
        )
        yield server


def jane(server: SandboxServer) -> Any:
    user = server.sandbox.store.find("acme", username="jane.doe")
    assert user is not None
    return user


def test_update_by_a_username_in_other_case_updates_the_account(sandbox60: SandboxServer) -> None:
    """The issue's example: HR's "Jane.Doe" is the account jane.doe."""
    task = TribooUpdateUsersOperator(task_id="u", users=[{"username": "Jane.Doe", "city": "Lyon"}])
    assert run(task) == {"rows": 1, "updated": 1, "unchanged": 0, "not_found": 0, "inactive": 0}
    assert jane(sandbox60).profile["city"] == "Lyon"


def test_update_by_an_email_in_other_case_updates_the_account(sandbox60: SandboxServer) -> None:
    task = TribooUpdateUsersOperator(
        task_id="u", users=[{"email": "JANE.DOE@acme.EXAMPLE.com", "city": "Oslo"}], by="email"
    )
    assert run(task)["updated"] == 1
    assert jane(sandbox60).profile["city"] == "Oslo"


def test_a_case_only_difference_is_no_change(sandbox60: SandboxServer) -> None:
    """The server's "already used" check ignores case too: sending it would be a 409."""
    task = TribooUpdateUsersOperator(
        task_id="u", users=[{"username": "jane.doe", "email": "jane.doe@acme.example.com"}]
    )
    assert run(task)["unchanged"] == 1


@pytest.mark.parametrize("if_exists", ["skip", "update"])
def test_create_finds_the_account_in_other_case(
    sandbox60: SandboxServer, if_exists: IfExists
) -> None:
    row = {"username": "JANE.DOE", "email": "jane.doe@ACME.example.com", "first_name": "J"}
    row |= {"last_name": "D", "name": "Jane Doe", "city": "Rome"}
    result = run(TribooCreateUsersOperator(task_id="c", users=[row], if_exists=if_exists))
    assert result["created"] == 0
    assert result["skipped" if if_exists == "skip" else "updated"] == 1
    assert len([u for u in sandbox60.sandbox.store.users.values() if u.username == "jane.doe"]) == 1


def test_export_filters_ignore_case(sandbox60: SandboxServer, tmp_path: Path) -> None:
    user = jane(sandbox60)
    sandbox60.sandbox.store.enroll(user.user_id, "course-v1:acme+SEC101+2024_T1")
    filters: list[tuple[str, dict[str, Any]]] = [
        ("usernames", {"usernames": ["JANE.doe"]}),
        ("emails", {"emails": ["jane.DOE@acme.example.COM"]}),
    ]
    for name, given_filter in filters:
        result = run(
            TribooExportUserProgressOperator(
                task_id="x", path=str(tmp_path / f"{name}.csv"), format="csv", **given_filter
            )
        )
        assert result["users"] == 1
        assert "jane.doe" in (tmp_path / f"{name}.csv").read_text()


def test_deactivate_by_a_username_in_other_case(sandbox60: SandboxServer) -> None:
    result = run(TribooDeactivateUsersOperator(task_id="d", usernames=["Jane.Doe"]))
    assert result == {"rows": 1, "user_deactivated": 1}
    assert not jane(sandbox60).is_active


@pytest.mark.parametrize("endpoint", ["upstream", "extended"])
def test_an_apostrophe_email_is_created_then_enrolled(
    sandbox60: SandboxServer, endpoint: Endpoint
) -> None:
    """The issue's example: the create operator's e-mail is the bulk enroll's too."""
    email = "sean.o'brien@acme.example.com"
    row = {"username": "sean.obrien", "email": email, "first_name": "Sean"}
    row |= {"last_name": "O'Brien", "name": "Sean O'Brien"}
    assert run(TribooCreateUsersOperator(task_id="c", users=[row]))["created"] == 1
    course = "course-v1:acme+SEC101+2024_T1"
    result = run(
        TribooBulkEnrollOperator(
            task_id="e", identifiers=[email], courses=[course], endpoint=endpoint
        )
    )
    assert result["enrolled"] == 1
    store = sandbox60.sandbox.store
    user = store.find("acme", email=email)
    assert user is not None
    assert store.is_enrolled(user.user_id, course)
