"""OpenLineage facets of the export operators, with the OpenLineage provider installed: the
methods after real runs, the provider's ExtractorManager picking them up, and the real
listener emitting them from a DAG run."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import yaml
from airflow.providers.openlineage.extractors import ExtractorManager, OperatorLineage
from airflow.providers.openlineage.extractors.base import DefaultExtractor
from airflow.utils.state import TaskInstanceState
from openlineage.client.serde import Serde
from triboo_provider import tables
from triboo_provider.exceptions import TribooError
from triboo_provider.lineage import (
    COURSE_PROGRESS_ROUTE,
    COURSES_ROUTE,
    USER_PROGRESS_ROUTE,
    api_dataset,
)
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)

from tests.operator_support import run
from tests.s3_support import S3, moto_url_fixture, s3_fixture  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tenant(connect: Callable[..., None]) -> Iterator[Any]:
    from triboo_sandbox.server import SandboxServer, make_sandbox

    with SandboxServer(make_sandbox(users=60, today=dt.date(2026, 11, 1))) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=0)
        yield server


def _pairs(datasets: list[Any]) -> list[tuple[str, str]]:
    return [(d.namespace, d.name) for d in datasets]


def _schema(dataset: Any) -> list[tuple[str, str]]:
    return [(f.name, f.type) for f in dataset.facets["schema"].fields]


def _course(tenant: Any) -> str:
    return str(next(k for k, c in tenant.sandbox.store.courses.items() if c.org == "acme"))


def test_user_progress_lineage_after_a_run(tenant: Any, tmp_path: Path) -> None:
    operator = TribooExportUserProgressOperator(
        task_id="p", path=str(tmp_path / "p.parquet"), badges_path=str(tmp_path / "b.parquet")
    )
    summary = run(operator)
    lineage = operator.get_openlineage_facets_on_complete(SimpleNamespace())
    assert isinstance(lineage, OperatorLineage)
    host = tenant.url.removeprefix("http://")
    assert _pairs(lineage.inputs) == [(f"http://{host}", USER_PROGRESS_ROUTE)]
    assert _pairs(lineage.outputs) == [
        ("file", str(tmp_path / "p.parquet")),
        ("file", str(tmp_path / "b.parquet")),
    ]
    main, badges = lineage.outputs
    assert _schema(main) == [(f.name, str(f.type)) for f in tables.USER_PROGRESS]
    assert _schema(badges) == [(f.name, str(f.type)) for f in tables.BADGES]
    stats = main.outputFacets["outputStatistics"]
    assert (stats.rowCount, stats.size) == (
        summary["rows"],
        (tmp_path / "p.parquet").stat().st_size,
    )
    assert badges.outputFacets["outputStatistics"].rowCount == summary["badge_rows"] > 0


def test_course_and_catalogue_lineage_after_a_run(tenant: Any, tmp_path: Path) -> None:
    course = _course(tenant)
    operator = TribooExportCourseProgressOperator(
        task_id="c", course_id=course, output_dir=str(tmp_path / "by course"), format="csv"
    )
    summary = run(operator)
    lineage = operator.get_openlineage_facets_on_complete(SimpleNamespace())
    assert _pairs(lineage.inputs) == [(tenant.url, COURSE_PROGRESS_ROUTE.format(course_id=course))]
    assert _pairs(lineage.outputs) == [("file", summary["path"])]
    assert " " in summary["path"]

    catalogue = TribooExportCoursesOperator(
        task_id="k", path=str(tmp_path / "courses.jsonl"), format="jsonl"
    )
    summary = run(catalogue)
    lineage = catalogue.get_openlineage_facets_on_complete(SimpleNamespace())
    assert _pairs(lineage.inputs) == [(tenant.url, COURSES_ROUTE)]
    assert _pairs(lineage.outputs) == [("file", str(tmp_path / "courses.jsonl"))]
    assert lineage.outputs[0].outputFacets["outputStatistics"].rowCount == summary["rows"]


def test_s3_outputs_are_named_by_bucket_and_key(tenant: Any, s3: S3) -> None:
    operator = TribooExportCoursesOperator(task_id="k", path=s3.url("lake/courses v1+.parquet"))
    run(operator)
    lineage = operator.get_openlineage_facets_on_complete(SimpleNamespace())
    # The connection id in the URL's user part is no part of the dataset's name.
    assert _pairs(lineage.outputs) == [(f"s3://{s3.bucket}", "lake/courses v1+.parquet")]
    size = s3.client.head_object(Bucket=s3.bucket, Key="lake/courses v1+.parquet")
    assert lineage.outputs[0].outputFacets["outputStatistics"].size == size["ContentLength"]


def test_the_extractor_manager_picks_the_facets_up(tenant: Any, tmp_path: Path) -> None:
    operator = TribooExportCoursesOperator(task_id="k", path=str(tmp_path / "c.parquet"))
    manager = ExtractorManager()  # type: ignore[no-untyped-call]
    assert manager.get_extractor_class(operator) is DefaultExtractor
    run(operator)
    extracted = manager.extract_metadata(
        dagrun=SimpleNamespace(run_id="manual"),
        task=operator,
        task_instance_state=TaskInstanceState.SUCCESS,
        task_instance=SimpleNamespace(),
    )
    assert _pairs(extracted.inputs) == [(tenant.url, COURSES_ROUTE)]
    assert _pairs(extracted.outputs) == [("file", str(tmp_path / "c.parquet"))]


def test_a_failed_run_names_what_it_read_and_no_output(tenant: Any, tmp_path: Path) -> None:
    httpx.post(
        f"{tenant.url}/__sandbox__/faults", json={"fail_next": 100, "fail_status": 500}
    ).raise_for_status()
    operator = TribooExportCourseProgressOperator(
        task_id="c", course_id=_course(tenant), output_dir=str(tmp_path)
    )
    with pytest.raises(TribooError):
        run(operator)
    assert list(tmp_path.iterdir()) == []
    for state in (TaskInstanceState.FAILED, TaskInstanceState.SUCCESS):
        extracted = ExtractorManager().extract_metadata(  # type: ignore[no-untyped-call]
            dagrun=SimpleNamespace(run_id="manual"),
            task=operator,
            task_instance_state=state,
            task_instance=SimpleNamespace(),
        )
        route = COURSE_PROGRESS_ROUTE.format(course_id=_course(tenant))
        assert _pairs(extracted.inputs) == [(tenant.url, route)]
        assert extracted.outputs == []
    assert operator.get_openlineage_facets_on_failure(SimpleNamespace()).outputs == []


def test_facets_carry_no_credential(tenant: Any, tmp_path: Path) -> None:
    operator = TribooExportUserProgressOperator(task_id="p", path=str(tmp_path / "p.csv"))
    run(operator)
    lineage = operator.get_openlineage_facets_on_complete(SimpleNamespace())
    text = json.dumps([json.loads(Serde.to_json(d)) for d in lineage.inputs + lineage.outputs])
    assert tenant.sandbox.tokens  # tokens were issued...
    for secret in ["demo-secret", "demo-client", *tenant.sandbox.tokens]:
        assert secret not in text  # ...and none is in the facets


@pytest.mark.parametrize(
    ("base_url", "namespace", "name"),
    [
        ("https://acme.learning-tribes.com", "https://acme.learning-tribes.com", "/r/"),
        ("https://Acme.Example:443/lms/", "https://acme.example", "/lms/r/"),
        ("http://client:secret@127.0.0.1:8000?x=1#f", "http://127.0.0.1:8000", "/r/"),
        ("http://[::1]:80", "http://[::1]", "/r/"),
    ],
)
def test_api_namespace_is_scheme_host_and_port_only(
    base_url: str, namespace: str, name: str
) -> None:
    assert api_dataset(base_url, "/r/") == (namespace, name)


def test_the_routes_are_the_specs() -> None:
    """The input names are the routes the hook requests, as openapi/triboo.yaml has them."""
    paths = yaml.safe_load((ROOT / "openapi" / "triboo.yaml").read_text())["paths"]
    assert USER_PROGRESS_ROUTE in paths
    assert COURSES_ROUTE in paths
    assert COURSE_PROGRESS_ROUTE in paths


def test_the_provider_needs_no_openlineage(tmp_path: Path) -> None:
    """OpenLineage is imported only inside the facet methods (which only its listener
    calls): importing the operators, building one and writing an output import neither
    the OpenLineage client nor the extractors or compat facets the methods use."""
    code = textwrap.dedent(
        """
        import sys
        import pyarrow as pa
        from airflow.sdk import ObjectStoragePath
        from triboo_provider.operators import reports
        from triboo_provider.writers import atomic_table
        reports.TribooExportCoursesOperator(task_id="k", path=sys.argv[1])
        with atomic_table(ObjectStoragePath(sys.argv[1]), "csv", pa.schema([("a", pa.int64())])):
            pass
        # Airflow loads the OpenLineage provider's plugin itself when it is installed; what
        # the facet methods import must not be loaded by the provider.
        used = ("openlineage", "airflow.providers.openlineage.extractors",
                "airflow.providers.common.compat.openlineage")
        print(sorted(m for m in sys.modules if m.startswith(used)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "c.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1:] == ["[]"], done.stderr[-2000:]
    assert (tmp_path / "c.csv").read_bytes() == b"a\r\n"


_DAG_FILE = """
import datetime as dt, os
from airflow.sdk import DAG
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator, TribooExportCoursesOperator,
)
OUT = os.environ["LINEAGE_OUT"]
with DAG("lineage_ok", schedule=None, start_date=dt.datetime(2026, 1, 1)):
    TribooExportCoursesOperator(task_id="courses", path=OUT + "/courses.parquet")
with DAG("lineage_fails", schedule=None, start_date=dt.datetime(2026, 1, 1)):
    TribooExportCourseProgressOperator(
        task_id="course", course_id=os.environ["LINEAGE_COURSE"], output_dir=OUT + "/failed",
        retries=0,
    )
"""

_RUNNER = """
import json, os, sys, httpx
from airflow.utils.db import initdb
initdb()
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
states = [str(bag.dags["lineage_ok"].test().state)]
httpx.post(sys.argv[1] + "/__sandbox__/faults", json={"fail_next": 100}).raise_for_status()
states.append(str(bag.dags["lineage_fails"].test().state))
print("STATES=" + json.dumps(states))
"""


def test_the_openlineage_listener_emits_the_facets(tenant: Any, tmp_path: Path) -> None:
    """A real DAG run in a fresh Airflow home (SQLite) with OpenLineage's file transport:
    the listener's COMPLETE event carries the report and the file, its FAIL event the
    report only."""
    dags, out = tmp_path / "dags", tmp_path / "out"
    dags.mkdir()
    out.mkdir()
    (dags / "lineage_dags.py").write_text(_DAG_FILE)
    events = tmp_path / "events.jsonl"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path / "home"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "triboo-test",
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(
            {"type": "file", "log_file_path": str(events), "append": True}
        ),
        "LINEAGE_OUT": str(out),
        "LINEAGE_COURSE": _course(tenant),
        "PYTHONWARNINGS": "ignore",
    }
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, tenant.url],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    states = [line for line in done.stdout.splitlines() if line.startswith("STATES=")]
    assert [json.loads(line.removeprefix("STATES=")) for line in states] == [["success", "failed"]]
    emitted = [json.loads(line) for line in events.read_text().splitlines()]
    by_job = {(e["job"]["name"], e["eventType"]): e for e in emitted}
    complete = by_job["lineage_ok.courses", "COMPLETE"]
    assert [(d["namespace"], d["name"]) for d in complete["inputs"]] == [
        (tenant.url, COURSES_ROUTE)
    ]
    assert [(d["namespace"], d["name"]) for d in complete["outputs"]] == [
        ("file", str(out / "courses.parquet"))
    ]
    assert complete["outputs"][0]["outputFacets"]["outputStatistics"]["rowCount"] > 0
    failed = by_job["lineage_fails.course", "FAIL"]
    route = COURSE_PROGRESS_ROUTE.format(course_id=_course(tenant))
    assert [(d["namespace"], d["name"]) for d in failed["inputs"]] == [(tenant.url, route)]
    assert failed["outputs"] == []
    assert not (out / "failed").exists() or list((out / "failed").iterdir()) == []
    text = events.read_text()
    for secret in ["demo-secret", *tenant.sandbox.tokens]:
        assert secret not in text
