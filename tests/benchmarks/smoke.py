"""Running ``benchmarks.run --smoke`` for some workloads, as the smoke tests do."""

from __future__ import annotations

import subprocess
import sys

from tests.spec_tools import ROOT


def run_smoke(workloads: str, *, timeout: float = 300) -> str:
    """The report ``python -m benchmarks.run --smoke --workloads <workloads>`` prints
    (tiny sizes, one run each); fails the test with its stderr's end if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--workloads", workloads],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout
