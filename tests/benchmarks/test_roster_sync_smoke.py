"""Workload 7 (roster sync) still runs: a 300-account organisation with one change of each
kind, once. Requests are exact at any size, so they are asserted; timings are not (the
targets are checked by `make bench` on the 10 000-account workload)."""

from __future__ import annotations

from tests.benchmarks.smoke import run_smoke


def test_roster_sync_benchmark_runs_end_to_end() -> None:
    stdout = run_smoke("7")
    assert "7. roster sync, 300 accounts" in stdout
    assert "1 create, 1 update, 1 deactivate, 1 reactivate" in stdout
    assert "met: roster sync applies the churn, then plans nothing" in stdout
    assert "met: roster sync requests = minimum" in stdout
    assert "met: roster sync rerun requests = token + pages" in stdout
    assert "met: roster sync: no 429" in stdout
