"""Offboarding: leavers from an HR extract lose LMS access (deactivated, never deleted).

read_leavers -> deactivate. Unknown and already inactive accounts are reported in the
task's XCom, not failures, so the DAG can run every day on a cumulative extract.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from airflow.sdk import dag, task
from triboo_provider.operators.users import TribooDeactivateUsersOperator

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
    params={"leavers_path": LEAVERS},
    doc_md=__doc__,
)
def example_triboo_offboarding() -> None:
    @task
    def read_leavers(params: dict[str, Any] | None = None) -> list[str]:
        """Usernames of people whose last day has passed."""
        from triboo_provider.inputs import load_rows

        rows, _ = load_rows((params or {})["leavers_path"])
        today = dt.date.today().isoformat()
        return [row["username"] for row in rows if row.get("last_day", today) <= today]

    TribooDeactivateUsersOperator(task_id="deactivate", usernames=read_leavers(), pool="triboo_api")


example_triboo_offboarding()
