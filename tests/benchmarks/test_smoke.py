"""The benchmark scripts still run (tiny sizes, one run each). No timing is asserted here:
the targets are checked by `make bench` on full-size workloads."""

from __future__ import annotations

from tests.benchmarks.smoke import run_smoke


def test_benchmarks_run_end_to_end() -> None:
    stdout = run_smoke("1-5", timeout=600)
    for workload in (
        "1. export",
        "2. export throttled",
        "3. bulk enroll",
        "4. create",
        "5. import",
    ):
        assert workload in stdout
    assert "6. daily export DAG" not in stdout
    assert "met: requests = pages + token" in stdout
    assert "met: bulk enroll requests = minimum" in stdout
    assert "met: user creation requests = minimum" in stdout
    # The memory verdict replaced the speed one against HttpOperator.
    assert "export peak RSS <= 1/3 of HttpOperator's (parquet)" in stdout
    assert "faster than HttpOperator" not in stdout
