"""Review of the example DAGs (issue 15): what a user breaks them with.

Each test states the right behaviour; each failed when written.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.dags.conftest import DAGS
from tests.dags.test_e2e import HIRES, run


def logged(capfd: pytest.CaptureFixture[str]) -> str:
    out, err = capfd.readouterr()
    return out + err


def test_offboarding_logs_no_leavers_username(
    dagbag: Any, live: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    # Why: README "the task log names ... never a person's fields"; read_leavers' return
    # value is logged by the @task ("Done. Returned value was: ['tomas.moreau.11', ...]").
    # The file given in the conf: an earlier dag.test(run_conf=...) in this session leaves
    # its values in the shared DAG's params (a bad leavers file, from test_e2e).
    leavers = str(DAGS / "data" / "leavers.csv")
    dag_run = run(dagbag, "example_triboo_offboarding", "no_logical_date", leavers_path=leavers)
    assert dag_run.state == "success"
    text = logged(capfd)
    assert [name for name in ("tomas.moreau.11", "ivan.park.12") if name in text] == []


def test_onboarding_logs_no_hires_username(
    dagbag: Any, live: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    # Why: same rule; batch_hires' return value (the hires' usernames) is logged by the @task.
    hires = str(DAGS / "data" / "new_hires.csv")
    dag_run = run(dagbag, "example_triboo_onboarding", "no_logical_date", hires_path=hires)
    assert dag_run.state == "success"
    text = logged(capfd)
    assert sorted(name for name in HIRES if name in text) == []
