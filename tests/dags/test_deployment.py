"""The example DAGs in a real deployment: Airflow's API server (Execution API), DAG
processor and scheduler (LocalExecutor) on a throwaway home and SQLite, the sandbox on
loopback.

Runs are triggered as a user does (``airflow dags trigger``, no logical date); the
completion DAG is started by the scheduler from the export's asset event.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.dags.conftest import DAGS
from tools.airflow_deployment import AirflowDeployment

EXPORT = "example_triboo_progress_export"
COMPLETION = "example_triboo_completion"
ONBOARDING = "example_triboo_onboarding"
OFFBOARDING = "example_triboo_offboarding"


@pytest.fixture
def deployment(tmp_path: Path) -> Any:
    from triboo_sandbox.server import SandboxServer, make_sandbox

    with SandboxServer(make_sandbox(users=50)) as server:
        connection = {
            "conn_type": "triboo",
            "host": server.url,
            "login": "demo-client",
            "password": "demo-secret",
            "extra": {"users_per_minute": 0, "reports_per_minute": 0, "bulk_enroll_per_minute": 0},
        }
        env = {
            "AIRFLOW_CONN_TRIBOO_DEFAULT": json.dumps(connection),
            "AIRFLOW_VAR_TRIBOO_OUTPUT_BASE": str(tmp_path / "warehouse"),
        }
        # Two pool slots: the sandbox's rate limits are off here, so no budget is shared.
        with AirflowDeployment(
            tmp_path / "airflow",
            DAGS,
            env,
            parallelism=3,
            # The roster sync's daily timetable would run it at once when unpaused.
            manual_only=[EXPORT, "example_triboo_roster_sync"],
            pools={"triboo_api": 2},
        ) as running:
            running.sandbox = server.sandbox  # type: ignore[attr-defined]
            running.warehouse = tmp_path / "warehouse"  # type: ignore[attr-defined]
            yield running


def test_triggered_runs_and_the_asset_triggered_completion(deployment: Any) -> None:
    started = time.monotonic()
    export_id, onboarding_id, offboarding_id = deployment.trigger(EXPORT, ONBOARDING, OFFBOARDING)

    export = deployment.wait_for_run(EXPORT, export_id, timeout=300)
    assert export["state"] == "success", deployment.task_states(EXPORT, export_id)
    assert export["logical_date"] is None
    assert export["data_interval_start"] is None
    # snapshot_day, the three exports, course_keys and 36 course exports.
    assert deployment.task_states(EXPORT, export_id) == {"success": 1 + 3 + 1 + 36}
    # A run without a logical date exports the UTC day before it was triggered.
    run_after = dt.datetime.fromisoformat(export["run_after"])
    day = (run_after.date() - dt.timedelta(days=1)).isoformat()
    warehouse = deployment.warehouse
    parquet = warehouse / "user_progress" / f"date={day}" / "user_progress.parquet"
    rows = pq.read_metadata(parquet).num_rows
    assert rows > 0
    for name in ("user_progress_csv/{}/user_progress.csv", "badges/{}/badges.parquet"):
        assert (warehouse / name.format(f"date={day}")).is_file()
    assert (warehouse / "courses" / f"date={day}" / "courses.parquet").is_file()
    assert len(list((warehouse / "course_progress" / f"date={day}").glob("*.parquet"))) == 36
    assert deployment.xcom(EXPORT, export_id, "course_progress", 0)["path"].startswith(
        str(warehouse / "course_progress" / f"date={day}")
    )

    # The completion DAG was started by the asset event, not by a trigger.
    completion = deployment.wait_for_run(COMPLETION, timeout=120)
    assert completion["run_type"] == "asset_triggered"
    assert completion["state"] == "success"
    (event,) = deployment.consumed_events(COMPLETION, completion["run_id"])
    assert event["asset"] == "triboo_user_progress"
    assert (event["source_dag_id"], event["source_run_id"], event["source_task_id"]) == (
        EXPORT,
        export_id,
        "user_progress_parquet",
    )
    assert event["extra"] == {"path": str(parquet), "rows": rows}
    completion_csv = warehouse / "completion" / f"date={day}" / "completion.csv"
    assert completion_csv.is_file()
    assert len(completion_csv.read_text().splitlines()) == 1 + 36

    onboarding = deployment.wait_for_run(ONBOARDING, onboarding_id)
    assert onboarding["state"] == "success"
    assert deployment.xcom(ONBOARDING, onboarding_id, "summary")["users_created"] == 6
    offboarding = deployment.wait_for_run(OFFBOARDING, offboarding_id)
    assert offboarding["state"] == "success"
    assert deployment.xcom(OFFBOARDING, offboarding_id, "deactivate") == {
        "rows": 3,
        "user_deactivated": 1,
        "user_already_inactive": 1,
        "user_not_found": 1,
    }
    print(f"\ntriggered runs and the asset-triggered completion: {time.monotonic() - started:.0f}s")

    # What the scheduler and the tasks logged: no missing XCom, no undefined template.
    logs = deployment.output() + "".join(
        p.read_text(errors="replace") for p in (deployment.home / "logs").rglob("*.log")
    )
    assert "XCom not found" not in logs
    assert "is undefined" not in logs
