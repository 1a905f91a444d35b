"""Properties of every roster sync plan, on generated organisations and rosters."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from triboo_provider.sync import Plan, compute_plan

from tests.provider.sync_support import account, applied, row

NAMES = [f"p{n}" for n in range(12)]
ROLES = st.sampled_from(["Learner", "Learner", "Studio Admin", "Platform Super Admin", None])


@st.composite
def organisations(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from([*NAMES, "api"]), unique=True, max_size=10))
    return [
        account(
            n + 10,
            name,
            active=draw(st.booleans()),
            platform_role=draw(ROLES),
            lt_department=draw(st.sampled_from(["Sales", "Finance"])),
            lt_company=draw(st.sampled_from(["Acme", "Beta", None])),
            lt_employee_id=draw(st.sampled_from([f"E{n}", "E0", None])),
        )
        for n, name in enumerate(names)
    ]


@st.composite
def rosters(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(NAMES), max_size=10))
    return [
        row(
            name,
            draw(st.sampled_from([f"E{n}", "E0", None])),
            lt_department=draw(st.sampled_from(["Sales", "Finance"])),
            **draw(st.sampled_from([{}, {"lt_company": "Acme"}, {"lt_company": "Beta"}])),
            **draw(st.sampled_from([{}, {"email": f"{name}.new@acme.example.com"}])),
        )
        for n, name in enumerate(names)
    ]


SCOPES = st.sampled_from([None, {"lt_company": "Acme"}])
KEYS = st.sampled_from(["email", "username", "lt_employee_id"])


def planned(roster: list[dict[str, Any]], accounts: list[dict[str, Any]], **kw: Any) -> Plan:
    """The plan, never refused (the safety stop has its own tests)."""
    return compute_plan(roster, accounts, api_username="api", enforce=False, **kw)


@settings(max_examples=300, deadline=None)
@given(organisations(), rosters(), KEYS, SCOPES)
def test_plan_invariants(
    accounts: list[dict[str, Any]], roster: list[dict[str, Any]], match_on: str, scope: Any
) -> None:
    made = planned(roster, accounts, match_on=match_on, scope=scope)
    labels = [item.row for item in made.items if item.row is not None]
    assert labels == [f"row {n}" for n in range(1, len(roster) + 1)]  # each row once
    by_id = {a["user_id"]: a for a in accounts}
    acted = [i.user_id for i in made.items if i.action in ("update", "reactivate", "deactivate")]
    assert len(acted) == len(set(acted))  # no account acted on twice
    for item in made.items:
        if item.action in ("update", "reactivate", "deactivate", "unchanged"):
            target = by_id[item.user_id]
            assert target["username"] != "api"
            assert target["platform_role"] in ("Learner", None)
            if scope is not None and target["lt_company"] != "Acme":
                # Adopted: outside by its company alone, the row moves it into the scope.
                assert item.action in ("update", "reactivate")
                assert item.note is not None
                assert "moves into scope" in item.note
                assert item.row is not None
                assert "lt_company" in item.fields
                assert roster[int(item.row.split()[1]) - 1]["lt_company"] == "Acme"
        if item.action == "deactivate":
            assert by_id[item.user_id]["is_active"] is True
    in_scope_active = {
        a["user_id"]
        for a in accounts
        if a["is_active"]
        and a["username"] != "api"
        and a["platform_role"] in ("Learner", None)
        and (scope is None or a["lt_company"] == "Acme")
    }
    assert made.in_scope_active == len(in_scope_active)
    mentioned = [i.user_id for i in made.items if i.user_id in in_scope_active]
    # Every in-scope active account is in the plan; once, unless rows fight over it.
    assert set(mentioned) == in_scope_active
    for user_id in in_scope_active:
        lines = [i for i in made.items if i.user_id == user_id]
        assert len(lines) == 1 or all(i.action == "conflict" for i in lines)


@settings(max_examples=300, deadline=None)
@given(organisations(), rosters(), KEYS, SCOPES)
def test_applying_a_plan_leaves_nothing_to_do(
    accounts: list[dict[str, Any]], roster: list[dict[str, Any]], match_on: str, scope: Any
) -> None:
    """A second plan right after the first acts only where the first reported a conflict:
    a conflict may dissolve once the other rows are applied (a row's employee id was
    another account's until that account's row changed it), never appear."""
    made = planned(roster, accounts, match_on=match_on, scope=scope)
    again = planned(roster, applied(made, accounts), match_on=match_on, scope=scope)
    first = {item.row: item for item in made.items if item.row is not None}
    held = {
        i.user_id for i in made.items if i.action == "conflict" or (i.note and "held" in i.note)
    }
    for item in again.items:
        if item.row is None:
            assert item.action == "unchanged" or item.user_id in held
        elif first[item.row].action != "conflict":
            assert item.action in ("unchanged", "excluded")
            assert (item.action == "excluded") == (first[item.row].action == "excluded")
    if not made.counts()["conflict"]:
        assert again.counts()["unchanged"] == made.counts()["unchanged"] + sum(
            made.counts()[action] for action in ("create", "update", "reactivate")
        )
        assert again.counts()["conflict"] == 0
