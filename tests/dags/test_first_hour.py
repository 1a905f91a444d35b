"""README's "Your first hour": its DAG, copied from README as a user would, runs without a
logical date against the sandbox and writes the organisation's catalogue."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.spec_tools import ROOT


def first_hour_dag() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your first hour\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    # README indents the block inside a list item.
    return "\n".join(line.removeprefix("   ") for line in block.splitlines()) + "\n"


def test_the_first_hour_dag_runs_without_a_logical_date(
    airflow_db: None, live: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    source = first_hour_dag()
    assert "/tmp/triboo/" in source
    folder = tmp_path / "dags"
    folder.mkdir()
    out = tmp_path / "out"
    (folder / "first_hour.py").write_text(source.replace("/tmp/triboo/", f"{out}/"))
    # dag.test() stores the DAG through the configured bundles: one holding this folder.
    bundle = {
        "name": "first-hour",
        "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
        "kwargs": {"path": str(folder)},
    }
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps([bundle]))
    bag = DagBag(dag_folder=str(folder))
    assert bag.import_errors == {}
    dag = bag.dags["triboo_first_hour"]
    dag_run = dag.test(logical_date=None)
    assert dag_run.state == "success"
    assert dag_run.logical_date is None
    (written,) = out.glob("courses-*.csv")
    assert re.fullmatch(r"courses-\d{8}T\d{6}\.csv", written.name)
    with written.open(newline="") as handle:
        ids = {row["course_id"] for row in csv.DictReader(handle)}
    store = live.sandbox.store
    assert ids == {key for key, course in store.courses.items() if course.org == "acme"}
