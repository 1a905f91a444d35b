"""The example DAGs' task logs name no person: README, "logs count, never print a person's
fields". Each DAG runs against the sandbox and its whole captured log (every task's,
Airflow's own lines included) is searched for the usernames and e-mails it handled: those
of its input files, and for the exports, of every account the sandbox serves.

A ``@task`` returning people's data must say ``show_return_value_in_logs=False``:
otherwise Airflow logs "Done. Returned value was: [...]".
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from tests.dags.conftest import DAGS
from tests.dags.test_e2e import run


def people_in(path: Path) -> set[str]:
    """Every username and e-mail of a CSV input file."""
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row[k] for row in rows for k in ("username", "email") if row.get(k)}


def named(text: str, people: set[str]) -> list[str]:
    return sorted(person for person in people if person in text)


def logged(capfd: pytest.CaptureFixture[str]) -> str:
    out, err = capfd.readouterr()
    return out + err


@pytest.mark.parametrize(
    ("dag_id", "param", "data"),
    [
        ("example_triboo_onboarding", "hires_path", "new_hires.csv"),
        ("example_triboo_offboarding", "leavers_path", "leavers.csv"),
    ],
)
def test_a_dag_reading_people_logs_none_of_them(
    dag_id: str, param: str, data: str, dagbag: Any, live: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    people = people_in(DAGS / "data" / data)
    assert len(people) >= 2  # the file names people: the search below means something
    capfd.readouterr()
    # The file given in the conf: dag.test(run_conf=...) of an earlier test in this session
    # leaves its values in the shared DAG's params, so a default cannot be relied on.
    dag_run = run(dagbag, dag_id, "no_logical_date", **{param: str(DAGS / "data" / data)})
    assert dag_run.state == "success"
    text = logged(capfd)
    assert "Returned value not shown" in text  # the log was captured, the value kept out
    assert named(text, people) == []


def test_the_exports_log_no_account_they_exported(
    dagbag: Any, live: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    users = [u for u in live.sandbox.store.users.values() if u.org == "acme"]
    # Usernames and e-mails long enough not to be a part of some other word in a log.
    people = {p for u in users for p in (u.username, u.email) if len(p) >= 8}
    assert len(people) > 100
    capfd.readouterr()
    export = run(
        dagbag, "example_triboo_progress_export", "no_logical_date", output_base=str(live.warehouse)
    )
    assert export.state == "success"
    progress = live.warehouse / "user_progress" / "date=2026-11-26" / "user_progress.parquet"
    completion = run(
        dagbag, "example_triboo_completion", "no_logical_date", progress_path=str(progress)
    )
    assert completion.state == "success"
    text = logged(capfd)
    assert "Returned value was" in text  # the log was captured (a course key, a path)
    assert named(text, people) == []
