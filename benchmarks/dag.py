"""Workload 6: the daily export DAG as Airflow runs it, under the server's limits.

The tasks of ``example_triboo_progress_export`` (user progress to Parquet with badges
and to CSV, over several pages; the catalogue; then one course-progress task per course)
each run in a process of its own, through a pool of two slots (at most two task
processes at once), in the DAG's order: the catalogue first (its downstream tasks weigh
most), then the user progress tasks, then the course tasks as soon as the catalogue has
named them. As in Airflow 3 (LocalExecutor, then the supervisor), each slot is a worker
process that has imported Airflow and forks one task process per task, which imports the
provider, reads the connection from the environment and runs the operator
(:mod:`benchmarks.dag_task`): no client, budget or token lives longer than its task.
The scheduler here starts a task the moment a slot is free; Airflow's own scheduler
adds its loop's latency on top.

The sandbox counts the requests it answered and the 429s it sent. The bound is what the
limits allow: the server admits at most ``limit`` requests of an API user in any window,
so ``N`` accepted report requests span at least ``(ceil(N / limit) - 1)`` windows from
the first to the last; before the first, a task process starts (imports the provider,
gets a token) and after the last it writes its file and exits, which together take one course-progress
task's wall time when it runs alone (measured in the same run). Bound = ``(ceil(N /
limit) - 1) * window + one task alone``.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import ROOT, Sandbox, Series, Sizes, sandbox

REPORT_LIMIT = 10  # the server's reports and courses limit a minute, on one shared history
DAY, NEXT_DAY = "2026-10-31", "2026-11-01"


@dataclass
class Task:
    name: str
    kwargs: dict[str, Any]


@dataclass
class DagRun:
    """One run of the DAG: its tasks through a pool of ``slots`` processes."""

    url: str
    folder: Path
    extra: dict[str, Any]
    slots: int = 2
    courses: int | None = None  # map over the first N courses only (smoke runs)
    results: dict[str, Any] = field(default_factory=dict)
    wall: float = 0.0
    error: str = ""  # the first failed task's name and stderr's end

    def first_tasks(self) -> list[Task]:
        base = f"{self.folder}/{{}}/date={DAY}"
        return [
            Task("courses", {"path": f"{base.format('courses')}/courses.parquet"}),
            Task(
                "user_progress_parquet",
                {
                    "path": f"{base.format('user_progress')}/user_progress.parquet",
                    "badges_path": f"{base.format('badges')}/badges.parquet",
                },
            ),
            Task(
                "user_progress_csv",
                {"path": f"{base.format('user_progress_csv')}/user_progress.csv", "format": "csv"},
            ),
        ]

    def mapped(self, course_ids: list[str]) -> list[Task]:
        folder = f"{self.folder}/course_progress/date={DAY}"
        return [
            Task(
                "course_progress",
                {"course_id": key, "output_dir": folder, "from_date": DAY, "to_date": NEXT_DAY},
            )
            for key in course_ids[: self.courses]
        ]

    def run(self, workers: list[Worker]) -> None:
        """Run every task, one at a time on each of ``workers`` (the pool's slots). In a
        thread of its own: a failure is kept in ``error``, no task starts after it, and
        the tasks running then finish, as in Airflow."""
        ready = deque(self.first_tasks())
        running = 0
        changed = threading.Condition()

        def slot(worker: Worker) -> None:
            nonlocal running
            while True:
                with changed:
                    while not ready and running:
                        changed.wait()
                    if not ready:
                        return
                    task = ready.popleft()
                    running += 1
                answer = worker.run(task)
                with changed:
                    running -= 1
                    if "error" in answer:
                        self.error = self.error or f"task {task.name} failed:\n{answer['error']}"
                        ready.clear()
                    else:
                        self.results.setdefault(task.name, []).append(answer["result"])
                        if task.name == "courses":
                            ready.extend(self.mapped(answer["result"]["course_ids"]))
                    changed.notify_all()

        threads = [threading.Thread(target=slot, args=(worker,)) for worker in workers]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.wall = time.perf_counter() - started


def connection(url: str, extra: dict[str, Any]) -> str:
    return json.dumps(
        {
            "conn_type": "triboo",
            "host": url,
            "login": "demo-client",
            "password": "demo-secret",
            "extra": extra,
        }
    )


class Worker:
    """One executor slot: a :mod:`benchmarks.dag_task` process that forks a task process
    per task. Started before the clock, as an executor's workers are up before a run."""

    def __init__(self, url: str, extra: dict[str, Any], log: Path) -> None:
        env = {**os.environ, "AIRFLOW_CONN_TRIBOO_DEFAULT": connection(url, extra)}
        self._log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.dag_task"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,  # a file: task logs must never fill a pipe nobody reads
            text=True,
            cwd=ROOT,
            env=env,
        )

    def wait_ready(self) -> None:
        """Wait until the worker has imported Airflow."""
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != '{"ready": true}':
            raise SystemExit(f"the worker did not start; its log: {self._log.name}")

    def run(self, task: Task) -> dict[str, Any]:
        """Run ``task`` in a new task process; ``{"result": XCom}`` or ``{"error": text}``."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps({"task": task.name, "kwargs": task.kwargs}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            return {"error": f"the worker died; its log: {self._log.name}"}
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)
        if self.process.stdout:
            self.process.stdout.close()
        self._log.close()


def one_task_alone(worker: Worker, url: str, extra: dict[str, Any], folder: Path) -> float:
    """Wall time of one course-progress task on a ready worker (its process forked, to
    its exit), nothing else running."""
    run = DagRun(url, folder, extra)
    task = run.mapped(["course-v1:acme+ETH103+2024_T3"])[0]
    started = time.perf_counter()
    answer = worker.run(task)
    took = time.perf_counter() - started
    if "error" in answer:
        raise SystemExit(f"course_progress failed:\n{answer['error']}")
    return took


def extras(sizes: Sizes) -> dict[str, Any]:
    """The connection's extras: the server's limits on the scaled minute."""
    return {
        "reports_per_minute": REPORT_LIMIT,
        "users_per_minute": 20,
        "rate_window_seconds": 60 * sizes.dag_scale,
        "page_size": sizes.dag_page_size,
    }


def measure_runs(
    server: Sandbox, sizes: Sizes, pools: list[list[Worker]], alone: float
) -> dict[str, Any]:
    """One DAG run per pool of workers, started together, all on one API user."""
    before = server.counters()
    extra, window = extras(sizes), 60 * sizes.dag_scale
    with tempfile.TemporaryDirectory() as folder:
        dag_runs = [
            DagRun(server.url, Path(folder, f"run{n}"), extra, len(pool), sizes.dag_courses)
            for n, pool in enumerate(pools)
        ]
        threads = [
            threading.Thread(target=run.run, args=(pool,))
            for run, pool in zip(dag_runs, pools, strict=True)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        for run in dag_runs:
            if run.error:
                raise SystemExit(run.error)
    after = server.counters()
    throttled = after["throttled"] - before["throttled"]
    accepted = after["requests"] - before["requests"] - throttled
    tasks = sum(len(r) for run in dag_runs for r in run.results.values())
    bound = (math.ceil(accepted / REPORT_LIMIT) - 1) * window + alone
    return {
        "wall": wall,
        "requests": accepted,
        "throttled": throttled,
        "tasks": tasks,
        "alone": alone,
        "bound": bound,
        "ratio": wall / bound,
    }


def dag_workload(sizes: Sizes) -> dict[str, Any]:
    """One DAG run, then two at once, ``sizes.dag_runs`` times each; a fresh window before
    each. Two pools of two workers (one per DAG run) start once, as an executor's."""
    window = 60 * sizes.dag_scale
    results: dict[str, Any] = {"window": window, "users": sizes.dag_users}
    with (
        sandbox(sizes.dag_users, rate_limits=str(sizes.dag_scale)) as server,
        tempfile.TemporaryDirectory() as folder,
    ):
        extra = extras(sizes)
        pools = [
            [Worker(server.url, extra, Path(folder, f"worker{n}.log")) for n in pair]
            for pair in ((0, 1), (2, 3))
        ]
        try:
            for worker in pools[0] + pools[1]:
                worker.wait_ready()
            # At most three requests in a fresh window: none waits, on either side.
            alone = statistics.median(
                one_task_alone(pools[0][0], server.url, extra, Path(folder))
                for _ in range(sizes.runs)
            )
            results["alone"] = alone
            for runs_at_once, key in ((1, "one"), (2, "two")):
                series = Series(f"dag x{runs_at_once}")
                for _ in range(sizes.dag_runs):
                    time.sleep(window + 0.5)  # the history of the previous run has expired
                    series.runs.append(measure_runs(server, sizes, pools[:runs_at_once], alone))
                    print(
                        f"    {series.name}: wall {series.runs[-1]['wall']:.1f} s, "
                        f"bound {series.runs[-1]['bound']:.1f} s, "
                        f"429s {series.runs[-1]['throttled']}",
                        file=sys.stderr,
                        flush=True,
                    )
                results[key] = series
        finally:
            for worker in pools[0] + pools[1]:
                worker.close()
    return results
