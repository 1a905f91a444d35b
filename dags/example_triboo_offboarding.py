"""Offboarding: leavers from an HR extract lose LMS access (deactivated, never deleted).

read_leavers -> deactivate. A leaver is deactivated once the run's date (its logical
date, else the day it was triggered) has reached their ``last_day``; a run with nobody
to deactivate skips both tasks. Unknown and already
inactive accounts are reported in the task's XCom, not failures, so the DAG can run every
day on a cumulative extract. ``data/leavers.csv`` shows the three outcomes against the
demo's sandbox (seed 42): ``tomas.moreau.11`` is deactivated (``user_deactivated``),
``ivan.park.12`` already is (``user_already_inactive``) and ``former.employee`` has no
account (``user_not_found``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, task
from triboo_provider.operators.users import TribooDeactivateUsersOperator

# A file to read: an absolute local path or an fsspec URL, with no template, no blanks
# around it and no control character (refused in the trigger form, before the run starts).
FILE_PATTERN = (
    r"^(?![\s\S]*[\x00-\x1f\x7f])(?![\s\S]*\{[{%])"
    r"(?:/|[A-Za-z][A-Za-z0-9+.-]*://)[^\x00-\x1f\x7f]*[^\s/]$"
)
LEAVERS = str(Path(__file__).parent / "data" / "leavers.csv")


@dag(
    schedule=None,
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    tags=["triboo", "example", "users"],
    default_args={
        "owner": "people-analytics",
        "retries": 2,
        "retry_delay": dt.timedelta(minutes=2),
    },
    params={
        "leavers_path": Param(
            LEAVERS,
            type="string",
            pattern=FILE_PATTERN,
            title="Leavers file",
            description=(
                "CSV or JSON Lines file with a username column and an optional last_day "
                "(YYYY-MM-DD): a local path or an fsspec URL."
            ),
        )
    },
    doc_md=__doc__,
)
def example_triboo_offboarding() -> None:
    # Its return value is people's usernames: kept out of the task log (README: logs
    # never print a person's fields), as every @task returning people's data here does.
    @task(show_return_value_in_logs=False)
    def read_leavers(params: dict[str, Any] | None = None, dag_run: Any = None) -> list[str]:
        """Usernames whose last day is on or before the run's date (the same on a re-run)."""
        from airflow.sdk.exceptions import AirflowSkipException
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.inputs import load_rows

        rows, labels = load_rows((params or {})["leavers_path"], param="leavers_path")
        # The run's own day, never the clock's: a backfill, or a re-run next week, of the
        # run for 20 November deactivates the leavers of 20 November, no one who left since.
        run_day = (dag_run.logical_date or dag_run.run_after).date()
        leavers, problems = [], []
        for label, row in zip(labels, rows, strict=True):
            try:
                last_day = dt.date.fromisoformat(row.get("last_day") or run_day.isoformat())
            except (TypeError, ValueError):
                problems.append(f"{label}: last_day is not a date (YYYY-MM-DD)")
                continue
            if not row.get("username"):
                problems.append(f"{label}: no username")
            elif last_day <= run_day:
                leavers.append(row["username"])
        if problems:
            raise TribooInputError(problems)
        if not leavers:
            # Nobody to deactivate today: skip (the deactivation too), rather than fail.
            raise AirflowSkipException("no leaver whose last day has come")
        return leavers

    TribooDeactivateUsersOperator(task_id="deactivate", usernames=read_leavers(), pool="triboo_api")


example_triboo_offboarding()
