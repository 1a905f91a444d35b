"""The main job (``make demo``): the example DAGs, end to end, in real Airflow, against the sandbox.

1. start a seeded sandbox on a free loopback port, with the server's rate limits on a
   scaled clock (a "minute" of 3 s) so pacing is real but quick;
2. prepare a throwaway Airflow home in ``.demo/airflow`` (SQLite, the embedded default),
   with the ``triboo_default`` connection, the output Variable and the ``triboo_api`` pool;
3. run ``airflow dags test`` for onboarding, offboarding, the daily progress export and
   the completion DAG, in that order;
4. stop the sandbox (also on failure or Ctrl-C) and print where the reports are.

Every run starts from the same seed and a fresh Airflow home; reports are replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"
AIRFLOW_HOME = DEMO / "airflow"
WAREHOUSE = DEMO / "warehouse"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
RATE_SCALE = 0.05  # one server "minute" lasts 3 seconds
SANDBOX_USERS = 2000


def airflow_env(base_url: str) -> dict[str, str]:
    """The environment every Airflow command of the demo runs with."""
    connection = {
        "conn_type": "triboo",
        "host": base_url,
        "login": "demo-client",
        "password": "demo-secret",
        "extra": {"rate_window_seconds": 60 * RATE_SCALE},
    }
    return {
        **os.environ,
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW_CONN_TRIBOO_DEFAULT": json.dumps(connection),
        "AIRFLOW_VAR_TRIBOO_OUTPUT_BASE": str(WAREHOUSE),
    }


def airflow(env: dict[str, str], *args: str, log: Path | None = None) -> None:
    """Run one Airflow command; its output goes to ``log`` (shown in full on failure)."""
    started = time.monotonic()
    print(f"$ airflow {' '.join(args)}", flush=True)
    result = subprocess.run(  # noqa: S603
        [AIRFLOW, *args], env=env, capture_output=True, text=True, check=False
    )
    if log is not None:
        log.write_text(result.stdout + result.stderr)
    if result.returncode != 0 or "state=failed" in result.stdout + result.stderr:
        sys.stderr.write(result.stdout[-8000:] + result.stderr[-8000:])
        raise SystemExit(f"airflow {args[0]} {args[1] if len(args) > 1 else ''} failed")
    print(f"  done in {time.monotonic() - started:.1f}s", flush=True)


def run_dag(
    env: dict[str, str], dag_id: str, day: dt.date, conf: dict[str, Any] | None = None
) -> None:
    args = ["dags", "test", dag_id, day.isoformat()]
    if conf:
        args += ["--conf", json.dumps(conf)]
    airflow(env, *args, log=DEMO / "logs" / f"{dag_id}.log")


def main(argv: Sequence[str] | None = None) -> int:
    from triboo_sandbox.server import SandboxServer, make_sandbox

    for folder in (AIRFLOW_HOME, WAREHOUSE, DEMO / "logs"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    sandbox = make_sandbox(seed=42, users=SANDBOX_USERS, rate_limits=str(RATE_SCALE))
    with SandboxServer(sandbox) as server:
        print(
            f"sandbox: {server.url} ({len(sandbox.store.users)} users, seed 42, "
            f"rate limits on a {60 * RATE_SCALE:.0f}s minute)",
            flush=True,
        )
        env = airflow_env(server.url)
        airflow(env, "db", "migrate", log=DEMO / "logs" / "db-migrate.log")
        airflow(env, "pools", "set", "triboo_api", "1", "Triboo API: one budget per API user")
        run_dag(env, "example_triboo_onboarding", day)
        run_dag(env, "example_triboo_offboarding", day)
        run_dag(env, "example_triboo_progress_export", day)
        partition = WAREHOUSE / "user_progress" / f"date={day.isoformat()}"
        run_dag(
            env,
            "example_triboo_completion",
            day,
            {"progress_path": str(partition / "user_progress.parquet")},
        )
        store = sandbox.store
        hires = [u for u in store.users.values() if u.username in _hire_names()]
        mandatory = ("course-v1:acme+SEC101+2024_T1", "course-v1:acme+GDPR102+2024_T2")
        enrolled = sum(store.is_enrolled(u.user_id, key) for u in hires for key in mandatory)
        inactive = sum(not u.is_active for u in hires)
    report(day, partition, len(hires), enrolled, inactive)
    return 0


def _hire_names() -> set[str]:
    with (ROOT / "dags" / "data" / "new_hires.csv").open(encoding="utf-8") as handle:
        return {row["username"] for row in csv.DictReader(handle)}


def report(day: dt.date, partition: Path, hires: int, enrolled: int, inactive: int) -> None:
    import pyarrow.parquet as pq

    rows = pq.read_metadata(partition / "user_progress.parquet").num_rows
    courses = sorted((WAREHOUSE / "course_progress" / f"date={day.isoformat()}").glob("*.parquet"))
    course_rows = sum(pq.read_metadata(path).num_rows for path in courses)
    print(
        f"\nonboarding: {hires} new hires present, {enrolled} mandatory enrollments; "
        f"offboarding: {inactive} of them deactivated"
    )
    where = partition.relative_to(ROOT)
    print(f"user progress: {rows} rows -> {where}/user_progress.parquet (+ CSV, badges)")
    print(f"course progress: {len(courses)} course files, {course_rows} rows for {day}")
    with (partition / "completion.csv").open(encoding="utf-8") as handle:
        completion = list(csv.DictReader(handle))
    print(f"\n{'course':<40} {'enrolled':>8} {'completed':>9}")
    for row in completion[:10]:
        rate = float(row["completion_rate"])
        print(f"{row['course_title'][:40]:<40} {row['enrolled']:>8} {rate:>9.0%}")
    if len(completion) > 10:
        print(f"... {len(completion) - 10} more courses in {where}/completion.csv")
    logs = (DEMO / "logs").relative_to(ROOT)
    print(f"\nreports: {WAREHOUSE.relative_to(ROOT)}/   task logs: {logs}/")


if __name__ == "__main__":
    raise SystemExit(main())
