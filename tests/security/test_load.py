"""Two exports in parallel under the real (time-scaled) rate limit share the budget without a
single 429, and a long export survives its token expiring every "minute"."""

from __future__ import annotations

import csv
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from triboo_provider.operators.reports import TribooExportUserProgressOperator
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.sandbox_data import expected_progress, exported_progress

WINDOW = 3.0  # the sandbox's minute, at scale 0.05


def test_parallel_exports_share_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tokens live one window, the longest wait a request can have in the shared budget:
    # they expire many times during the export, and never while a request waits, as a
    # request is signed after its wait.
    sandbox = make_sandbox(users=1100, rate_limits="0.05", token_ttl=int(WINDOW))
    with SandboxServer(sandbox) as server:
        # Two tasks on one API user share one budget of 5 report calls a minute.
        extra = {
            "reports_per_minute": 5,
            "rate_window_seconds": WINDOW,
            "page_size": 100,
            "retry_max_wait": 1,
        }
        monkeypatch.setenv(
            "AIRFLOW_CONN_TRIBOO_DEFAULT",
            json.dumps(
                {
                    "conn_type": "triboo",
                    "host": server.url,
                    "login": "demo-client",
                    "password": "demo-secret",
                    "extra": extra,
                }
            ),
        )

        def export(name: str) -> Any:
            operator = TribooExportUserProgressOperator(
                task_id=name, path=str(tmp_path / f"{name}.csv"), format="csv"
            )
            try:
                return operator.execute({})
            finally:
                operator.post_execute({})

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(export, ["first", "second"]))
        assert sandbox.throttled == 0
        assert len(sandbox.tokens) >= 4  # tokens expired mid-export and were renewed
        expected = expected_progress(server)
        for result in results:
            with Path(result["path"]).open(newline="") as handle:
                assert exported_progress(list(csv.DictReader(handle))) == expected
            assert result["users"] > 1000
