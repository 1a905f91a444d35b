"""Shared test configuration.

Airflow reads its configuration when first imported: this file, loaded before any test
module, points it at a throwaway home (SQLite) and at this repository's dags/ folder.
Every local server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HOME = tempfile.mkdtemp(prefix="triboo-test-airflow-home-")
os.environ["AIRFLOW_HOME"] = _HOME
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parent.parent / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT"] = "30"
os.environ.pop("AIRFLOW_CONN_TRIBOO_DEFAULT", None)


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    return ("127.0.0.1", 0)
