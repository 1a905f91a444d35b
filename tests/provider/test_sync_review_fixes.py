"""Roster sync review fixes (issue 17): per-row refusals, adoption into a scope, 2021
reactivations in the plan, repeated and blank keys, scope values, partial() (scrubbed
server messages: test_sync_scrub.py)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk import DAG
from triboo_provider.client.errors import (
    TribooAPIError,
    TribooAuthError,
    TribooConflictError,
    TribooNotFoundError,
    TribooRateLimitError,
    TribooValidationError,
)
from triboo_provider.exceptions import TribooInputError, TribooServerError
from triboo_provider.hooks.triboo import TribooHook
from triboo_provider.operators.sync_users import TribooSyncUsersOperator
from triboo_provider.sync import compute_plan
from triboo_provider.sync.apply import apply_plan
from triboo_provider.sync.compare import CURRENT_ONLY_FIELDS, reactivates
from triboo_provider.validation import validate_users
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.operator_support import run
from tests.provider.sync_support import account, api_user, applied, row

SUPERVISOR = "boss@acme.example.com"


@pytest.fixture(params=["current", "2021"])
def server(connect: Callable[..., None], request: pytest.FixtureRequest) -> Iterator[Any]:
    made = make_sandbox(users=12, today=dt.date(2026, 11, 1), generation=request.param)
    with SandboxServer(made) as running:
        connect(running.url, "demo-client", "demo-secret", max_retries=1, retry_max_wait=0.1)
        yield running


def learners(server: Any) -> list[Any]:
    users = server.sandbox.store.users.values()
    return sorted(
        (u for u in users if u.org == "acme" and not u.is_superuser and u.is_active),
        key=lambda u: u.user_id,
    )


def roster_of(people: list[Any]) -> list[dict[str, Any]]:
    return [
        {"username": u.username, "email": u.email, **{k: u.profile[k] for k in NAMES}}
        for u in people
        if u.profile.get("platform_role") in ("Learner", "", None)
    ]


NAMES = ("first_name", "last_name", "name")


def plan_lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- 1. one row's refusal does not abort the others -----------------------------------


class Refusing:
    """A client whose updates fail by user id, as a server would."""

    def __init__(self, errors: dict[int, Exception]) -> None:
        self.errors = errors
        self.sent: list[int] = []
        self.deactivated: list[int] = []

    def find_users(self, **kw: Any) -> list[dict[str, Any]]:
        return []

    def create_user(self, fields: Any, *, resolve: bool) -> None:
        raise AssertionError("no create planned")

    def update_user(self, *, by: str, identifier: Any, fields: Any) -> dict[str, Any]:
        self.sent.append(identifier)
        if identifier in self.errors:
            raise self.errors[identifier]
        return {}

    def deactivate_users(self, *, user_ids: Any = ()) -> list[dict[str, Any]]:
        self.deactivated += list(user_ids)
        return [{"user_id": i, "status": "user_deactivated"} for i in user_ids]


def five_updates() -> Any:
    accounts = [api_user(), *(account(10 + n, f"p{n}") for n in range(6))]
    rows = [row(f"p{n}", city="Torino") for n in range(5)]  # p5 left
    return compute_plan(rows, accounts, api_username="api-acme", max_deactivations=1)


class Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str, *args: Any) -> None:
        self.lines.append(message % args)

    warning = info


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (TribooValidationError("partialUpdateUser", 400, "", {"city": ["no"]}), "conflict"),
        (TribooValidationError("partialUpdateUser", 400, "", {}), "conflict"),
        (TribooConflictError("partialUpdateUser", 409, "", reason="unknown"), "conflict"),
        (TribooConflictError("partialUpdateUser", 409, "", reason="superuser"), "conflict"),
        (TribooNotFoundError("partialUpdateUser", 404, ""), "not_found"),
    ],
)
def test_a_row_refusal_is_that_rows_outcome(error: Exception, outcome: str) -> None:
    client = Refusing({11: error})
    done = apply_plan(five_updates(), client, replan=lambda i, f: i, log=Log())
    assert client.sent == [10, 11, 12, 13, 14]
    assert client.deactivated == [15]
    counts = done.counts()
    assert (counts[outcome], counts["updated"], counts["deactivated"]) == (1, 4, 1)
    if isinstance(error, TribooValidationError):
        (line,) = done.conflicts()
        assert line.note == f"refused by the server: {', '.join(error.field_errors) or 'HTTP 400'}"


@pytest.mark.parametrize(
    "error",
    [
        TribooAuthError("partialUpdateUser", 403, ""),
        TribooServerError("partialUpdateUser", 503, ""),
        TribooRateLimitError("partialUpdateUser", 429, ""),
    ],
)
def test_a_systemic_error_stops_and_reports_what_was_done(error: TribooAPIError) -> None:
    client = Refusing({12: error})
    seen: list[Any] = []
    with pytest.raises(type(error)):
        apply_plan(five_updates(), client, replan=lambda i, f: i, log=Log(), stopped=seen.append)
    assert client.sent == [10, 11, 12]
    assert client.deactivated == []
    outcomes = [line["outcome"] for line in seen[0].rows()]
    assert outcomes == ["updated", "updated", None, None, None, None]  # not sent: empty


def test_the_plan_file_says_what_was_done_when_the_task_fails(
    server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = learners(server)
    rows = roster_of(people)
    for one in rows[:3]:
        one["city"] = "Torino"
    updating = TribooHook.update_user

    def update_then_break(hook: TribooHook, **kw: Any) -> Any:
        done = updating(hook, **kw)
        server.sandbox.faults.update({"fail_next": 1000, "fail_status": 500})
        return done

    monkeypatch.setattr(TribooHook, "update_user", update_then_break)
    path = tmp_path / "plan.csv"
    with pytest.raises(TribooServerError):
        run(TribooSyncUsersOperator(task_id="s", roster=rows, plan_path=str(path)))
    updates = [line["outcome"] for line in plan_lines(path) if line["action"] == "update"]
    assert updates == ["updated", "", ""]


# --- 2. a transfer between two scoped syncs -------------------------------------------


def test_a_transfer_between_scoped_syncs_in_either_order() -> None:
    people = [account(10 + n, f"p{n}", country="IT" if n < 3 else "FR") for n in range(6)]
    it_rows = [row(f"p{n}", country="IT") for n in (1, 2)]
    fr_rows = [row(f"p{n}", country="FR") for n in (0, 3, 4, 5)]  # p0 moves to FR
    for order in (("IT", "FR"), ("FR", "IT")):
        accounts = [dict(a) for a in people]
        for _ in range(2):
            for country in order:
                rows = it_rows if country == "IT" else fr_rows
                made = compute_plan(rows, accounts, scope={"country": country}, max_deactivations=1)
                accounts = applied(made, accounts)
        (mover,) = [a for a in accounts if a["username"] == "p0"]
        assert (mover["is_active"], mover["country"]) == (True, "FR"), order


def test_adoption_notes_and_limits() -> None:
    fr = {"country": "FR"}
    moved = compute_plan([row("ana", country="FR")], [account(10, "ana", country="IT")], scope=fr)
    assert [(i.action, i.fields, i.note) for i in moved.items] == [
        ("update", ("country",), "moves into scope")
    ]
    left = account(10, "ana", country="IT", active=False)
    back = compute_plan([row("ana", country="FR")], [left], scope=fr, can_reactivate=False)
    assert back.items[0].action == "reactivate"
    assert back.items[0].note == (
        "moves into scope; cannot reactivate: this server generation ignores is_active in updates"
    )
    for outside in (
        account(10, "ana", country="IT", platform_role="Studio Admin"),
        account(10, "ana", country="IT", platform_role="Platform Super Admin"),
        account(10, "ana", country="IT", is_staff=True),
    ):
        made = compute_plan([row("ana", country="FR")], [outside], scope=fr)
        assert made.items[0].action == "excluded"
    api = compute_plan(
        [row("ana", country="FR")], [account(10, "ana", country="IT")], scope=fr, api_username="ana"
    )
    assert api.items[0].action == "excluded"
    silent = compute_plan([row("ana")], [account(10, "ana", country="IT")], scope=fr)
    assert silent.items[0].action == "excluded"  # the row does not say it moves in


# --- 3. repeated and blank keys are conflicts -----------------------------------------


def test_the_sync_validates_without_the_uniqueness_rule() -> None:
    rows = [
        row("ana"),
        {**row("bob"), "email": "ANA@acme.example.com"},
        {**row("cy"), "email": " "},
    ]
    assert validate_users(rows, creating=True).problems  # other callers: unchanged
    checked = validate_users(rows, creating=True, unique=False, optional=("email",))
    assert checked.problems == []
    assert "email" not in checked.rows[2]


def test_a_blank_matching_key_is_a_conflict(server: Any, tmp_path: Path) -> None:
    rows = roster_of(learners(server))
    del rows[0]["email"]
    path = tmp_path / "plan.csv"
    result = run(TribooSyncUsersOperator(task_id="s", roster=rows, plan_path=str(path)))
    assert result["planned"]["conflict"] == 1
    assert result["planned"]["deactivate"] == 0
    assert [x["note"] for x in plan_lines(path) if x["action"] == "conflict"] == [
        "blank_key: no email"
    ]


# --- 4. a reactivation the server cannot do is in the plan ----------------------------


def test_the_generation_is_read_from_the_list_answer(server: Any, tmp_path: Path) -> None:
    people = learners(server)
    people[0].is_active = False
    path = tmp_path / "plan.csv"
    run(
        TribooSyncUsersOperator(
            task_id="s", roster=roster_of(people), plan_path=str(path), dry_run=True
        )
    )
    (line,) = [x for x in plan_lines(path) if x["action"] == "reactivate"]
    assert ("cannot reactivate" in line["note"]) == (server.sandbox.generation == "2021")


def test_reactivates() -> None:
    assert reactivates([]) is True
    assert reactivates([{"user_id": 1}, {"user_id": 2, "linkedin_catalog_access": None}])
    assert not reactivates([{"user_id": 1, "username": "a"}])
    assert "udemy_catalog_access" in CURRENT_ONLY_FIELDS


# --- partial() checks what __init__ checks --------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"match_on": "id"},
        {"plan_format": "xlsx"},
        {"plan_path": "relative/plan.csv"},
        {"dry_run": "maybe"},
        {"scope": {"password": "x"}},
        {"max_deactivations": 1.5},
    ],
)
def test_partial_checks_the_sync_parameters(bad: dict[str, Any]) -> None:
    (name,) = bad
    assert name in TribooSyncUsersOperator.import_checks
    with DAG("partial_rule", schedule=None), pytest.raises(TribooInputError, match=name):
        TribooSyncUsersOperator.partial(task_id="p", **bad).expand(roster=[[]])
    with DAG("partial_template", schedule=None):
        TribooSyncUsersOperator.partial(task_id="t", dry_run="{{ params.x }}").expand(roster=[[]])


def test_a_scope_value_no_account_can_hold_is_refused() -> None:
    with pytest.raises(TribooInputError, match="scope, field country"):
        TribooSyncUsersOperator(task_id="s", roster=[], scope={"country": "it"})
    made = compute_plan([row("ana")], [account(10, "ana", lt_gdpr=True)], scope={"lt_gdpr": "yes"})
    assert made.items[0].action == "unchanged"  # "yes" is read as True, as in a roster
