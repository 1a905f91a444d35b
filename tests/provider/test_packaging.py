"""The provider as Airflow sees it: entry point, provider info, connection form, light imports."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import airflow
import jsonschema
import pytest
from triboo_provider.get_provider_info import get_provider_info

AIRFLOW_DIR = Path(airflow.__file__).parent


def test_entry_point_points_at_get_provider_info() -> None:
    (point,) = [
        p
        for p in entry_points(group="apache_airflow_provider")
        if p.value.startswith("triboo_provider")
    ]
    assert point.load() is get_provider_info
    assert point.dist is not None
    assert point.dist.name == get_provider_info()["package-name"] == "airflow-provider-triboo"


def test_provider_info_matches_airflows_schemas() -> None:
    info = get_provider_info()
    jsonschema.validate(info, json.loads((AIRFLOW_DIR / "provider_info.schema.json").read_text()))
    yaml_schema = json.loads((AIRFLOW_DIR / "provider.yaml.schema.json").read_text())
    jsonschema.validate(info["connection-types"], yaml_schema["properties"]["connection-types"])


def test_every_named_class_and_module_imports() -> None:
    info = get_provider_info()
    for connection in info["connection-types"]:
        module, _, name = connection["hook-class-name"].rpartition(".")
        hook = getattr(importlib.import_module(module), name)
        assert hook.conn_type == connection["connection-type"]
        assert hook.conn_name_attr == "triboo_conn_id"
        assert "triboo_conn_id" in hook.__init__.__code__.co_varnames
    for group in ("hooks", "operators"):
        for entry in info[group]:
            for module in entry["python-modules"]:
                importlib.import_module(module)


def test_connection_fields_are_the_hooks_settings() -> None:
    from triboo_provider.hooks.triboo import TribooSettings

    (connection,) = get_provider_info()["connection-types"]
    fields = set(TribooSettings.__dataclass_fields__) - {"base_url", "client_id", "client_secret"}
    assert set(connection["conn-fields"]) == fields
    for name, field in connection["conn-fields"].items():
        assert field["schema"]["default"] == TribooSettings.__dataclass_fields__[name].default


@pytest.mark.slow_subprocess
def test_airflow_providers_list_shows_it(tmp_path: Path) -> None:
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path)}
    result = subprocess.run(
        [str(Path(sys.executable).with_name("airflow")), "providers", "list", "-o", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    listed = {p["package_name"]: p for p in json.loads(result.stdout)}
    assert listed["airflow-provider-triboo"]["version"] == "0.1.0"


def test_operator_modules_import_light() -> None:
    """DAG files are parsed often: the operators must not pull in the client or pyarrow."""
    code = (
        "import sys, airflow.sdk\n"
        "before = set(sys.modules)\n"
        "import triboo_provider.operators.users, triboo_provider.operators.enrollments, "
        "triboo_provider.operators.reports\n"
        "heavy = sorted(m for m in set(sys.modules) - before if m.split('.')[0] in "
        "('triboo_client', 'pyarrow', 'httpx', 'tenacity', 'pyrate_limiter'))\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
