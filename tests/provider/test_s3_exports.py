"""Exports to ``s3://`` against moto's S3 server on loopback: complete objects only, the
same bytes as a local export, nothing left after a failure, large files in parts."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from airflow.sdk import ObjectStoragePath
from triboo_provider import s3 as s3_module
from triboo_provider.exceptions import TribooError, TribooInputError
from triboo_provider.formats import Format
from triboo_provider.hooks.triboo import TribooHook
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.writers import atomic_table, atomic_tables

from tests.operator_support import run
from tests.s3_support import (  # noqa: F401 - fixtures
    S3,
    hermetic_aws,
    low_part_size,
    moto_url_fixture,
    s3_fixture,
)

COURSE = "course-v1:acme+SEC101+2024_T1"


@pytest.fixture
def tenant(connect: Callable[..., None]) -> Iterator[Any]:
    """One sandbox (current generation; the writers do not depend on it)."""
    from triboo_sandbox.server import SandboxServer, make_sandbox

    with SandboxServer(make_sandbox(users=150, today=dt.date(2026, 11, 1))) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=0)
        yield server


def _course(tenant: Any) -> str:
    return str(next(k for k, c in tenant.sandbox.store.courses.items() if c.org == "acme"))


def _exports(tenant: Any, base: str, fmt: Format) -> dict[str, Any]:
    """Every export operator writing under ``base`` (a folder path or ``s3://`` URL)."""
    return {
        "user_progress": TribooExportUserProgressOperator(
            task_id="progress",
            path=f"{base}/user progress/date=2026-11-01/part+1.{fmt}",
            badges_path=f"{base}/badges/part.{fmt}",
            format=fmt,
        ),
        "course_progress": TribooExportCourseProgressOperator(
            task_id="course",
            course_id=_course(tenant),
            output_dir=f"{base}/course_progress/2026-11-01",
            format=fmt,
            from_date="2026-01-01",
            to_date="2026-10-01",
        ),
        "courses": TribooExportCoursesOperator(
            task_id="courses", path=f"{base}/courses.{fmt}", format=fmt
        ),
    }


def _key(summary_path: str, bucket: str) -> str:
    return summary_path.split(f"{bucket}/", 1)[1]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_every_export_writes_the_same_bytes_to_s3_as_to_a_file(
    tenant: Any, s3: S3, tmp_path: Path, fmt: Format
) -> None:
    for name, local in _exports(tenant, str(tmp_path), fmt).items():
        remote = _exports(tenant, s3.url("warehouse"), fmt)[name]
        here, there = run(local), run(remote)
        assert there["rows"] == here["rows"] > 0
        assert there["path"].startswith(f"s3://aws_test@{s3.bucket}/warehouse/")
        key = _key(there["path"], s3.bucket)
        assert s3.read(key) == Path(here["path"]).read_bytes(), name
        if there.get("badges_path"):
            assert s3.read("warehouse/badges/part." + fmt) == (
                Path(here["badges_path"]).read_bytes()
            )
    # Only the outputs: no temporary key, no upload left open; a space and '+' kept as such.
    assert s3.keys() == sorted(
        [
            f"warehouse/badges/part.{fmt}",
            f"warehouse/course_progress/2026-11-01/course-v1_acme+SEC101+2024_T1.{fmt}",
            f"warehouse/courses.{fmt}",
            f"warehouse/user progress/date=2026-11-01/part+1.{fmt}",
        ]
    )
    assert s3.uploads() == []
    if fmt == "parquet":
        table = pq.read_table(io.BytesIO(s3.read(f"warehouse/courses.{fmt}")))
        assert table.num_rows == here["rows"]


def test_a_large_parquet_is_uploaded_in_parts(
    connect: Callable[..., None], s3: S3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triboo_sandbox.server import SandboxServer, make_sandbox

    low_part_size(monkeypatch, 64 * 1024)
    sent: list[int] = []
    original = s3_module.S3Output._send_part

    def counted(self: Any, body: bytes) -> None:
        sent.append(len(body))
        original(self, body)

    monkeypatch.setattr(s3_module.S3Output, "_send_part", counted)
    with SandboxServer(make_sandbox(users=2000, today=dt.date(2026, 11, 1))) as server:
        connect(server.url, "demo-client", "demo-secret")
        here = run(TribooExportUserProgressOperator(task_id="p", path=str(tmp_path / "p.parquet")))
        there = run(TribooExportUserProgressOperator(task_id="p", path=s3.url("big/p.parquet")))
    local = (tmp_path / "p.parquet").read_bytes()
    assert len(local) > 3 * 64 * 1024  # several parts' worth
    assert s3.read("big/p.parquet") == local
    assert there["rows"] == here["rows"]
    parts = -(-len(local) // (64 * 1024))
    assert s3.parts("big/p.parquet") == parts
    assert sent == [64 * 1024] * (parts - 1) + [len(local) - (parts - 1) * 64 * 1024]
    head = s3.client.head_object(Bucket=s3.bucket, Key="big/p.parquet")
    assert head["ETag"].endswith(f'-{parts}"')
    assert s3.uploads() == []


def test_parts_at_s3s_own_minimum(s3: S3) -> None:
    """Without lowering moto's limit: 8 MiB parts (the default) of a Parquet over 16 MiB."""
    schema = pa.schema([("blob", pa.binary())])
    rows = [{"blob": os.urandom(1024)} for _ in range(17_000)]  # incompressible
    path = ObjectStoragePath(s3.url("raw/blobs.parquet"))
    with atomic_table(path, "parquet", schema) as writer:
        writer.write(rows)
    body = s3.read("raw/blobs.parquet")
    assert writer.size == len(body) > 2 * s3_module.PART_BYTES == 16 * 1024 * 1024
    assert s3.parts("raw/blobs.parquet") == 3
    assert pq.read_table(io.BytesIO(body)).column("blob").to_pylist() == [r["blob"] for r in rows]
    assert s3.uploads() == []


def test_a_small_output_is_one_put_and_no_upload_stays_open(s3: S3) -> None:
    path = ObjectStoragePath(s3.url("small.csv"))
    with atomic_table(path, "csv", pa.schema([("a", pa.int64())])) as writer:
        writer.write([{"a": 1}, {"a": 2}])
    assert s3.read("small.csv") == b"a\r\n1\r\n2\r\n"
    assert s3.parts("small.csv") == 0  # no PartsCount: a plain PutObject
    assert s3.uploads() == []


def _fail_after_first_page(tenant: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox answers 500 to every request after the first page of user progress."""
    original = TribooHook.iter_user_progress

    def then_fail(self: TribooHook, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        for number, report in enumerate(original(self, page_size)):
            if number == 0:
                httpx.post(
                    f"{tenant.url}/__sandbox__/faults",
                    json={"fail_next": 100, "fail_status": 500},
                ).raise_for_status()
            yield report

    monkeypatch.setattr(TribooHook, "iter_user_progress", then_fail)


@pytest.mark.parametrize("existing", [False, True], ids=["new key", "object already there"])
def test_a_failure_mid_export_leaves_nothing(
    tenant: Any,
    s3: S3,
    connect: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    existing: bool,
) -> None:
    connect(tenant.url, "demo-client", "demo-secret", max_retries=0, page_size=20)
    low_part_size(monkeypatch, 8 * 1024)
    sent: list[str] = []
    original = s3_module.S3Output._send_part

    def spied(self: Any, body: bytes) -> None:
        sent.append(self.key)
        original(self, body)

    monkeypatch.setattr(s3_module.S3Output, "_send_part", spied)
    # The export writes a chunk of reports at a time (a page at the largest size): small
    # chunks, so the first page's rows reach S3 before the failure, as on a large tenant.
    monkeypatch.setattr("triboo_provider.columnar.REPORTS_PER_CHUNK", 5)
    _fail_after_first_page(tenant, monkeypatch)
    if existing:
        s3.client.put_object(Bucket=s3.bucket, Key="out/progress.csv", Body=b"yesterday")
    operator = TribooExportUserProgressOperator(
        task_id="p",
        path=s3.url("out/progress.csv"),
        badges_path=s3.url("out/badges.csv"),
        format="csv",
    )
    with pytest.raises(TribooError, match="HTTP 500"):
        run(operator)
    assert "out/progress.csv" in sent  # parts had been uploaded when it failed
    assert s3.uploads() == []  # and were aborted
    assert s3.keys() == (["out/progress.csv"] if existing else [])
    if existing:
        assert s3.read("out/progress.csv") == b"yesterday"


def test_a_failed_course_export_leaves_nothing(
    tenant: Any, s3: S3, connect: Callable[..., None]
) -> None:
    connect(tenant.url, "demo-client", "demo-secret", max_retries=0)
    httpx.post(
        f"{tenant.url}/__sandbox__/faults", json={"fail_next": 100, "fail_status": 500}
    ).raise_for_status()
    for operator in _exports(tenant, s3.url("x"), "parquet").values():
        with pytest.raises(TribooError):
            run(operator)
    assert s3.keys() == []
    assert s3.uploads() == []


def test_second_table_refused_at_commit_removes_the_first(
    s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both tables appear or neither, even when S3 refuses the second completion."""
    schema = pa.schema([("a", pa.int64())])
    original = s3_module.S3Output.commit

    def refuse_badges(self: Any) -> None:
        if self.key.endswith("badges.csv"):
            raise OSError("S3 refused")
        original(self)

    monkeypatch.setattr(s3_module.S3Output, "commit", refuse_badges)
    first = ObjectStoragePath(s3.url("t/main.csv"))
    second = ObjectStoragePath(s3.url("t/badges.csv"))

    def write_both() -> None:
        with atomic_tables((first, "csv", schema), (second, "csv", schema)) as (a, b):
            a.write([{"a": 1}])
            b.write([{"a": 2}])

    with pytest.raises(OSError, match="S3 refused"):
        write_both()
    assert s3.keys() == []
    assert s3.uploads() == []


def test_s3_refusing_a_part_mid_upload_leaves_nothing(
    s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store fails during the upload (a 500 on the second part): OSError naming the
    call and S3's code, the upload aborted, no object."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    low_part_size(monkeypatch, 8 * 1024)
    original = s3_module.S3Output._send_part
    calls: list[int] = []

    def second_fails(self: Any, body: bytes) -> None:
        calls.append(len(body))
        if len(calls) == 2:
            client = self._client
            upload_part = client.upload_part

            def refuse(**kwargs: Any) -> Any:
                raise ClientError(
                    {
                        "Error": {"Code": "InternalError"},
                        "ResponseMetadata": {"HTTPStatusCode": 500},
                    },
                    "UploadPart",
                )

            client.upload_part = refuse
            try:
                original(self, body)
            finally:
                client.upload_part = upload_part
        else:
            original(self, body)

    monkeypatch.setattr(s3_module.S3Output, "_send_part", second_fails)
    path = ObjectStoragePath(s3.url("refused.csv"))

    def export() -> None:
        with atomic_table(path, "csv", pa.schema([("a", pa.string())])) as writer:
            writer.write([{"a": "x" * 1000}] * 100)

    with pytest.raises(OSError, match=r"refused.csv: UploadPart failed \(InternalError\)"):
        export()
    assert len(calls) == 2
    assert s3.keys() == []
    assert s3.uploads() == []


def test_two_runs_writing_one_key_leave_one_whole_object(s3: S3) -> None:
    """Interleaved: the object is whichever run completed last, never a mix."""
    schema = pa.schema([("run", pa.string()), ("n", pa.int64())])
    path = ObjectStoragePath(s3.url("shared/out.parquet"))
    with atomic_table(path, "parquet", schema) as first:
        with atomic_table(path, "parquet", schema) as second:
            first.write({"run": "first", "n": n} for n in range(1000))
            second.write({"run": "second", "n": n} for n in range(10))
            assert s3.keys() == []  # neither is visible while written
        assert pq.read_table(io.BytesIO(s3.read("shared/out.parquet"))).num_rows == 10
    table = pq.read_table(io.BytesIO(s3.read("shared/out.parquet")))
    assert set(table.column("run").to_pylist()) == {"first"}
    assert table.num_rows == 1000
    assert s3.uploads() == []


def test_badges_naming_the_same_object_by_another_connection_is_refused(
    tenant: Any, s3: S3
) -> None:
    before = tenant.sandbox.requests
    operator = TribooExportUserProgressOperator(
        task_id="p", path=s3.url("p.csv"), badges_path=s3.url("p.csv", conn_id=None)
    )
    with pytest.raises(TribooInputError, match="badges_path: the same file as path"):
        run(operator)
    assert tenant.sandbox.requests == before
    assert s3.keys() == []


def test_a_missing_bucket_fails_before_any_triboo_call(tenant: Any, s3: S3) -> None:
    before = tenant.sandbox.requests
    for operator in _exports(tenant, "s3://aws_test@no-such-bucket-here/x", "parquet").values():
        with pytest.raises(FileNotFoundError, match="bucket 'no-such-bucket-here' does not exist"):
            run(operator)
    assert tenant.sandbox.requests == before


def test_no_credentials_fail_before_any_triboo_call(
    tenant: Any, s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL naming no connection uses boto3's credential chain, empty here."""
    hermetic_aws(monkeypatch)
    before = tenant.sandbox.requests
    operator = TribooExportCoursesOperator(task_id="c", path=s3.url("c.parquet", conn_id=None))
    with pytest.raises(PermissionError, match="no AWS credentials") as raised:
        run(operator)
    assert "testing-secret-key" not in str(raised.value)
    assert tenant.sandbox.requests == before
    assert s3.keys() == []


def test_credentials_s3_refuses_are_a_permission_error(
    tenant: Any, s3: S3, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto checks signatures against its IAM users once told to: the connection's key is
    none of them, so S3 answers 403 InvalidAccessKeyId."""
    import moto.settings

    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    before = tenant.sandbox.requests
    operator = TribooExportCoursesOperator(task_id="c", path=s3.url("c.parquet"))
    with pytest.raises(PermissionError, match=r"access denied \(InvalidAccessKeyId\)") as raised:
        run(operator)
    assert "testing-secret-key" not in str(raised.value)
    assert tenant.sandbox.requests == before


def test_a_url_naming_no_object_is_refused(s3: S3) -> None:
    bucket_only = ObjectStoragePath(f"s3://aws_test@{s3.bucket}")
    with pytest.raises(TribooInputError, match="path: names a bucket but no object"):
        atomic_table(bucket_only, "csv", pa.schema([])).__enter__()
    assert s3.uploads() == []


_WRITER = textwrap.dedent(
    """
    import sys, time, pyarrow as pa
    from airflow.sdk import ObjectStoragePath
    from triboo_provider import s3_multipart
    from triboo_provider.writers import atomic_table
    s3_multipart.PART_BYTES = 8 * 1024
    with atomic_table(ObjectStoragePath(sys.argv[1]), "csv", pa.schema([("a", pa.string())])) as w:
        while True:
            w.write([{"a": "x" * 1000}] * 10)
            time.sleep(0.05)
    """
)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_a_task_killed_mid_upload_leaves_no_object(
    s3: S3, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
) -> None:
    """Airflow stops a task with SIGINT, then SIGTERM, then SIGKILL. SIGINT is an exception
    in the task: the upload is aborted. SIGKILL leaves no object either, but its parts stay
    (invisible) until a lifecycle rule removes them, as README says."""
    low_part_size(monkeypatch, 8 * 1024)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, s3.url("killed.csv")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            uploads = s3.uploads()
            if uploads and s3.client.list_parts(
                Bucket=s3.bucket, Key="killed.csv", UploadId=uploads[0]["UploadId"]
            ).get("Parts"):
                break
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
            time.sleep(0.1)
        else:
            pytest.fail("no part was uploaded")
        writer.send_signal(sig)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        if writer.stderr:
            writer.stderr.close()
    assert s3.keys() == []
    left = s3.uploads()
    if sig == signal.SIGINT:
        assert left == []
    else:
        assert [u["Key"] for u in left] == ["killed.csv"]
        for upload in left:
            s3.client.abort_multipart_upload(
                Bucket=s3.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            )
