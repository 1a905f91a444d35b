"""TribooSyncUsersOperator against the sandbox, on both server generations: every action
of dags/data/roster.csv applied, a second run that plans nothing, dry runs, the safety
stop before any change, scope exclusions, conflicts, a 409 on create, a fault mid-apply."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from triboo_provider.exceptions import TribooInputError, TribooPolicyError, TribooServerError
from triboo_provider.hooks.triboo import TribooHook
from triboo_provider.operators.sync_users import TribooSyncUsersOperator
from triboo_provider.sync.apply import OUTCOMES
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.operator_support import run
from tests.provider.test_sync_roster import EXPECTED
from tools.make_roster import OUT

DEMO = {"match_on": "lt_employee_id", "scope": {"country": "IT"}, "api_username": "api-acme"}
NEW_HIRES = ("giulia.rossi", "marco.bianchi", "sara.colombo")


@pytest.fixture(params=["current", "2021"])
def demo(connect: Callable[..., None], request: pytest.FixtureRequest) -> Iterator[Any]:
    """The sandbox ``make demo`` starts (seed 42, 2000 users), of each generation."""
    made = make_sandbox(users=2000, today=dt.date(2026, 11, 1), generation=request.param)
    with SandboxServer(made) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=2, retry_max_wait=0.1)
        yield server


def sync(tmp_path: Path, **kw: Any) -> dict[str, Any]:
    given = {"roster_path": str(OUT), "plan_path": str(tmp_path / "plan.csv"), **DEMO, **kw}
    return dict(run(TribooSyncUsersOperator(task_id="sync", **given)))


def snapshot(server: Any) -> list[tuple[Any, ...]]:
    store = server.sandbox.store
    return sorted(
        (u.user_id, u.username, u.email, u.is_active, sorted(u.profile.items()))
        for u in store.users.values()
    )


def plan_lines(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def applied(**counts: int) -> dict[str, int]:
    return {name: counts.get(name, 0) for name in OUTCOMES}


def test_demo_roster_every_action_then_nothing(demo: Any, tmp_path: Path) -> None:
    current = demo.sandbox.generation == "current"
    first = sync(tmp_path)
    assert first["planned"] == EXPECTED
    assert first["applied"] == applied(
        created=3,
        updated=2,
        reactivated=1 if current else 0,
        cannot_reactivate=0 if current else 1,
        deactivated=1,
        unchanged=164,
        excluded=7,
        conflict=1,
    )
    assert first["dry_run"] is False
    assert first["plan_path"] == str(tmp_path / "plan.csv")
    store = demo.sandbox.store
    hires = {u.username: u for u in store.users.values() if u.username in NEW_HIRES}
    assert sorted(hires) == sorted(NEW_HIRES)
    assert all(u.is_active and u.profile["country"] == "IT" for u in hires.values())
    lines = plan_lines(tmp_path / "plan.csv")
    assert list(lines[0]) == ["action", "key", "user_id", "fields", "row", "note", "outcome"]
    created = {line["key"]: line for line in lines if line["outcome"] == "created"}
    assert {hires[n].profile["lt_employee_id"] for n in NEW_HIRES} == set(created)
    assert {int(line["user_id"]) for line in created.values()} == {
        u.user_id for u in hires.values()
    }
    (leaver,) = [line for line in lines if line["action"] == "deactivate"]
    assert leaver["outcome"] == "deactivated"
    assert store.users[int(leaver["user_id"])].is_active is False
    (rehire,) = [line for line in lines if line["action"] == "reactivate"]
    assert store.users[int(rehire["user_id"])].is_active is current
    moved, renamed = [line for line in lines if line["action"] == "update"]
    assert (moved["fields"], renamed["fields"]) == ("lt_department", "email")
    assert store.users[int(renamed["user_id"])].email.endswith("@it.acme.example.com")
    (conflict,) = [line for line in lines if line["action"] == "conflict"]
    assert conflict["outcome"] == "conflict"
    assert conflict["note"] == "other_account: its email is user 31's"

    before = snapshot(demo)
    again = sync(tmp_path)
    left = {"reactivate": 0 if current else 1}
    assert again["planned"] == {
        **EXPECTED,
        "create": 0,
        "update": 0,
        "deactivate": 0,
        **left,
        "unchanged": 164 + 3 + 2 + (1 if current else 0),
    }
    assert snapshot(demo) == before  # nothing sent but the 2021 reactivation it refuses


def test_dry_run_writes_the_plan_and_changes_nothing(demo: Any, tmp_path: Path) -> None:
    before = snapshot(demo)
    result = sync(tmp_path, dry_run="True")  # as "{{ params.dry_run }}" renders
    assert result == {
        "dry_run": True,
        "planned": EXPECTED,
        "applied": {},
        "plan_path": str(tmp_path / "plan.csv"),
    }
    assert snapshot(demo) == before
    lines = plan_lines(tmp_path / "plan.csv")
    assert len(lines) == sum(EXPECTED.values())
    assert {line["outcome"] for line in lines} == {""}


def truncated(tmp_path: Path, keep: int) -> Path:
    """The demo roster cut after ``keep`` data lines, as a failed HR export would be."""
    lines = OUT.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = tmp_path / "roster.csv"
    cut.write_text("".join(lines[: 1 + keep]), encoding="utf-8")
    return cut


@pytest.mark.parametrize("keep", [0, 40, 150], ids=["empty", "truncated", "20 missing"])
def test_safety_stop_before_any_change(demo: Any, tmp_path: Path, keep: int) -> None:
    before, requests = snapshot(demo), demo.sandbox.requests
    with pytest.raises(TribooPolicyError) as refused:
        sync(tmp_path, roster_path=str(truncated(tmp_path, keep)))
    assert snapshot(demo) == before
    message = str(refused.value)
    assert "nothing changed" in message
    if keep:
        assert "max_deactivations=" in message
        deactivate = [
            line for line in plan_lines(tmp_path / "plan.csv") if line["action"] == "deactivate"
        ]
        assert f"{len(deactivate)} of 167 in-scope active accounts" in message
    else:
        assert "TribooDeactivateUsersOperator" in message
    # Read only: a token and the organisation's pages (20 of them at 2021's page size).
    assert demo.sandbox.requests - requests <= 22


def test_an_explicit_count_overrides_the_stop(demo: Any, tmp_path: Path) -> None:
    cut = truncated(tmp_path, 150)
    with pytest.raises(TribooPolicyError):  # a dry run is refused as the real run would be
        sync(tmp_path, roster_path=str(cut), dry_run=True)
    lines = plan_lines(tmp_path / "plan.csv")
    count = [line["action"] for line in lines].count("deactivate")
    done = sync(tmp_path, roster_path=str(cut), max_deactivations=count)
    assert done["applied"]["deactivated"] == count
    assert count > 0.1 * 167


def test_scope_exclusions(sandbox: Any, tmp_path: Path) -> None:
    """Outside the scope nothing is touched: other departments, admins, the API user."""
    store = sandbox.sandbox.store
    admin = {"lt_department": "Finance", "platform_role": "Platform Admin", "name": "A"}
    store.add_user("acme", "finance.admin", "finance.admin@acme.example.com", admin)
    org = [u for u in store.users.values() if u.org == "acme" and not u.is_superuser]
    finance = [u for u in org if u.profile.get("lt_department") == "Finance" and u.is_active]
    learners = [u for u in finance if u.profile.get("platform_role", "Learner") == "Learner"]
    assert len(learners) > 3
    assert len(finance) > len(learners)  # an admin among them
    rows = [
        {"username": u.username, "email": u.email, "first_name": u.profile["first_name"],
         "last_name": u.profile["last_name"], "name": u.profile["name"]}
        for u in learners[1:]
    ]  # fmt: skip
    before = {u.user_id: u.is_active for u in store.users.values()}
    result = run(
        TribooSyncUsersOperator(
            task_id="s", roster=rows, scope={"lt_department": "Finance"}, max_deactivations=1
        )
    )
    assert result["applied"]["deactivated"] == 1
    assert result["planned"]["unchanged"] == len(learners) - 1
    after = {u.user_id: u.is_active for u in store.users.values()}
    assert {k for k in before if before[k] != after[k]} == {learners[0].user_id}


def test_conflicts_skipped_or_failing_after_the_rest(demo: Any, tmp_path: Path) -> None:
    with pytest.raises(TribooPolicyError) as failed:
        sync(tmp_path, fail_on_conflict=True)
    assert "line 179: other_account: its email is user 31's" in str(failed.value)
    assert "the other changes were applied" in str(failed.value)
    store = demo.sandbox.store
    assert {u.username for u in store.users.values()} >= set(NEW_HIRES)
    assert [line["outcome"] for line in plan_lines(tmp_path / "plan.csv")].count("created") == 3


def test_a_409_on_create_plans_the_row_again(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An account created after the read (hidden from it here) is found and updated; a
    username another organisation holds is a conflict, not a failure."""
    store = sandbox.sandbox.store
    mine = next(
        u
        for u in store.users.values()
        if u.org == "acme"
        and u.username.startswith("a")
        and u.is_active
        and u.profile.get("platform_role", "Learner") == "Learner"
    )
    theirs = next(u for u in store.users.values() if u.org != "acme" and not u.is_superuser)
    mine.profile["lt_company"] = "Acme"  # the scope's only account
    reading = TribooHook.iter_users
    monkeypatch.setattr(
        TribooHook,
        "iter_users",
        lambda hook: (user for user in reading(hook) if user["user_id"] != mine.user_id),
    )
    rows = [
        {"username": mine.username, "email": mine.email, "first_name": "New",
         "last_name": "Name", "name": "New Name", "lt_company": "Acme"},
        {"username": theirs.username, "email": "someone.new@acme.example.com",
         "first_name": "S", "last_name": "N", "name": "S N", "lt_company": "Acme"},
    ]  # fmt: skip
    result = run(TribooSyncUsersOperator(task_id="s", roster=rows, scope={"lt_company": "Acme"}))
    assert result["planned"]["create"] == 2
    assert result["applied"]["updated"] == 1
    assert result["applied"]["conflict"] == 1
    assert store.users[mine.user_id].profile["first_name"] == "New"
    assert not any(u.email == "someone.new@acme.example.com" for u in store.users.values())


def test_a_fault_mid_apply_then_the_retry_converges(
    demo: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server fails for good after the first create: the task fails; its retry plans
    again from what was done, finishes, and a third run plans nothing."""
    creating = TribooHook.create_user

    def create_then_break(hook: TribooHook, fields: Any, **kw: Any) -> Any:
        done = creating(hook, fields, **kw)
        demo.sandbox.faults.update({"fail_next": 1000, "fail_status": 500})
        return done

    monkeypatch.setattr(TribooHook, "create_user", create_then_break)
    with pytest.raises(TribooServerError):
        sync(tmp_path)
    monkeypatch.setattr(TribooHook, "create_user", creating)
    demo.sandbox.faults.reset()
    retried = sync(tmp_path)
    assert retried["planned"]["create"] == 2  # one was created before the fault
    assert retried["applied"]["created"] == 2
    assert retried["applied"]["deactivated"] == 1
    again = sync(tmp_path)
    assert again["planned"]["create"] == again["planned"]["deactivate"] == 0
    assert again["planned"]["update"] == 0


def test_bad_parameters_fail_at_dag_import() -> None:
    for bad in (
        {"match_on": "id"},
        {"scope": {"password": "x"}},
        {"max_deactivations": 1.5},
        {"dry_run": "maybe"},
        {"plan_format": "xlsx"},
        {"plan_path": "relative/plan.csv"},
    ):
        with pytest.raises(TribooInputError):
            TribooSyncUsersOperator(task_id="s", roster=[], **bad)
    templated = TribooSyncUsersOperator(task_id="s", roster=[], dry_run="{{ params.dry_run }}")
    assert templated.dry_run == "{{ params.dry_run }}"
