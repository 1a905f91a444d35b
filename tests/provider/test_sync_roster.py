"""dags/data/roster.csv: made by tools/make_roster.py from the sandbox ``make demo`` starts,
and planned against that sandbox's organisation it shows every action, on both server
generations; applied, a second plan changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from triboo_provider.inputs import load_rows
from triboo_provider.sync import Plan, compute_plan
from triboo_provider.validation import validate_users
from triboo_sandbox.generations import CURRENT, LEGACY_2021, Generation
from triboo_sandbox.store import DEMO_ORG, Store

from tests.provider.sync_support import applied
from tools.make_roster import OUT, roster

EXPECTED = {
    "create": 3,
    "update": 2,
    "reactivate": 1,
    "deactivate": 1,
    "unchanged": 164,
    "excluded": 7,
    "conflict": 1,
}


@pytest.fixture(scope="module")
def store() -> Store:
    return Store(seed=42, users=2000)  # as tools/demo.py starts the sandbox


def accounts(store: Store, generation: Generation) -> list[dict[str, Any]]:
    """The organisation's users as the list route answers them."""
    return [
        {**user.as_dict(generation), "user_id": user.user_id}
        for user in store.users.values()
        if user.org == DEMO_ORG
    ]


def sync(users: list[dict[str, Any]], **kw: Any) -> Plan:
    rows, labels = load_rows(str(OUT), param="roster_path")
    checked = validate_users(rows, creating=True, labels=labels)
    assert checked.problems == []
    return compute_plan(
        checked.rows,
        users,
        labels=labels,
        match_on="lt_employee_id",
        scope={"country": "IT"},
        api_username="api-acme",
        **kw,
    )


def test_the_file_is_the_script_s(store: Store) -> None:
    assert Path(__file__).resolve().parents[2] / "dags" / "data" / "roster.csv" == OUT
    assert OUT.read_text(encoding="utf-8") == roster(store)


@pytest.mark.parametrize("generation", [CURRENT, LEGACY_2021], ids=lambda g: g.name)
def test_every_action_then_nothing(store: Store, generation: Generation) -> None:
    made = sync(accounts(store, generation), can_reactivate=generation is CURRENT)
    assert made.counts() == EXPECTED
    assert made.in_scope_active == 167
    by_action = {item.action: item for item in made.items}
    assert [item.fields for item in made.of("update")] == [("lt_department",), ("email",)]
    assert by_action["conflict"].note == "other_account: its email is user 31's"
    assert (by_action["reactivate"].note is None) == (generation is CURRENT)
    assert {item.row for item in made.items} >= {f"line {n}" for n in range(2, 180)}
    again = sync(applied(made, accounts(store, generation)))
    assert again.counts() == {
        **dict.fromkeys(EXPECTED, 0),
        "unchanged": 164 + 3 + 2 + 1,
        "excluded": 7,
        "conflict": 1,
    }
