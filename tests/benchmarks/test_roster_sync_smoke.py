"""Workload 7 (roster sync) still runs: a 300-account organisation with one change of each
kind, once. Requests are exact at any size, so they are asserted; timings are not (the
targets are checked by `make bench` on the 10 000-account workload)."""

from __future__ import annotations

import subprocess
import sys

from tests.spec_tools import ROOT


def test_roster_sync_benchmark_runs_end_to_end() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--workloads", "7"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "7. roster sync, 300 accounts" in result.stdout
    assert "1 create, 1 update, 1 deactivate, 1 reactivate" in result.stdout
    assert "met: roster sync applies the churn, then plans nothing" in result.stdout
    assert "met: roster sync requests = minimum" in result.stdout
    assert "met: roster sync rerun requests = token + pages" in result.stdout
    assert "met: roster sync: no 429" in result.stdout
