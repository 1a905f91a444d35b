"""The roster sync's plan: every action and conflict kind, the scope, both server
generations, the plan's table, and a second plan after applying the first that does
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from triboo_provider.exceptions import TribooInputError
from triboo_provider.sync import ACTIONS, PLAN_COLUMNS, Plan, Scope, compute_plan
from triboo_provider.sync.compare import changed_fields, same_value

from tests.provider.sync_support import account, api_user, applied, row


def plan(roster: list[dict[str, Any]], accounts: list[dict[str, Any]], **kw: Any) -> Plan:
    kw.setdefault("max_deactivations", 1.0)
    kw.setdefault("api_username", "api-acme")
    return compute_plan(roster, [api_user(), *accounts], **kw)


def actions(made: Plan) -> list[tuple[str, str | None, int | None]]:
    return [(item.action, item.row, item.user_id) for item in made.items]


def test_every_action_once() -> None:
    accounts = [
        account(10, "ana"),
        account(11, "ben", lt_department="Sales"),
        account(12, "cleo", active=False),
        account(13, "dan"),
        account(14, "eve", platform_role="Studio Admin"),
    ]
    roster = [
        row("ana"),
        row("ben", lt_department="Finance"),
        row("cleo"),
        row("fay"),
        row("eve"),
        row("gus", lt_employee_id="E0010"),  # ana's employee id: another account
    ]
    made = plan(roster, accounts)
    assert actions(made) == [
        ("unchanged", "row 1", 10),
        ("update", "row 2", 11),
        ("reactivate", "row 3", 12),
        ("create", "row 4", None),
        ("excluded", "row 5", 14),
        ("conflict", "row 6", None),
        ("deactivate", None, 13),
    ]
    assert made.counts() == dict.fromkeys(ACTIONS, 1)
    assert list(made.counts()) == list(ACTIONS)
    assert made.of("update")[0].fields == ("lt_department",)
    assert made.of("update")[0].send == {"lt_department": "Finance"}
    assert made.of("reactivate")[0].send == {"is_active": True}
    assert made.of("create")[0].send == row("fay")
    assert made.of("conflict")[0].note == "other_account: its lt_employee_id is user 10's"
    assert made.in_scope_active == 3  # ana, ben, dan; not cleo (inactive), eve, the API user


def test_table_holds_names_never_values() -> None:
    made = plan([row("ben", lt_department="Finance", city="Milano")], [account(11, "ben")])
    assert made.rows() == [
        {
            "action": "update",
            "key": "ben@acme.example.com",
            "user_id": 11,
            "fields": "lt_department,city",
            "row": "row 1",
            "note": None,
        }
    ]
    assert set(made.rows()[0]) == set(PLAN_COLUMNS)
    assert "Finance" not in repr(made)
    assert "Milano" not in repr(made)


@pytest.mark.parametrize("match_on", ["email", "username", "lt_employee_id"])
def test_match_on_each_key_ignoring_case(match_on: str) -> None:
    roster = [row("ana", "e0010", username="ANA", email="Ana@ACME.example.com ")]
    made = plan(roster, [account(10, "ana")], match_on=match_on)
    assert actions(made) == [("unchanged", "row 1", 10)]


def test_email_change_when_matching_on_employee_id() -> None:
    roster = [row("ana", "E0010", email="ana.new@acme.example.com")]
    made = plan(roster, [account(10, "ana")], match_on="lt_employee_id")
    assert made.of("update")[0].send == {"email": "ana.new@acme.example.com"}
    # Matched by e-mail, the same row is another person: a new account whose employee id
    # and username are ana's.
    assert plan(roster, [account(10, "ana")]).of("conflict")[0].note == (
        "other_account: its username is user 10's; its lt_employee_id is user 10's"
    )


def test_conflict_kinds() -> None:
    accounts = [
        account(10, "ana"),
        account(11, "ben"),
        account(12, "cleo", lt_employee_id="E0099"),
        account(13, "dan", lt_employee_id="E0099"),
    ]
    roster = [
        row("ana", "E0011"),  # e-mail ana's, employee id ben's
        row("x1"),  # blank employee id
        row("x2", "E0042"),
        row("x3", "e0042 "),  # the same employee id on two rows
        row("x4", "E0099"),  # two accounts share it
    ]
    made = plan(roster, accounts, match_on="lt_employee_id")
    notes = [item.note for item in made.items if item.action == "conflict"]
    assert notes == [
        "other_account: lt_employee_id is user 11's, its email is user 10's; "
        "its username is user 10's",
        "blank_key: no lt_employee_id",
        "duplicate_key: lt_employee_id on several rows",
        "duplicate_key: lt_employee_id on several rows",
        "ambiguous_key: lt_employee_id of users 12, 13",
    ]
    # Every account a row points at is held: none is deactivated, whatever the outcome.
    assert made.of("deactivate") == []


def test_two_rows_claiming_one_account() -> None:
    made = plan([row("ana"), row("ana2", email="ANA@acme.example.com")], [account(10, "ana")])
    assert [(item.action, item.note) for item in made.items] == [
        ("conflict", "duplicate_key: email on several rows"),
        ("conflict", "duplicate_key: email on several rows"),
        ("unchanged", "held by a conflict: row 1, row 2"),  # not deactivated
    ]
    made = plan([row("ana"), row("ana", email="a@acme.example.com")], [account(10, "ana")])
    assert [item.note for item in made.items][:2] == [
        "duplicate_key: username on several rows",
        "duplicate_key: username on several rows",
    ]


def test_default_scope_leaves_admins_superusers_and_the_api_user_alone() -> None:
    accounts = [
        account(10, "ana", platform_role="Studio Admin"),
        account(11, "ben", platform_role="Platform Admin"),
        account(12, "cleo", platform_role="Super Platform Admin"),  # 2021 spelling
        account(13, "dan", platform_role="Chief Learning Officer"),  # unknown: staff
        account(14, "eve", is_staff=True),  # a server that says so
        account(15, "fay", is_superuser=True),
        account(16, "gus", platform_role=None),  # blank: Learner
    ]
    made = plan([row("ana", city="Roma"), row("api-acme", city="Roma")], accounts)
    assert actions(made) == [
        ("excluded", "row 1", 10),
        ("excluded", "row 2", 1),
        ("deactivate", None, 16),
    ]
    assert [item.note for item in made.of("excluded")] == [
        "account outside scope: role",
        "account outside scope: api user",
    ]


def test_scope_roles_widen_but_never_to_superusers() -> None:
    accounts = [
        account(10, "ana", platform_role="Studio Admin"),
        account(11, "ben", platform_role="Platform Super Admin"),
    ]
    scope = Scope(roles=frozenset({"Learner", "Studio Admin", "Platform Super Admin"}))
    made = plan([row("cleo")], accounts, scope=scope, max_deactivations=5)
    assert [item.user_id for item in made.of("deactivate")] == [10]


def test_scope_where_narrows_by_field() -> None:
    accounts = [
        account(10, "ana", lt_company="Acme"),
        account(11, "ben", lt_company="Beta"),
        account(12, "cleo", lt_company="Acme"),
        account(13, "dan", lt_company="Acme"),
    ]
    roster = [
        row("ana", lt_company="Acme"),
        row("ben"),  # Beta's account: never touched
        row("cleo", lt_company="Beta"),  # an Acme account the row moves to Beta
        row("fay", lt_company="Beta"),  # Beta's new hire: not this sync's
        row("gus"),  # would be created without lt_company, outside the scope
        row("hal", lt_company="Acme"),
    ]
    made = plan(roster, accounts, scope={"lt_company": "Acme"})
    assert [(item.action, item.note) for item in made.items] == [
        ("unchanged", None),
        ("excluded", "account outside scope: field lt_company"),
        ("conflict", "leaves_scope: field lt_company"),
        ("excluded", "row outside scope: field lt_company"),
        ("conflict", "outside_scope: created without lt_company"),
        ("create", None),
        ("deactivate", None),
    ]
    assert made.of("deactivate")[0].user_id == 13
    assert made.in_scope_active == 3


def test_a_new_admin_is_not_the_sync_s_and_a_promotion_is_a_conflict() -> None:
    made = plan(
        [row("ana", platform_role="Studio Admin"), row("ben", platform_role="Studio Admin")],
        [account(10, "ana")],
    )
    assert [(item.action, item.note) for item in made.items] == [
        ("conflict", "leaves_scope: role"),
        ("excluded", "row outside scope: role"),
    ]


@pytest.mark.parametrize(
    "scope",
    [{"lt_compnay": "Acme"}, {"lt_company": ["Acme"]}, Scope(roles=frozenset({"Boss"})), "Acme"],
)
def test_a_bad_scope_is_an_input_error(scope: Any) -> None:
    with pytest.raises(TribooInputError, match="scope"):
        plan([row("ana")], [], scope=scope)


def test_bad_match_on_and_labels() -> None:
    with pytest.raises(TribooInputError, match="match_on"):
        plan([row("ana")], [], match_on="user_id")
    with pytest.raises(TribooInputError, match="labels: 2 for 1 rows"):
        plan([row("ana")], [], labels=["line 2", "line 3"])
    assert plan([row("ana")], [], labels=["line 2"]).items[0].row == "line 2"


def test_2021_generation() -> None:
    """2021 builds cannot reactivate through the API, spell the super admin role their way
    and send no current-only catalog flags."""
    legacy = account(10, "ana", active=False, platform_role="Learner")
    del legacy["linkedin_catalog_access"]
    roster = [row("ana", linkedin_catalog_access=False, platform_role="Learner")]
    made = plan(roster, [legacy], can_reactivate=False)
    [item] = made.items
    assert (item.action, item.fields) == ("reactivate", ())
    assert item.note is not None
    assert item.note.startswith("cannot reactivate")
    assert same_value("platform_role", "Super Platform Admin", "Platform Super Admin")


def test_comparison_rules() -> None:
    current = account(10, "ana", year_of_birth=1990, lt_gdpr=True, city=None, country="")
    wanted = {
        "username": "ANA",
        "email": " ana@ACME.example.com",
        "year_of_birth": 1990,
        "lt_gdpr": 1,  # not a flag: a change
        "city": "",
        "country": "IT",
        "lt_level": "Senior",
        "unknown_to_this_server": "x",
    }
    assert changed_fields(wanted, current) == {"lt_gdpr": 1, "country": "IT", "lt_level": "Senior"}
    assert changed_fields({"email": "new@x.com"}, current, key="email") == {}


def test_accounts_without_an_id_or_active_flag() -> None:
    """Answers always carry both; a dict without is ignored or never deactivated."""
    made = plan([row("cleo")], [{"username": "ana"}, account(11, "ben", is_active=None)])
    assert actions(made) == [("create", "row 1", None)]


def test_a_second_plan_after_the_first_does_nothing() -> None:
    accounts = [
        account(10, "ana"),
        account(11, "ben", lt_department="Sales"),
        account(12, "cleo", active=False),
        account(13, "dan"),
    ]
    roster = [
        row("ana", "E0010", email="ana.b@acme.example.com"),
        row("ben", "E0011", lt_department="Finance"),
        row("cleo", "E0012", city="Roma"),
        row("fay", "E0042"),
    ]
    first = plan(roster, accounts, match_on="lt_employee_id")
    assert first.counts()["unchanged"] == 0
    again = plan(roster, applied(first, [api_user(), *accounts]), match_on="lt_employee_id")
    assert {item.action for item in again.items} == {"unchanged"}
    assert len(again.items) == len(roster)
