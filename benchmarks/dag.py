"""Workload 6: the daily export DAG as Airflow runs it, under the server's limits.

The tasks of ``example_triboo_progress_export`` (user progress to Parquet with badges
and to CSV, over several pages; the catalogue; then one course-progress task per course)
each run in a fresh process (:mod:`benchmarks.dag_task`), through a pool of two slots
(at most two task processes at once), in the DAG's order: the catalogue first (its
downstream tasks weigh most), then the user progress tasks, then the course tasks as
soon as the catalogue has named them. The scheduler here starts a task the moment a slot
is free; Airflow's own scheduler adds its loop's latency on top.

The sandbox counts the requests it answered and the 429s it sent. The bound is what the
limits allow: the server admits at most ``limit`` requests of an API user in any window,
so ``N`` accepted report requests span at least ``(ceil(N / limit) - 1)`` windows from
the first to the last; before the first, a task process starts (imports, token) and
after the last it writes its file and exits, which together take one course-progress
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

    def run(self) -> None:
        """Run every task (in a thread of its own: a failure is kept in ``error``, and
        the tasks running then are waited for, as Airflow lets them finish)."""
        ready = deque(self.first_tasks())
        running: dict[subprocess.Popen[str], Task] = {}
        started = time.perf_counter()
        while ready or running:
            while ready and len(running) < self.slots:
                task = ready.popleft()
                running[spawn(task, self.url, self.extra)] = task
            done = next((p for p in running if p.poll() is not None), None)
            if done is None:
                time.sleep(0.01)
                continue
            task = running.pop(done)
            out, err = done.communicate()
            if done.returncode != 0:
                self.error = self.error or f"task {task.name} failed:\n{err[-4000:]}"
                ready.clear()
                continue
            result = json.loads(out.strip().splitlines()[-1])
            self.results.setdefault(task.name, []).append(result)
            if task.name == "courses":
                ready.extend(self.mapped(result["course_ids"]))
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


def spawn(task: Task, url: str, extra: dict[str, Any]) -> subprocess.Popen[str]:
    env = {**os.environ, "AIRFLOW_CONN_TRIBOO_DEFAULT": connection(url, extra)}
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.dag_task"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps({"task": task.name, "kwargs": task.kwargs}))
    process.stdin.close()
    process.stdin = None  # communicate() must not flush a closed pipe
    return process


def one_task_alone(server: Sandbox, extra: dict[str, Any], folder: Path) -> float:
    """Wall time of one course-progress task process, spawn to exit, nothing else running."""
    run = DagRun(server.url, folder, extra)
    task = run.mapped(["course-v1:acme+ETH103+2024_T3"])[0]
    started = time.perf_counter()
    process = spawn(task, server.url, extra)
    _, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"course_progress failed:\n{err[-4000:]}")
    return time.perf_counter() - started


def extras(sizes: Sizes) -> dict[str, Any]:
    """The connection's extras: the server's limits on the scaled minute."""
    return {
        "reports_per_minute": REPORT_LIMIT,
        "users_per_minute": 20,
        "rate_window_seconds": 60 * sizes.dag_scale,
        "page_size": sizes.dag_page_size,
    }


def measure_runs(server: Sandbox, sizes: Sizes, runs_at_once: int, alone: float) -> dict[str, Any]:
    """``runs_at_once`` DAG runs started together, on one API user, each with its own pool."""
    before = server.counters()
    extra, window = extras(sizes), 60 * sizes.dag_scale
    with tempfile.TemporaryDirectory() as folder:
        dag_runs = [
            DagRun(server.url, Path(folder, f"run{n}"), extra, courses=sizes.dag_courses)
            for n in range(runs_at_once)
        ]
        threads = [threading.Thread(target=run.run) for run in dag_runs]
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
    each."""
    window = 60 * sizes.dag_scale
    results: dict[str, Any] = {"window": window, "users": sizes.dag_users}
    with (
        sandbox(sizes.dag_users, rate_limits=str(sizes.dag_scale)) as server,
        tempfile.TemporaryDirectory() as folder,
    ):
        # At most three requests in a fresh window: none waits, on either side.
        alone = statistics.median(
            one_task_alone(server, extras(sizes), Path(folder)) for _ in range(sizes.runs)
        )
        results["alone"] = alone
        for runs_at_once, key in ((1, "one"), (2, "two")):
            series = Series(f"dag x{runs_at_once}")
            for _ in range(sizes.dag_runs):
                time.sleep(window + 0.5)  # the history of the previous run has expired
                series.runs.append(measure_runs(server, sizes, runs_at_once, alone))
                print(
                    f"    {series.name}: wall {series.runs[-1]['wall']:.1f} s, "
                    f"bound {series.runs[-1]['bound']:.1f} s, "
                    f"429s {series.runs[-1]['throttled']}",
                    file=sys.stderr,
                    flush=True,
                )
            results[key] = series
    return results
