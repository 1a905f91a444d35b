"""What every benchmark shares: sizes, the sandbox in its own process, one measured
variant run in a fresh process, and series of repeated runs."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-01"


@dataclass
class Sizes:
    users: int = 100_000
    small_users: int = 10_000
    throttled_users: int = 20_000
    enroll_identifiers: int = 10_000
    create_rows: int = 2_000
    runs: int = 3
    scale: float = 0.05  # throttled workload: one server minute lasts 3 s
    dag_users: int = 3_000  # DAG workload: 3,002 users, 4 pages, twice (Parquet, CSV)
    dag_page_size: int = 1_000
    dag_courses: int | None = None  # every course of the catalogue (36)
    dag_scale: float = 0.25  # DAG workload: one server minute lasts 15 s
    dag_runs: int = 3
    sync_users: int = 10_000  # roster sync workload: the organisation's accounts


SMOKE = Sizes(
    users=600,
    small_users=300,
    throttled_users=1_200,
    enroll_identifiers=150,
    create_rows=40,
    runs=1,
    scale=0.02,
    dag_users=300,
    dag_page_size=100,
    dag_courses=1,
    dag_scale=0.02,
    dag_runs=1,
    sync_users=300,
)


@dataclass
class Sandbox:
    url: str
    process: subprocess.Popen[str]

    def counters(self) -> dict[str, int]:
        health: dict[str, int] = httpx.get(f"{self.url}/__sandbox__/health").json()
        return health


@contextmanager
def sandbox(users: int, rate_limits: str = "off") -> Iterator[Sandbox]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triboo_sandbox.cli",
            "serve",
            "--port",
            "0",
            "--users",
            str(users),
            "--rate-limits",
            rate_limits,
            "--today",
            TODAY,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[4]
        yield Sandbox(url, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def measure(server: Sandbox, variant: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    before = server.counters()
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.variants", variant, server.url],
        input=json.dumps(options or {}),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"variant {variant} failed:\n{result.stderr[-4000:]}")
    after = server.counters()
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    measured["requests"] = after["requests"] - before["requests"] + measured["tokens"]
    measured["throttled"] = after["throttled"] - before["throttled"]
    return measured


@dataclass
class Series:
    """Repeated measurements of one variant."""

    name: str
    runs: list[dict[str, Any]] = field(default_factory=list)

    def median(self, key: str) -> float:
        return float(statistics.median(run[key] for run in self.runs))

    def spread(self, key: str, digits: int = 2) -> str:
        values = [run[key] for run in self.runs]
        return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def repeat(
    server: Sandbox, variant: str, runs: int, options: dict[str, Any] | None = None
) -> Series:
    series = Series(variant)
    for _ in range(runs):
        series.runs.append(measure(server, variant, options))
    return series
