"""example_triboo_roster_sync run with dag.test() against the demo's sandbox: a dry run
changes nothing, the applied run does every action, a second run plans nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dags.conftest import wired_sandbox
from tests.dags.test_e2e import run, xcom
from tests.provider.test_sync_roster import EXPECTED


@pytest.fixture
def demo(airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The sandbox ``make demo`` starts (seed 42, 2000 users: the roster's organisation)."""
    with wired_sandbox(2000, tmp_path, monkeypatch) as server:
        yield server


def plans(base: Path) -> list[Path]:
    return sorted((base / "roster_sync").glob("date=*/plan-*.csv"))


@pytest.mark.parametrize("when", ["logical_date", "no_logical_date"])
def test_dry_run_then_applied_then_nothing(
    dagbag: Any, demo: Any, tmp_path: Path, when: str
) -> None:
    warehouse = tmp_path / "warehouse"
    store = demo.sandbox.store
    before = sorted((u.user_id, u.is_active, u.email) for u in store.users.values())
    dry = run(dagbag, "example_triboo_roster_sync", when, dry_run=True)
    assert dry.state == "success"
    assert xcom(dry, "sync")["planned"] == EXPECTED
    assert xcom(dry, "sync")["applied"] == {}
    assert sorted((u.user_id, u.is_active, u.email) for u in store.users.values()) == before
    (plan,) = plans(warehouse)
    with plan.open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == sum(EXPECTED.values())
    plan.unlink()  # the applied run of the same day writes its own file name

    applied = run(dagbag, "example_triboo_roster_sync", when, dry_run=False)
    assert applied.state == "success"
    result = xcom(applied, "sync")
    assert result["planned"] == EXPECTED
    assert result["applied"]["created"] == 3
    assert result["applied"]["deactivated"] == 1
    assert result["plan_path"] == str(plans(warehouse)[0])

    again = run(dagbag, "example_triboo_roster_sync", when, dry_run=False)
    planned = xcom(again, "sync")["planned"]
    assert planned["create"] == planned["update"] == planned["deactivate"] == 0
    assert planned["reactivate"] == 0
