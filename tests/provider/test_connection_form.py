"""Issue 14: the connection form shows nothing Airflow masks but the secret, and a
configuration mistake fails the task at once, without its retries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from airflow._shared.secrets_masker import should_hide_value_for_key as api_hides
from airflow.configuration import conf
from airflow.sdk._shared.secrets_masker import should_hide_value_for_key as task_hides
from triboo_provider.client.settings import DEPRECATED_EXTRAS, TribooSettings
from triboo_provider.get_provider_info import get_provider_info

(FORM,) = get_provider_info()["connection-types"]


def hidden(name: str) -> bool:
    """Airflow's own rule, as the API server (which redacts what the UI shows and saves)
    and the task's log masker apply it: DEFAULT_SENSITIVE_FIELDS plus the
    ``[core] sensitive_var_conn_names`` of the configuration."""
    rules = [cast("Callable[[str], bool]", rule) for rule in (api_hides, task_hides)]
    return any(rule(name) for rule in rules)


def test_the_rule_is_airflows_and_it_is_live() -> None:
    """The names of issue 14 are caught: the check below can fail."""
    assert conf.getboolean("core", "hide_sensitive_var_conn_fields")
    for name in ("token_path", "Token path", "password", "client_secret", *DEPRECATED_EXTRAS):
        assert hidden(name), name


def test_no_name_or_label_of_the_form_is_masked_but_the_password() -> None:
    behaviour = FORM["ui-field-behaviour"]
    names: list[str] = []
    for name, field in FORM["conn-fields"].items():
        names += [name, field["label"]]
    for field, label in behaviour["relabeling"].items():
        if field != "password":
            names += [field, label]
    shown = {"host", "schema", "port", "login", "password"} - set(behaviour["hidden-fields"])
    names += sorted(shown - {"password"})
    names += TribooSettings.extra_names()
    masked = [name for name in names if hidden(name)]
    assert masked == []
    assert hidden(behaviour["relabeling"]["password"])  # "Client secret": masked, rightly


def test_port_and_schema_are_shown() -> None:
    assert {"port", "schema"}.isdisjoint(FORM["ui-field-behaviour"]["hidden-fields"])


# -- a configuration mistake fails the task at once --


@pytest.fixture(scope="module")
def airflow_db() -> None:
    from airflow.utils.db import initdb

    initdb()


DAG_FILE = """
import datetime as dt

from airflow.sdk import DAG
from triboo_provider.operators.reports import TribooExportCoursesOperator

with DAG("{dag_id}", schedule=None, start_date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)):
    TribooExportCoursesOperator(
        task_id="export_courses",
        path={path!r},
        format="csv",
        retries=2,
        retry_delay=dt.timedelta(seconds=0),
    )
"""


def run_with_retries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dag_id: str, connection: dict[str, Any]
) -> Any:
    """A one-task DAG with retries=2, in a DAG folder of its own, run by dag.test() as
    Airflow runs a task; its one task instance afterwards."""
    from airflow.dag_processing.dagbag import DagBag

    folder = tmp_path / "dags"
    folder.mkdir()
    (folder / f"{dag_id}.py").write_text(
        DAG_FILE.format(dag_id=dag_id, path=str(tmp_path / "courses.csv"))
    )
    bundle = {
        "name": f"{dag_id}-bundle",
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(folder), "refresh_interval": 0},
    }
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([bundle]))
    monkeypatch.setenv("AIRFLOW_CONN_TRIBOO_DEFAULT", json.dumps(connection))
    dag = DagBag(dag_folder=str(folder)).dags[dag_id]
    run = dag.test(logical_date=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    (ti,) = run.get_task_instances()
    return ti


CONNECTION = {
    "conn_type": "triboo",
    "host": "127.0.0.1",
    "port": 1,  # nothing listens there
    "schema": "http",
    "login": "demo-client",
    "password": "demo-secret",
}


def test_a_configuration_mistake_fails_the_task_without_retries(
    airflow_db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    misspelt = CONNECTION | {"extra": {"reports_per_minut": 5}}
    ti = run_with_retries(monkeypatch, tmp_path, "triboo_misconfigured", misspelt)
    assert ti.state == "failed"
    assert ti.try_number == 1  # retries=2, none used
    assert not (tmp_path / "courses.csv").exists()


def test_a_connection_error_is_retried_by_the_task(
    airflow_db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The control: an error a retry can fix does use the task's retries."""
    unreachable = CONNECTION | {"extra": {"max_retries": 0}}
    ti = run_with_retries(monkeypatch, tmp_path, "triboo_unreachable", unreachable)
    assert ti.state == "failed"
    assert ti.try_number == 3  # the first try and both retries
