"""A real Airflow deployment on one machine, for ``make demo`` and the deployment test.

The processes a production deployment runs, on a throwaway ``AIRFLOW_HOME`` with SQLite:
the API server (its Execution API only, on a free loopback port), the DAG processor and
the scheduler with the LocalExecutor. Runs are triggered with the CLI (``airflow dags
trigger``, no logical date, as a user would) and watched by reading the metadata database
(read-only), which costs no Airflow start-up per poll.

Timings are tuned for a small machine: the scheduler loops every 0.5 s when idle, the DAG
processor parses each file once (the DAG files do not change during a run), and the
executor runs ``parallelism`` tasks at a time.

One deployment choice is not Airflow's default, and is said where it is made: a cluster
policy (``airflow_local_settings.py``) gives the DAGs named in ``manual_only`` no schedule
in this deployment, so that unpausing a scheduled DAG does not also start its catch-up run
for the last interval (``catchup=False`` still runs the latest one) next to the run under
test. A manual run does not depend on the schedule: without a logical date it has no data
interval either way. (Airflow refuses ``allowed_run_types=["manual"]`` on a DAG that has a
schedule.)
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
FINISHED = ("success", "failed")

POLICY = '''"""Cluster policy of this deployment (written by tools/airflow_deployment.py)."""

MANUAL_ONLY = {manual_only!r}


def dag_policy(dag):
    # No schedule for these DAGs here: unpausing them must not start a catch-up run.
    if dag.dag_id in MANUAL_ONLY:
        from airflow.sdk.definitions.timetables.simple import NullTimetable

        dag.timetable = NullTimetable()
'''


class DeploymentError(RuntimeError):
    """The deployment did not start, or a run did not finish in time."""


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class AirflowDeployment:
    """API server (Execution API), DAG processor and scheduler on ``home``; a context manager.

    :param home: the ``AIRFLOW_HOME`` (created; SQLite database, logs and config go there).
    :param dags: the DAGs folder.
    :param env: extra environment for every process (connections, Variables).
    :param parallelism: tasks the LocalExecutor runs at once.
    :param manual_only: DAG ids that get no schedule here (see the module docstring).
    :param pools: pools to create (name to slots) while the processes start.
    """

    def __init__(
        self,
        home: Path,
        dags: Path,
        env: Mapping[str, str] | None = None,
        *,
        parallelism: int = 3,
        manual_only: Iterable[str] = (),
        pools: Mapping[str, int] | None = None,
    ) -> None:
        self.home = home
        self.dags = dags
        self.port = free_port()
        self.parallelism = parallelism
        self.manual_only = sorted(manual_only)
        self.pools = dict(pools or {})
        self.logs = home / "process-logs"
        self.database = home / "airflow.db"
        self._extra = dict(env or {})
        # One secret for this deployment only: the scheduler signs task tokens with it and
        # the API server checks them.
        self._jwt_secret = secrets.token_urlsafe(32)
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._outputs: list[IO[bytes]] = []

    # -- environment ---------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """The environment every Airflow process and CLI call of this deployment gets."""
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
        return {
            **inherited,
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.port}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.database}",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{self.port}",
            "AIRFLOW__API_AUTH__JWT_SECRET": self._jwt_secret,
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "2",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "3600",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "3600",
            "AIRFLOW__DAG_PROCESSOR__PRINT_STATS_INTERVAL": "3600",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            **self._extra,
        }

    def cli(self, *args: str, timeout: float = 180) -> str:
        """Run one ``airflow`` command in this deployment; its standard output."""
        return self.clis([*args], timeout=timeout)[0]

    def clis(self, *commands: list[str], timeout: float = 180) -> list[str]:
        """Run ``airflow`` commands at the same time (each starts Airflow, about 5 s of CPU);
        their standard outputs, in order."""
        env = self.env
        running = [
            subprocess.Popen(  # noqa: S603
                [AIRFLOW, *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for args in commands
        ]
        outputs = []
        problems = []
        for args, process in zip(commands, running, strict=True):
            try:
                out, err = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
            if process.returncode != 0:
                problems.append(
                    f"airflow {' '.join(args[:2])} failed ({process.returncode}):\n"
                    f"{out[-4000:]}{err[-4000:]}"
                )
            outputs.append(out)
        if problems:
            raise DeploymentError("\n".join(problems))
        return outputs

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> AirflowDeployment:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def prepare(self) -> None:
        """The home, the policy and a migrated database (``airflow db migrate``)."""
        (self.home / "config").mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        (self.home / "config" / "airflow_local_settings.py").write_text(
            POLICY.format(manual_only=self.manual_only), encoding="utf-8"
        )
        self.cli("db", "migrate")

    def start(self, *, timeout: float = 120) -> None:
        """Start the three processes; return when the API answers and every DAG is parsed."""
        if not self.database.exists():
            self.prepare()
        self._spawn("api-server", "api-server", "--apps", "execution", "--port", str(self.port))
        self._spawn("dag-processor", "dag-processor")
        # No log server: task logs are files in this home, and it would listen on all
        # interfaces on a fixed port.
        self._spawn("scheduler", "scheduler", "--skip-serve-logs")
        # Tasks of a pool that does not exist yet wait for it: no need to create it first.
        self.clis(*(["pools", "set", name, str(n), name] for name, n in self.pools.items()))
        deadline = time.monotonic() + timeout
        self._wait(self._api_is_up, deadline, "the API server to answer")
        self._wait(self._dags_are_parsed, deadline, "the DAG processor to parse every DAG")

    def stop(self) -> None:
        """Stop every process (its whole process group), scheduler first; idempotent."""
        for name in ("scheduler", "dag-processor", "api-server"):
            process = self._processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for output in self._outputs:
            output.close()
        self._outputs.clear()

    def _spawn(self, name: str, *args: str) -> None:
        output = (self.logs / f"{name}.log").open("ab")
        self._outputs.append(output)
        self._processes[name] = subprocess.Popen(  # noqa: S603
            [AIRFLOW, *args],
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends its children too
        )

    def _wait(self, ready: Any, deadline: float, what: str) -> None:
        while not ready():
            self._check_alive()
            if time.monotonic() > deadline:
                raise DeploymentError(f"timed out waiting for {what}")
            time.sleep(0.3)

    def _check_alive(self) -> None:
        for name, process in self._processes.items():
            if process.poll() is not None:
                raise DeploymentError(f"{name} exited ({process.returncode}): {self.tail(name)}")

    def _api_is_up(self) -> bool:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/execution/health", timeout=2
            ) as answer:
                return bool(answer.status == 200)
        except OSError:
            return False

    def _dags_are_parsed(self) -> bool:
        files = {p.name for p in self.dags.glob("*.py") if not p.name.startswith("_")}
        try:
            rows = self.query(
                "SELECT d.fileloc FROM dag d JOIN serialized_dag s ON s.dag_id = d.dag_id"
                " WHERE NOT d.is_stale"
            )
            errors = self.query("SELECT filename FROM import_error")
        except sqlite3.Error:
            return False
        if errors:
            raise DeploymentError(f"DAG import errors: {[row['filename'] for row in errors]}")
        return files <= {Path(row["fileloc"]).name for row in rows}

    def tail(self, name: str, chars: int = 4000) -> str:
        """The end of one process's output."""
        path = self.logs / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""

    def output(self) -> str:
        """Everything the processes have written (their logs, not the task logs)."""
        return "".join(
            p.read_text(encoding="utf-8", errors="replace") for p in sorted(self.logs.glob("*.log"))
        )

    # -- runs ----------------------------------------------------------------------------

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Rows of a read-only query on the metadata database."""
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(sql, params)]

    def trigger(self, *dag_ids: str, conf: Mapping[str, Any] | None = None) -> list[str]:
        """``airflow dags trigger`` without a logical date, one command per DAG at the same
        time; the new runs' ids."""
        extra = ["--conf", json.dumps(conf)] if conf is not None else []
        outputs = self.clis(*(["dags", "trigger", d, "--output", "json", *extra] for d in dag_ids))
        # Each JSON list is its output's last line: log lines may come before it.
        return [str(json.loads(out.strip().splitlines()[-1])[0]["dag_run_id"]) for out in outputs]

    def run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        (row,) = self.query("SELECT * FROM dag_run WHERE dag_id = ? AND run_id = ?", dag_id, run_id)
        return row

    def wait_for_run(
        self, dag_id: str, run_id: str | None = None, *, timeout: float = 300
    ) -> dict[str, Any]:
        """The run once finished (success or failed); with no ``run_id``, the DAG's first run."""
        deadline = time.monotonic() + timeout
        while True:
            rows = (
                [self.run(dag_id, run_id)]
                if run_id
                else self.query("SELECT * FROM dag_run WHERE dag_id = ? ORDER BY id", dag_id)
            )
            if rows and rows[0]["state"] in FINISHED:
                return rows[0]
            self._check_alive()
            if time.monotonic() > deadline:
                states = self.query(
                    "SELECT task_id, map_index, state, try_number FROM task_instance"
                    " WHERE dag_id = ? ORDER BY task_id, map_index",
                    dag_id,
                )
                raise DeploymentError(
                    f"{dag_id} {run_id or '(first run)'} not finished after {timeout:.0f}s: "
                    f"{rows[0]['state'] if rows else 'no run'}; tasks {states}"
                )
            time.sleep(0.5)

    def wait_for_task(
        self, dag_id: str, run_id: str, task_id: str, *, try_number: int, timeout: float = 120
    ) -> dict[str, Any]:
        """A task instance once its try ``try_number`` has finished (a re-run after a clear)."""
        deadline = time.monotonic() + timeout
        while True:
            rows = self.query(
                "SELECT state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ?"
                " AND task_id = ? AND map_index = -1",
                dag_id,
                run_id,
                task_id,
            )
            if rows and rows[0]["try_number"] >= try_number and rows[0]["state"] in FINISHED:
                return rows[0]
            self._check_alive()
            if time.monotonic() > deadline:
                raise DeploymentError(f"{dag_id}.{task_id} try {try_number}: not finished ({rows})")
            time.sleep(0.5)

    def task_states(self, dag_id: str, run_id: str) -> dict[str, int]:
        """How many task instances of the run ended in each state."""
        rows = self.query(
            "SELECT state, COUNT(*) AS n FROM task_instance WHERE dag_id = ? AND run_id = ?"
            " GROUP BY state",
            dag_id,
            run_id,
        )
        return {str(row["state"]): int(row["n"]) for row in rows}

    def consumed_events(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """The asset events a run was triggered by, with their source and decoded extra."""
        rows = self.query(
            "SELECT a.name AS asset, e.extra, e.source_dag_id, e.source_run_id, e.source_task_id"
            " FROM asset_event e"
            " JOIN dagrun_asset_event de ON de.event_id = e.id"
            " JOIN dag_run r ON r.id = de.dag_run_id"
            " JOIN asset a ON a.id = e.asset_id"
            " WHERE r.dag_id = ? AND r.run_id = ? ORDER BY e.id",
            dag_id,
            run_id,
        )
        for row in rows:
            row["extra"] = json.loads(row["extra"]) if row["extra"] else {}
        return rows

    def xcom(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> Any:
        """A task's return value (XComs are stored as JSON)."""
        rows = self.query(
            "SELECT x.value FROM xcom x JOIN dag_run r ON r.id = x.dag_run_id"
            " WHERE r.dag_id = ? AND r.run_id = ? AND x.task_id = ? AND x.map_index = ?"
            " AND x.key = 'return_value'",
            dag_id,
            run_id,
            task_id,
            map_index,
        )
        if not rows:
            return None
        value = rows[0]["value"]
        return json.loads(value) if isinstance(value, str | bytes) else value
