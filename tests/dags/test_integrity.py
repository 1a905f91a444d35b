"""Every example DAG parses cleanly, with the conventions the README promises."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from tests.dags.conftest import DAGS

OUR_CODE = (str(DAGS), str(Path(__file__).resolve().parents[2] / "airflow_provider"))
TRIBOO_OPERATORS = "triboo_provider.operators"


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_file_imports_without_errors_or_warnings(airflow_db: None, path: Path) -> None:
    from airflow.dag_processing.dagbag import DagBag

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # DagBag enforces [core] dagbag_import_timeout (30 s in tests) on each file.
        bag = DagBag(dag_folder=str(path))
    assert bag.import_errors == {}
    assert len(bag.dags) == 1
    ours = [
        f"{w.filename}:{w.lineno}: {w.message}" for w in caught if w.filename.startswith(OUR_CODE)
    ]
    assert ours == []


def test_dags_follow_the_conventions(dagbag: Any) -> None:
    assert sorted(dagbag.dags) == [
        "example_triboo_completion",
        "example_triboo_offboarding",
        "example_triboo_onboarding",
        "example_triboo_progress_export",
        "example_triboo_roster_sync",
    ]
    for dag in dagbag.dags.values():
        assert "triboo" in dag.tags
        assert dag.doc_md
        for task in dag.tasks:
            assert task.owner != "airflow", f"{dag.dag_id}.{task.task_id} has no owner"
            assert task.retries >= 1
            if type(task).__module__.startswith(TRIBOO_OPERATORS) or getattr(
                task, "operator_class", None
            ):
                module = getattr(
                    getattr(task, "operator_class", None), "__module__", type(task).__module__
                )
                if module.startswith(TRIBOO_OPERATORS):
                    assert task.pool == "triboo_api", f"{dag.dag_id}.{task.task_id}"


def test_progress_export_runs_cover_a_whole_day(dagbag: Any) -> None:
    import pendulum

    dag = dagbag.dags["example_triboo_progress_export"]
    interval = dag.timetable.infer_manual_data_interval(
        run_after=pendulum.datetime(2026, 11, 25, 2)
    )
    assert (interval.start, interval.end) == (
        pendulum.datetime(2026, 11, 24, 2),
        pendulum.datetime(2026, 11, 25, 2),
    )
