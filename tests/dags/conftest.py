"""A migrated metadata database (SQLite in the test Airflow home) and the parsed DAGs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

DAGS = Path(__file__).resolve().parent.parent.parent / "dags"


@pytest.fixture(scope="session")
def airflow_db() -> None:
    from airflow.utils.db import initdb

    initdb()


@pytest.fixture(scope="session")
def dagbag(airflow_db: None) -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@contextmanager
def wired_sandbox(users: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A sandbox of ``users`` (seed 42) wired to triboo_default with the client's pacing
    off, and an output folder (``server.warehouse``) in the Variable."""
    from triboo_sandbox.server import SandboxServer, make_sandbox

    with SandboxServer(make_sandbox(users=users, today=dt.date(2026, 11, 1))) as server:
        connection = {
            "conn_type": "triboo",
            "host": server.url,
            "login": "demo-client",
            "password": "demo-secret",
            "extra": {"users_per_minute": 0, "reports_per_minute": 0, "bulk_enroll_per_minute": 0},
        }
        monkeypatch.setenv("AIRFLOW_CONN_TRIBOO_DEFAULT", json.dumps(connection))
        monkeypatch.setenv("AIRFLOW_VAR_TRIBOO_OUTPUT_BASE", str(tmp_path / "warehouse"))
        server.warehouse = tmp_path / "warehouse"  # type: ignore[attr-defined]
        yield server


@pytest.fixture
def live(airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A sandbox of 200 users wired to triboo_default (:func:`wired_sandbox`)."""
    with wired_sandbox(200, tmp_path, monkeypatch) as server:
        yield server
