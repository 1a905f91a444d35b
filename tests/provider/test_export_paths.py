"""The review of the export outputs (issue 14), each failure kept as a test of its kind:
a failed run never destroys what was at a path; every path is written exactly where it
says or refused before any call (``#``, ``?``, a trailing ``/``, ``s3n://``, every path
parameter in every form); S3 errors sorted into fail-at-once and retried; no connection
id in lineage or asset URIs, and a failed run's lineage names no output."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote, urlsplit

import botocore.exceptions as boto_errors  # type: ignore[import-untyped]
import moto.settings
import pyarrow as pa
import pytest
from airflow.sdk import Asset, ObjectStoragePath
from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from triboo_provider import s3 as s3_module
from triboo_provider.exceptions import (
    TribooInputError,
    TribooOutputError,
    TribooOutputNotFoundError,
    TribooOutputPermissionError,
)
from triboo_provider.hooks.triboo import TribooHook
from triboo_provider.lineage import COURSES_ROUTE, USER_PROGRESS_ROUTE
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.targets import resolve
from triboo_provider.writers import atomic_table, atomic_tables

from tests.operator_support import run
from tests.s3_support import (  # noqa: F401 - fixtures
    CONN_ID,
    S3,
    hermetic_aws,
    moto_url_fixture,
    s3_fixture,
)

SCHEMA = pa.schema([("a", pa.int64())])


@pytest.fixture
def tenant(connect: Callable[..., None]) -> Iterator[Any]:
    from triboo_sandbox.server import SandboxServer, make_sandbox

    with SandboxServer(make_sandbox(users=40, today=dt.date(2026, 11, 1))) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=0)
        yield server


def _course(tenant: Any) -> str:
    return str(next(k for k, c in tenant.sandbox.store.courses.items() if c.org == "acme"))


def _during_read(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """``action`` runs once the first user progress report has been read (outputs open)."""
    original = TribooHook.iter_user_progress

    def then_act(self: TribooHook, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        for number, report in enumerate(original(self, page_size)):
            if number == 0:
                action()
            yield report

    monkeypatch.setattr(TribooHook, "iter_user_progress", then_act)


# -- 1. a failed run never destroys the previous export -----------------------------------


def test_a_folder_at_badges_path_is_refused_before_the_first_read(
    tenant: Any, tmp_path: Path
) -> None:
    """The review's local repro: badges_path names a folder. Refused before any request,
    the previous progress file as it was."""
    (tmp_path / "badges.parquet").mkdir()
    (tmp_path / "badges.parquet" / "keep").touch()
    (tmp_path / "progress.parquet").write_text("YESTERDAY\n")
    before = tenant.sandbox.requests
    operator = TribooExportUserProgressOperator(
        task_id="u",
        path=str(tmp_path / "progress.parquet"),
        badges_path=str(tmp_path / "badges.parquet"),
    )
    with pytest.raises(TribooInputError, match=r"badges_path: .* is a folder"):
        run(operator)
    assert tenant.sandbox.requests == before
    assert (tmp_path / "progress.parquet").read_text() == "YESTERDAY\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["badges.parquet", "progress.parquet"]


def test_a_failed_second_commit_restores_the_first_local_file(
    tenant: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """badges_path becomes a folder while the report is read: its commit fails after
    path's succeeded; path gets yesterday's file back (the same inode), nothing else
    stays."""
    progress, badges = tmp_path / "progress.csv", tmp_path / "badges.csv"
    progress.write_text("YESTERDAY\n")
    inode = progress.stat().st_ino
    _during_read(monkeypatch, badges.mkdir)
    operator = TribooExportUserProgressOperator(
        task_id="u", path=str(progress), badges_path=str(badges), format="csv"
    )
    with pytest.raises(IsADirectoryError):
        run(operator)
    assert progress.read_text() == "YESTERDAY\n"
    assert progress.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["badges.csv", "progress.csv"]
    assert list(badges.iterdir()) == []


def test_two_tables_over_yesterdays_leave_no_kept_copy(tenant: Any, tmp_path: Path) -> None:
    progress, badges = tmp_path / "progress.csv", tmp_path / "badges.csv"
    progress.write_text("YESTERDAY\n")
    badges.write_text("YESTERDAY\n")
    summary = run(
        TribooExportUserProgressOperator(
            task_id="u", path=str(progress), badges_path=str(badges), format="csv"
        )
    )
    assert progress.read_text().count("\n") == summary["rows"] + 1
    assert badges.read_text().startswith("user_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["badges.csv", "progress.csv"]


def test_s3_bucket_of_badges_deleted_mid_run_keeps_yesterdays_object(
    tenant: Any, s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review's S3 repro: yesterday's object at path, badges_path in a bucket deleted
    during the run. Path is committed, badges cannot be, path gets yesterday's back."""
    other = s3.bucket + "-gone"
    s3.client.create_bucket(Bucket=other)
    s3.client.put_object(Bucket=s3.bucket, Key="up.parquet", Body=b"YESTERDAY")

    def delete_other() -> None:
        for upload in s3.client.list_multipart_uploads(Bucket=other).get("Uploads", []):
            s3.client.abort_multipart_upload(
                Bucket=other, Key=upload["Key"], UploadId=upload["UploadId"]
            )
        s3.client.delete_bucket(Bucket=other)

    _during_read(monkeypatch, delete_other)
    operator = TribooExportUserProgressOperator(
        task_id="u",
        path=s3.url("up.parquet"),
        badges_path=f"s3://{CONN_ID}@{other}/badges.parquet",
    )
    with pytest.raises(OSError, match=r"badges\.parquet"):
        run(operator)
    assert s3.keys() == ["up.parquet"]
    assert s3.read("up.parquet") == b"YESTERDAY"
    assert s3.uploads() == []


def test_s3_second_commit_refused_keeps_both_previous_objects(
    s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("t/main.csv", "t/badges.csv"):
        s3.client.put_object(Bucket=s3.bucket, Key=key, Body=b"YESTERDAY " + key.encode())
    original = s3_module.S3Output.commit

    def refuse_badges(self: Any) -> None:
        original(self)  # the object is replaced...
        if self.key.endswith("badges.csv"):
            raise OSError("the answer was lost")  # ...but the call seems to fail

    monkeypatch.setattr(s3_module.S3Output, "commit", refuse_badges)

    def export() -> None:
        with atomic_tables(
            (s3.url("t/main.csv"), "csv", SCHEMA), (s3.url("t/badges.csv"), "csv", SCHEMA)
        ) as (a, b):
            a.write([{"a": 1}])
            b.write([{"a": 2}])

    with pytest.raises(OSError, match="answer was lost"):
        export()
    assert s3.keys() == ["t/badges.csv", "t/main.csv"]
    assert s3.read("t/main.csv") == b"YESTERDAY t/main.csv"
    assert s3.read("t/badges.csv") == b"YESTERDAY t/badges.csv"
    assert s3.uploads() == []


def test_s3_two_tables_over_yesterdays_leave_no_kept_copy(s3: S3) -> None:
    s3.client.put_object(Bucket=s3.bucket, Key="t/main.csv", Body=b"YESTERDAY")
    with atomic_tables(
        (s3.url("t/main.csv"), "csv", SCHEMA), (s3.url("t/badges.csv"), "csv", SCHEMA)
    ) as (a, b):
        a.write([{"a": 1}])
        b.write([{"a": 2}])
    assert s3.keys() == ["t/badges.csv", "t/main.csv"]
    assert s3.read("t/main.csv") == b"a\r\n1\r\n"


def test_s3_keeping_needs_the_right_to_read_checked_before_the_first_read(
    s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError

    def forbidden(**kwargs: Any) -> Any:
        raise ClientError(
            {"Error": {"Code": "403"}, "ResponseMetadata": {"HTTPStatusCode": 403}}, "HeadObject"
        )

    from airflow.providers.amazon.aws.hooks.s3 import S3Hook

    made = S3Hook.get_conn

    def client(self: Any) -> Any:
        got = made(self)
        got.head_object = forbidden
        return got

    monkeypatch.setattr(S3Hook, "get_conn", client)
    entered = []
    with (
        pytest.raises(TribooOutputPermissionError, match=r"HeadObject: access denied"),
        atomic_tables((s3.url("a.csv"), "csv", SCHEMA), (s3.url("b.csv"), "csv", SCHEMA)),
    ):
        entered.append(True)
    assert entered == []
    assert s3.uploads() == []


def test_another_fsspec_store_restores_both_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """fsspec's memory store, registered as Airflow registers a provider's filesystem: the
    second commit replaces its file and then seems to fail; both get yesterday's back."""
    import airflow.sdk.io.fs as airflow_fs
    from fsspec.implementations.memory import (  # type: ignore[import-untyped]
        MemoryFileSystem,
    )
    from triboo_provider import stores

    memory = MemoryFileSystem()
    memory.store.clear()
    memory.pseudo_dirs[:] = [""]
    registered = dict(airflow_fs._register_filesystems())
    registered["memory"] = lambda conn_id: memory
    monkeypatch.setattr(airflow_fs, "_register_filesystems", lambda: registered)
    for name in ("main.csv", "badges.csv"):
        memory.pipe(f"/lake/{name}", b"YESTERDAY " + name.encode())
    original = stores._RenamedFile.commit

    def lost(self: Any) -> None:
        original(self)
        if self.path.name == "badges.csv":
            raise OSError("the answer was lost")

    monkeypatch.setattr(stores._RenamedFile, "commit", lost)

    def export() -> None:
        with atomic_tables(
            ("memory://lake/main.csv", "csv", SCHEMA), ("memory://lake/badges.csv", "csv", SCHEMA)
        ) as (a, b):
            a.write([{"a": 1}])
            b.write([{"a": 2}])

    with pytest.raises(OSError, match="answer was lost"):
        export()
    assert memory.cat_file("/lake/main.csv") == b"YESTERDAY main.csv"
    assert memory.cat_file("/lake/badges.csv") == b"YESTERDAY badges.csv"
    assert sorted(memory.find("/lake")) == ["/lake/badges.csv", "/lake/main.csv"]


# -- 2. and 3. every path written where it says, or refused -------------------------------


@pytest.mark.parametrize("key", ["report#1.csv", "report?x=1.csv", "a%20b#c?d.csv", "é €+ .csv"])
def test_an_s3_key_is_written_whole(tenant: Any, s3: S3, key: str) -> None:
    operator = TribooExportCoursesOperator(task_id="k", path=s3.url(key), format="csv")
    summary = run(operator)
    assert s3.keys() == [key]
    assert summary["path"] == s3.url(key)
    lineage = operator.get_openlineage_facets_on_complete(SimpleNamespace())
    assert [(d.namespace, d.name) for d in lineage.outputs] == [(f"s3://{s3.bucket}", key)]
    (asset,) = operator.outlets
    assert unquote(urlsplit(asset.uri).path[1:]) == key
    assert asset.uri == Asset(uri=asset.uri).uri  # Airflow keeps it as it is


@pytest.mark.parametrize("name", ["report#1.csv", "report?x=1.csv", "a%20b.csv", "x .csv "])
def test_a_local_path_is_written_whole(tenant: Any, tmp_path: Path, name: str) -> None:
    for text in (str(tmp_path / name), f"file://{tmp_path / name}"):
        operator = TribooExportCoursesOperator(task_id="k", path=text, format="csv")
        assert run(operator)["path"] == text
        assert [p.name for p in tmp_path.iterdir()] == [name]
        lineage = operator.get_openlineage_facets_on_complete(SimpleNamespace())
        assert [(d.namespace, d.name) for d in lineage.outputs] == [("file", str(tmp_path / name))]
        assert unquote(urlsplit(operator.outlets[0].uri).path) == str(tmp_path / name)


@pytest.mark.parametrize(
    "path",
    ["s3://aws_test@lake/dir/", "s3://aws_test@lake/", "s3://lake", "/tmp/dir/", "dir/", "/tmp/.."],
)
def test_a_folder_path_is_refused_before_any_call(tenant: Any, s3: S3, path: str) -> None:
    with pytest.raises(TribooInputError, match=r"^1 input problem.*\n  path: .*(folder|no object)"):
        TribooExportCoursesOperator(task_id="k", path=path)
    operator = TribooExportCoursesOperator(task_id="k", path="{{ params.p }}")
    operator.path = path  # as rendered
    before = tenant.sandbox.requests
    with pytest.raises(TribooInputError, match=r"path: .*(folder|no object)"):
        run(operator)
    assert tenant.sandbox.requests == before
    assert s3.keys() == []


_KEY_TEXT = st.text(
    st.sampled_from([*"ab/.#?%@+ :é\x00\x1f\x7f\\[]&=;~*", "\ud800", "€"]), min_size=0, max_size=12
)


def _key_refused(key: str) -> bool:
    """The documented rules, written out again."""
    segments = key.split("/")
    return (
        not key
        or key.endswith(("/", "?", "#"))
        or "?#" in key
        or any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in key)
        or "::" in key
        or "" in segments
        or "." in segments
        or ".." in segments
    )


@settings(max_examples=1500, deadline=None)
@given(key=_KEY_TEXT, conn=st.sampled_from([None, "aws_test"]))
def test_any_s3_key_round_trips_exactly_or_is_refused(key: str, conn: str | None) -> None:
    url = f"s3://{conn}@lake/{key}" if conn else f"s3://lake/{key}"
    if _key_refused(key):
        with pytest.raises(TribooInputError, match=r"\n  path: "):
            resolve(url, "path")
        return
    target = resolve(url, "path")
    assert (target.bucket, target.location, target.conn_id) == ("lake", key, conn)
    # The same object as ObjectStoragePath names it, so str and ObjectStoragePath agree.
    same = ObjectStoragePath(url)
    assert (same.path, same.conn_id) == (f"lake/{key}", conn)
    assert resolve(same, "path") == target.__class__(**{**vars(target), "given": str(same)})
    assert target.dataset() == ("s3://lake", key)
    uri = target.asset_uri()
    assert Asset(uri=uri).uri == uri
    assert (urlsplit(uri).netloc, unquote(urlsplit(uri).path)) == ("lake", "/" + key)
    assert "aws_test" not in uri + target.url


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(st.sampled_from(list("ab.#?% é\x01\x7f:-")), min_size=1, max_size=8))
def test_any_local_file_name_is_written_exactly_or_refused(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/{name}"
        if name in (".", "..") or any(ord(c) < 32 or ord(c) == 127 for c in name):
            with pytest.raises(TribooInputError, match=r"\n  path: "):
                resolve(path, "path")
            return
        target = resolve(path, "path")
        with atomic_table(target, "csv", SCHEMA) as writer:
            writer.write([{"a": 1}])
        assert os.listdir(folder) == [name]
        assert Path(folder, name).read_bytes() == b"a\r\n1\r\n"
        uri = target.asset_uri()
        assert Asset(uri=uri).uri == uri
        assert unquote(urlsplit(uri).path) == path


# -- 5. every path parameter in every form ------------------------------------------------


def _forms(s3: S3, tmp_path: Path, name: str) -> dict[str, tuple[Any, str]]:
    """The forms of one path parameter, each with the key or file it must write."""
    return {
        "str": (str(tmp_path / name), str(tmp_path / name)),
        "pathlib.Path": (tmp_path / name, str(tmp_path / name)),
        "s3 str": (s3.url(f"s/{name}"), f"s/{name}"),
        "ObjectStoragePath, conn in URL": (ObjectStoragePath(s3.url(f"u/{name}")), f"u/{name}"),
        "ObjectStoragePath, conn_id=": (
            ObjectStoragePath(s3.url(f"c/{name}", conn_id=None), conn_id=CONN_ID),
            f"c/{name}",
        ),
    }


_FORMS = [
    "str",
    "pathlib.Path",
    "s3 str",
    "ObjectStoragePath, conn in URL",
    "ObjectStoragePath, conn_id=",
]


@pytest.mark.parametrize("form", _FORMS)
def test_every_path_parameter_takes_every_form(
    tenant: Any, s3: S3, tmp_path: Path, form: str
) -> None:
    written: list[str] = []
    path, where = _forms(s3, tmp_path, "progress.csv")[form]
    badges, badges_where = _forms(s3, tmp_path, "badges.csv")[form]
    folder, folder_where = _forms(s3, tmp_path, "by_course")[form]
    courses, courses_where = _forms(s3, tmp_path, "courses.csv")[form]
    operators = [
        TribooExportUserProgressOperator(task_id="u", path=path, badges_path=badges, format="csv"),
        TribooExportCourseProgressOperator(
            task_id="c", course_id=_course(tenant), output_dir=folder, format="csv"
        ),
        TribooExportCoursesOperator(task_id="k", path=courses, format="csv"),
    ]
    for operator in operators:
        summary = run(operator)
        assert summary["rows"] > 0
        written.append(summary["path"])
    course_file = f"{folder_where}/course-v1_acme+SEC101+2024_T1.csv"
    expected = [where, badges_where, course_file, courses_where]
    if form.startswith(("str", "pathlib")):
        assert all(Path(p).is_file() for p in expected)
        assert written == [str(path), course_file, str(courses)]
    else:
        assert s3.keys() == sorted(expected)
        assert all(p.startswith(f"s3://{CONN_ID}@{s3.bucket}/") for p in written)
    for operator in (operators[0], operators[2]):
        for outlet in operator.outlets:
            assert CONN_ID not in outlet.uri


# -- 4. lineage and assets ----------------------------------------------------------------


def test_the_asset_uri_is_the_amazon_providers_without_the_connection() -> None:
    from airflow.providers.amazon.aws.assets.s3 import create_asset

    for path in (
        "s3://aws_test@lake/t/x.parquet",
        ObjectStoragePath("s3://lake/t/x.parquet", conn_id="aws_test"),
        "s3a://aws_test@lake/t/x.parquet",
    ):
        (asset,) = TribooExportCoursesOperator(task_id="k", path=path).outlets
        assert asset == Asset("s3://lake/t/x.parquet")
        assert asset.uri == create_asset(bucket="lake", key="t/x.parquet").uri


def _failed_lineage(operator: Any) -> Any:
    from airflow.providers.openlineage.extractors import ExtractorManager
    from airflow.utils.state import TaskInstanceState

    return ExtractorManager().extract_metadata(  # type: ignore[no-untyped-call]
        dagrun=SimpleNamespace(run_id="manual"),
        task=operator,
        task_instance_state=TaskInstanceState.FAILED,
        task_instance=SimpleNamespace(),
    )


@pytest.mark.parametrize(
    "failure",
    ["no such bucket", "refused credentials", "bad input", "bad connection", "no connection"],
)
def test_a_run_failing_before_the_first_read_names_no_output(
    tenant: Any, s3: S3, monkeypatch: pytest.MonkeyPatch, connect: Callable[..., None], failure: str
) -> None:
    """The facets name the report the configuration names (never empty, so the
    ExtractorManager does not fall back to the outlets) and no output."""
    path = s3.url("p.parquet")
    namespace = tenant.url
    auth = moto.settings.INITIAL_NO_AUTH_ACTION_COUNT
    if failure == "no such bucket":
        path = f"s3://{CONN_ID}@no-such-bucket/p.parquet"
    elif failure == "refused credentials":
        monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    elif failure == "bad connection":
        connect(tenant.url, "demo-client", "demo-secret", reports_per_minut=3)
    elif failure == "no connection":
        monkeypatch.delenv("AIRFLOW_CONN_TRIBOO_DEFAULT")
        namespace = "triboo"
    operator = TribooExportUserProgressOperator(task_id="u", path=path, user_ids="{{ x }}")
    operator.user_ids = "not a list" if failure == "bad input" else None
    operator._set_filters = frozenset() if failure != "bad input" else operator._set_filters
    with pytest.raises((AirflowFailException, AirflowNotFoundException)):
        run(operator)
    extracted = _failed_lineage(operator)
    assert [(d.namespace, d.name) for d in extracted.inputs] == [(namespace, USER_PROGRESS_ROUTE)]
    assert extracted.outputs == []
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", auth)
    assert s3.keys() == []
    assert s3.uploads() == []


def test_a_failed_courses_run_names_the_catalogue(tenant: Any, s3: S3) -> None:
    operator = TribooExportCoursesOperator(task_id="k", path="s3://aws_typo@lake/c.parquet")
    with pytest.raises(TribooInputError, match="'aws_typo' does not exist"):
        run(operator)
    extracted = _failed_lineage(operator)
    assert [(d.namespace, d.name) for d in extracted.inputs] == [(tenant.url, COURSES_ROUTE)]
    assert extracted.outputs == []
    assert all("aws_typo" not in d.namespace for d in extracted.inputs)


# -- 6., 7. and 8. stores and their errors ------------------------------------------------


def test_s3n_is_refused_as_input(tenant: Any) -> None:
    with pytest.raises(TribooInputError, match=r"path: s3n:// .* not supported"):
        TribooExportCoursesOperator(task_id="k", path="s3n://lake/x.parquet")
    operator = TribooExportCoursesOperator(task_id="k", path="{{ p }}")
    for path in ("s3n://lake/x.parquet", "nosuchscheme://lake/x.parquet"):
        operator.path = path
        before = tenant.sandbox.requests
        with pytest.raises(TribooInputError, match="path: "):
            run(operator)
        assert tenant.sandbox.requests == before


def test_readme_claims_no_s3n() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    mentions = [line for line in readme.splitlines() if "s3n" in line]
    assert mentions  # README says what happens to it...
    assert all("refused" in line for line in mentions)  # ...and claims no support


_NO_AMAZON = textwrap.dedent(
    """
    import importlib.abc, json, sys
    class NoAmazon(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.startswith("airflow.providers.amazon.aws"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None
    sys.meta_path.insert(0, NoAmazon())
    from airflow.sdk.exceptions import AirflowFailException, AirflowNotFoundException
    from triboo_provider.operators.reports import TribooExportCoursesOperator
    operator = TribooExportCoursesOperator(task_id="k", path="s3://aws_x@lake/c.parquet")
    try:
        operator.execute({})
    except Exception as problem:
        print(json.dumps([type(problem).__name__, isinstance(problem, AirflowFailException),
                          str(problem)]))
    """
)


def test_without_the_amazon_extra_the_error_says_what_to_install(tenant: Any) -> None:
    before = tenant.sandbox.requests
    done = subprocess.run(
        [sys.executable, "-c", _NO_AMAZON],
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    name, fails_at_once, message = json.loads(done.stdout.strip().splitlines()[-1])
    assert (name, fails_at_once) == ("TribooOutputError", True), done.stderr[-2000:]
    assert "pip install 'airflow-provider-triboo[amazon]'" in message
    assert tenant.sandbox.requests == before


def test_an_invalid_bucket_name_is_refused_before_any_call(tenant: Any) -> None:
    with pytest.raises(TribooInputError, match="path: 'Bad_Bucket!' is not an S3 bucket name"):
        TribooExportCoursesOperator(task_id="k", path="s3://aws_test@Bad_Bucket!/x.csv")
    with pytest.raises(TribooInputError, match="badges_path: 'a b' is not an S3 bucket"):
        TribooExportUserProgressOperator(task_id="u", path="/tmp/x", badges_path="s3://a b/k")


def test_credentials_in_the_url_are_refused_and_not_repeated() -> None:
    with pytest.raises(TribooInputError) as refused:
        TribooExportCoursesOperator(task_id="k", path="s3://AKIAEXAMPLE:wJalrSECRET@lake/x.csv")
    assert "wJalrSECRET" not in str(refused.value)
    assert "AKIAEXAMPLE" not in str(refused.value)


def test_an_unknown_aws_connection_is_refused_even_with_credentials_around(
    tenant: Any, s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """S3Hook would warn and go on with the environment's credentials (here valid for the
    loopback server): the typo must not write anywhere."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-key")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3.endpoint)
    before = tenant.sandbox.requests
    for path in (s3.url("x.csv", conn_id="aws_typo"), s3.url("x.csv", conn_id="triboo_default")):
        operator = TribooExportCoursesOperator(task_id="k", path=path)
        with pytest.raises(TribooInputError, match=r"path: (the AWS )?connection") as refused:
            run(operator)
        assert "demo-secret" not in str(refused.value)
    assert tenant.sandbox.requests == before
    assert s3.keys() == []


def test_a_missing_bucket_or_refused_credentials_fail_at_once(
    tenant: Any, s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    operator = TribooExportCoursesOperator(task_id="k", path="s3://aws_test@no-such-bucket/x")
    with pytest.raises(TribooOutputNotFoundError) as missing:
        run(operator)
    assert isinstance(missing.value, FileNotFoundError | AirflowFailException)
    assert isinstance(missing.value, AirflowFailException)
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    with pytest.raises(TribooOutputPermissionError) as denied:
        run(TribooExportCoursesOperator(task_id="k", path=s3.url("x")))
    assert isinstance(denied.value, PermissionError)
    assert isinstance(denied.value, AirflowFailException)


def test_an_unreachable_endpoint_is_retried_not_failed_at_once(
    tenant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    hermetic_aws(monkeypatch)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv(
        "AIRFLOW_CONN_AWS_DEAD",
        json.dumps(
            {
                "conn_type": "aws",
                "login": "k",
                "password": "dead-secret",
                "extra": {
                    "endpoint_url": f"http://127.0.0.1:{port}",
                    "region_name": "us-east-1",
                    "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 2},
                },
            }
        ),
    )
    before = tenant.sandbox.requests
    with pytest.raises(ConnectionError, match=f"could not reach the S3 endpoint .*:{port}") as e:
        run(TribooExportCoursesOperator(task_id="k", path="s3://aws_dead@lake/x.csv"))
    assert not isinstance(e.value, AirflowFailException)
    assert "dead-secret" not in str(e.value)
    assert tenant.sandbox.requests == before


def _client_error(code: str, status: int) -> Any:
    return boto_errors.ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "X"
    )


@pytest.mark.parametrize(
    ("raised", "kind", "at_once"),
    [
        (lambda: _client_error("NoSuchBucket", 404), TribooOutputNotFoundError, True),
        (lambda: _client_error("AccessDenied", 403), TribooOutputPermissionError, True),
        (lambda: _client_error("InvalidAccessKeyId", 403), TribooOutputPermissionError, True),
        (lambda: _client_error("ExpiredToken", 400), PermissionError, False),
        (lambda: _client_error("InvalidBucketName", 400), TribooOutputError, True),
        (lambda: _client_error("InternalError", 500), OSError, False),
        (lambda: _client_error("SlowDown", 503), OSError, False),
        (
            boto_errors.NoCredentialsError,
            TribooOutputPermissionError,
            True,
        ),
        (
            lambda: boto_errors.ParamValidationError(report="x"),
            TribooOutputError,
            True,
        ),
        (
            lambda: boto_errors.EndpointConnectionError(endpoint_url="http://h"),
            ConnectionError,
            False,
        ),
        (
            lambda: boto_errors.ReadTimeoutError(endpoint_url="http://h"),
            ConnectionError,
            False,
        ),
    ],
)
def test_each_s3_error_is_sorted(
    raised: Callable[[], Exception], kind: type, at_once: bool
) -> None:
    output = s3_module.S3Output.__new__(s3_module.S3Output)
    output.url, output.bucket, output.conn_id = "s3://b/k", "b", None
    output._client = SimpleNamespace(meta=SimpleNamespace(endpoint_url="http://u:p@h:9"))

    def fail() -> None:
        raise raised()

    with pytest.raises(kind) as caught:
        output._call("Op", fail)
    assert isinstance(caught.value, AirflowFailException) is at_once
    assert str(caught.value).startswith("s3://b/k: Op")
    assert "u:p" not in str(caught.value)


@pytest.mark.parametrize("path", ["/tmp/dir/", "s3n://lake/results.csv", "s3://lake"])
def test_create_users_results_path_is_refused_before_any_call(
    tenant: Any, path: str, tmp_path: Path
) -> None:
    """The exports' path rule holds for the create operator's results file too: a bad one
    is refused at DAG import and, once rendered, before any user is created."""
    from triboo_provider.operators.users import TribooCreateUsersOperator

    row = {
        "username": "new.person",
        "email": "new.person@example.com",
        "first_name": "New",
        "last_name": "Person",
        "name": "New Person",
    }
    with pytest.raises(TribooInputError, match=r"\n  results_path: "):
        TribooCreateUsersOperator(task_id="c", users=[row], results_path=path)
    operator = TribooCreateUsersOperator(task_id="c", users=[row], results_path="{{ p }}")
    operator.results_path = path  # as rendered
    before = tenant.sandbox.requests
    with pytest.raises(TribooInputError, match=r"results_path: "):
        run(operator)
    assert tenant.sandbox.requests == before
    good = TribooCreateUsersOperator(
        task_id="c", users=[row], results_path=str(tmp_path / "results.csv")
    )
    assert run(good)["created"] == 1
    assert (tmp_path / "results.csv").read_text().splitlines()[1].startswith("row 1,new.person,")
