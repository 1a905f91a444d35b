"""Review of the roster sync (issue 17): what a real HR roster and a real tenant break."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from triboo_provider.operators.sync_users import TribooSyncUsersOperator
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.operator_support import run


@pytest.fixture(params=["current", "2021"])
def small(connect: Callable[..., None], request: pytest.FixtureRequest) -> Iterator[Any]:
    made = make_sandbox(users=40, today=dt.date(2026, 11, 1), generation=request.param)
    with SandboxServer(made) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=2, retry_max_wait=0.1)
        yield server


def learners(server: Any) -> list[Any]:
    store = server.sandbox.store
    return sorted(
        (
            u
            for u in store.users.values()
            if u.org == "acme"
            and not u.is_superuser
            and u.is_active
            and u.profile.get("platform_role", "Learner") in ("Learner", "", None)
        ),
        key=lambda u: u.user_id,
    )


def row_of(u: Any, **fields: Any) -> dict[str, Any]:
    made = {
        "username": u.username,
        "email": u.email,
        "first_name": u.profile["first_name"],
        "last_name": u.profile["last_name"],
        "name": u.profile["name"],
    }
    return {**made, **fields}


def plan_lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sync(**kw: Any) -> dict[str, Any]:
    return dict(run(TribooSyncUsersOperator(task_id="s", **kw)))


def test_a_repeated_email_is_a_conflict_not_a_failed_run(small: Any, tmp_path: Path) -> None:
    """README: "a key shared by two rows ... is a conflict, never guessed" and "one wrong
    HR row should not hold up every joiner and leaver"; a roster repeating one e-mail
    (other case, another username) fails the whole run with TribooInputError instead."""
    people = learners(small)
    rows = [row_of(u) for u in people]
    rows.append({**rows[0], "username": "someone.else", "email": rows[0]["email"].upper()})
    result = sync(roster=rows, plan_path=str(tmp_path / "plan.csv"))
    assert result["planned"]["conflict"] == 2  # both rows sharing the e-mail
    # The other rows are unchanged, and the account both rows point at is held (one
    # unchanged line, never deactivated): the plan's rule for a conflict's accounts.
    assert result["planned"]["unchanged"] == len(people)
    lines = plan_lines(tmp_path / "plan.csv")
    assert [x["note"] for x in lines if x["action"] == "conflict"] == [
        "duplicate_key: email on several rows"
    ] * 2
    (held,) = [x for x in lines if x["note"].startswith("held by a conflict")]
    assert (held["action"], held["user_id"]) == ("unchanged", str(people[0].user_id))


@pytest.mark.parametrize("small", ["2021"], indirect=True)
def test_2021_plan_says_a_reactivation_cannot_be_done(small: Any, tmp_path: Path) -> None:
    """Issue 17: "where the server cannot [reactivate], say so in the plan". The operator
    never passes can_reactivate=False on 2021, so the plan (and every dry run) shows a
    plain reactivate; only the applied outcome says cannot_reactivate."""
    people = learners(small)
    people[0].is_active = False  # a rehire
    sync(roster=[row_of(u) for u in people], plan_path=str(tmp_path / "plan.csv"), dry_run=True)
    (line,) = [x for x in plan_lines(tmp_path / "plan.csv") if x["action"] == "reactivate"]
    assert "cannot reactivate" in line["note"]


@pytest.mark.parametrize("small", ["current"], indirect=True)
def test_a_transfer_between_two_scoped_syncs_keeps_the_person_active(small: Any) -> None:
    """Scope is for one sync per country/company on one org. An employee moving IT -> FR
    leaves the IT roster and joins the FR one: the IT sync deactivates them, the FR sync
    calls their account `excluded` (its country is still IT): they end deactivated, in
    either order, on every later run."""
    people = learners(small)
    for n, u in enumerate(people):
        u.profile["country"] = "IT" if n % 2 == 0 else "FR"
    italy = [u for u in people if u.profile["country"] == "IT"]
    france = [u for u in people if u.profile["country"] == "FR"]
    mover = italy[0]
    it_rows = [row_of(u, country="IT") for u in italy[1:]]
    fr_rows = [row_of(u, country="FR") for u in [*france, mover]]
    for _ in range(2):  # two days of both DAGs
        sync(roster=it_rows, scope={"country": "IT"}, max_deactivations=1)
        sync(roster=fr_rows, scope={"country": "FR"}, max_deactivations=1)
    after = small.sandbox.store.users[mover.user_id]
    assert (after.is_active, after.profile["country"]) == (True, "FR")


def test_one_row_the_server_refuses_does_not_abort_the_sync(small: Any, tmp_path: Path) -> None:
    """lt_ilt_supervisor is an e-mail on current servers and a boolean on 2021; validation
    accepts both, the server refuses the other with a 400. That one row's 400 propagates:
    the updates after it and every deactivation (applied last) are never made, and each
    retry stops at the same row. Expected: the row ends a conflict, the rest is applied."""
    people = learners(small)
    refused = "boss@acme.example.com" if small.sandbox.generation == "2021" else True
    rows = [row_of(u) for u in people[:-1]]  # people[-1] left the company
    rows[0]["lt_ilt_supervisor"] = refused
    rows[1]["city"] = "Torino"
    result = sync(roster=rows, plan_path=str(tmp_path / "plan.csv"))
    store = small.sandbox.store
    assert result["applied"]["conflict"] == 1
    assert store.users[people[1].user_id].profile.get("city") == "Torino"
    assert store.users[people[-1].user_id].is_active is False


@pytest.mark.parametrize("small", ["2021"], indirect=True)
def test_a_server_refusal_does_not_put_a_persons_value_in_the_task_log(small: Any) -> None:
    """README: logs "never a person's fields". The 2021 server's 400 echoes the value
    (`"boss@acme.example.com" is not a valid boolean`) and the raised error repeats it, so
    the failed task's log carries a supervisor's e-mail."""
    people = learners(small)
    rows = [row_of(u) for u in people]
    rows[0]["lt_ilt_supervisor"] = "boss@acme.example.com"
    shown = ""
    try:
        sync(roster=rows)
    except Exception as problem:  # any error the task log would show
        shown = str(problem)
    assert "boss@acme.example.com" not in shown
