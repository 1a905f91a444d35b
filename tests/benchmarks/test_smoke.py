"""The benchmark scripts still run (tiny sizes, one run each). No timing is asserted here:
the targets are checked by `make bench` on full-size workloads."""

from __future__ import annotations

import subprocess
import sys

from tests.spec_tools import ROOT


def test_benchmarks_run_end_to_end() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--workloads", "1-5"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    for workload in (
        "1. export",
        "2. export throttled",
        "3. bulk enroll",
        "4. create",
        "5. import",
    ):
        assert workload in result.stdout
    assert "6. daily export DAG" not in result.stdout
    assert "met: requests = pages + token" in result.stdout
    assert "met: bulk enroll requests = minimum" in result.stdout
    assert "met: user creation requests = minimum" in result.stdout
    # The memory verdict replaced the speed one against HttpOperator.
    assert "export peak RSS <= 1/3 of HttpOperator's (parquet)" in result.stdout
    assert "faster than HttpOperator" not in result.stdout
