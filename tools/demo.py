"""The main job (``make demo``): the example DAGs, end to end, in a real Airflow deployment.

1. start a seeded sandbox on a free loopback port, with the server's rate limits on a
   scaled clock (a "minute" of 3 s) so pacing is real but quick;
2. start Airflow as it runs in production, on a throwaway home in ``.demo/airflow``
   (SQLite): the API server (Execution API only, on a free loopback port), the DAG
   processor and the scheduler (LocalExecutor), with the ``triboo_default`` connection,
   the output Variable and the ``triboo_api`` pool (one slot);
3. trigger onboarding, offboarding and the progress export as a user does (``airflow dags
   trigger``, no logical date); the completion DAG is started by the export's asset
   event, as in production; then the roster sync, once as a dry run and once applied;
4. stop Airflow and the sandbox (also on failure, Ctrl-C or SIGTERM) and print what
   happened, where the reports are, and how many 429 answers the sandbox sent (target 0:
   every task process paces on the API user's budget, shared through the default SQLite
   store).

Every run starts from the same seed and a fresh Airflow home; reports are replaced. A
manual run without a logical date exports the UTC day before today.
"""

from __future__ import annotations

import csv
import json
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"
AIRFLOW_HOME = DEMO / "airflow"
WAREHOUSE = DEMO / "warehouse"
RATE_SCALE = 0.05  # one server "minute" lasts 3 seconds
SANDBOX_USERS = 2000
EXPORT = "example_triboo_progress_export"
COMPLETION = "example_triboo_completion"
ONBOARDING = "example_triboo_onboarding"
OFFBOARDING = "example_triboo_offboarding"
ROSTER_SYNC = "example_triboo_roster_sync"


def airflow_env(base_url: str) -> dict[str, str]:
    """What the demo adds to the deployment's environment: the connection and the Variable."""
    connection = {
        "conn_type": "triboo",
        "host": base_url,
        "login": "demo-client",
        "password": "demo-secret",
        "extra": {"rate_window_seconds": 60 * RATE_SCALE},
    }
    return {
        "AIRFLOW_CONN_TRIBOO_DEFAULT": json.dumps(connection),
        "AIRFLOW_VAR_TRIBOO_OUTPUT_BASE": str(WAREHOUSE),
    }


def deployment(base_url: str) -> Any:
    from tools.airflow_deployment import AirflowDeployment

    # The export and the roster sync get no schedule in this deployment: unpausing them
    # would also start the run of their last tick next to the triggered one
    # (tools/airflow_deployment.py).
    return AirflowDeployment(
        AIRFLOW_HOME,
        ROOT / "dags",
        airflow_env(base_url),
        parallelism=3,
        manual_only=[EXPORT, ROSTER_SYNC],
        pools={"triboo_api": 1},
    )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    from triboo_sandbox.server import SandboxServer, make_sandbox

    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.monotonic()
    for folder in (AIRFLOW_HOME, WAREHOUSE):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    sandbox = make_sandbox(seed=42, users=SANDBOX_USERS, rate_limits=str(RATE_SCALE))
    with SandboxServer(sandbox) as server:
        print(
            f"sandbox: {server.url} ({len(sandbox.store.users)} users, seed 42, "
            f"rate limits on a {60 * RATE_SCALE:.0f}s minute)",
            flush=True,
        )
        with deployment(server.url) as airflow:
            print(
                f"airflow: scheduler, DAG processor and API server up in "
                f"{time.monotonic() - started:.0f}s (home {AIRFLOW_HOME.relative_to(ROOT)})",
                flush=True,
            )
            export_id, onboarding_id, offboarding_id = airflow.trigger(
                EXPORT, ONBOARDING, OFFBOARDING
            )
            print(f"triggered {EXPORT}, {ONBOARDING}, {OFFBOARDING} (no logical date)", flush=True)
            sync = roster_sync(airflow)
            runs = {
                dag_id: airflow.wait_for_run(dag_id, run_id, timeout=300)
                for dag_id, run_id in (
                    (ONBOARDING, onboarding_id),
                    (OFFBOARDING, offboarding_id),
                    (EXPORT, export_id),
                )
            }
            runs[COMPLETION] = airflow.wait_for_run(COMPLETION, timeout=120)
            for dag_id, run in runs.items():
                states = airflow.task_states(dag_id, run["run_id"])
                print(f"  {dag_id}: {run['state']} ({run['run_type']}; tasks {states})")
            failed = [dag_id for dag_id, run in runs.items() if run["state"] != "success"]
            if failed:
                print(airflow.tail("scheduler"), file=sys.stderr)
                raise SystemExit(f"failed: {', '.join(failed)}; task logs in {airflow.home}/logs")
            summary = airflow.xcom(ONBOARDING, onboarding_id, "summary")
            leavers = airflow.xcom(OFFBOARDING, offboarding_id, "deactivate")
            (event,) = airflow.consumed_events(COMPLETION, runs[COMPLETION]["run_id"])
    report(summary, leavers, event, time.monotonic() - started)
    print(sync)
    print(throttled_line(sandbox.requests, sandbox.throttled))
    return 0


def roster_sync(airflow: Any) -> str:
    """The roster sync run once as a dry run, then applied; its plan's counts as a line."""
    results = []
    for dry_run in (True, False):
        (run_id,) = airflow.trigger(ROSTER_SYNC, conf={"dry_run": dry_run})
        run = airflow.wait_for_run(ROSTER_SYNC, run_id, timeout=300)
        if run["state"] != "success":
            raise SystemExit(f"failed: {ROSTER_SYNC}; task logs in {airflow.home}/logs")
        results.append(airflow.xcom(ROSTER_SYNC, run_id, "sync"))
    planned = ", ".join(f"{n} {action}" for action, n in results[0]["planned"].items())
    applied = ", ".join(f"{n} {outcome}" for outcome, n in results[1]["applied"].items() if n)
    where = Path(results[1]["plan_path"]).relative_to(ROOT)
    return f"roster sync: planned (dry run) {planned}\n  applied: {applied} -> {where}"


def throttled_line(requests: int, throttled: int) -> str:
    """What the sandbox counted over the run: every API request it answered, and the 429s
    its rate limiter sent (target 0: every task paces on the API user's shared budget)."""
    verdict = "none" if throttled == 0 else f"{throttled} (target 0: see the task logs)"
    return f"sandbox: {requests} API requests answered; 429 (rate limited) answers: {verdict}"


def report(
    summary: dict[str, int], leavers: dict[str, int], event: dict[str, Any], took: float
) -> None:
    import pyarrow.parquet as pq

    partition = Path(event["extra"]["path"]).parent
    day = partition.name.removeprefix("date=")
    rows = pq.read_metadata(partition / "user_progress.parquet").num_rows
    courses = sorted((WAREHOUSE / "course_progress" / f"date={day}").glob("*.parquet"))
    course_rows = sum(pq.read_metadata(path).num_rows for path in courses)
    print(
        f"\nonboarding: {summary['users_created']} created, {summary['users_skipped']} skipped, "
        f"{summary['enrolled']} mandatory enrollments ({summary['already_enrolled']} already)"
    )
    print(
        f"offboarding: {leavers.get('user_deactivated', 0)} deactivated, "
        f"{leavers.get('user_already_inactive', 0)} already inactive, "
        f"{leavers.get('user_not_found', 0)} unknown"
    )
    where = partition.relative_to(ROOT)
    print(f"user progress: {rows} rows -> {where}/user_progress.parquet (+ CSV, badges)")
    print(f"course progress: {len(courses)} course files, {course_rows} rows for {day}")
    print(
        f"completion: started by the asset event of {event['source_dag_id']}."
        f"{event['source_task_id']} (extra: rows={event['extra']['rows']})"
    )
    completion_csv = WAREHOUSE / "completion" / f"date={day}" / "completion.csv"
    with completion_csv.open(encoding="utf-8") as handle:
        completion = list(csv.DictReader(handle))
    print(f"\n{'course':<40} {'enrolled':>8} {'completed':>9}")
    for row in completion[:10]:
        rate = float(row["completion_rate"])
        print(f"{row['course_title'][:40]:<40} {row['enrolled']:>8} {rate:>9.0%}")
    if len(completion) > 10:
        print(f"... {len(completion) - 10} more courses in {completion_csv.relative_to(ROOT)}")
    logs = (AIRFLOW_HOME / "logs").relative_to(ROOT)
    print(f"\nreports: {WAREHOUSE.relative_to(ROOT)}/   task logs: {logs}/   took {took:.0f}s")


if __name__ == "__main__":
    raise SystemExit(main())
