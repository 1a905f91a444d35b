"""``triboo_provider.outputs.write_table``, the public helper DAG files write with: the
exports' path rule, the three formats, atomic (whole or nothing, the previous file kept),
and its errors; plus the format check of the writers underneath."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from airflow.sdk import ObjectStoragePath
from airflow.sdk.exceptions import AirflowFailException
from triboo_provider import formats
from triboo_provider.exceptions import TribooInputError
from triboo_provider.outputs import write_table
from triboo_provider.writers import atomic_table

from tests.s3_support import (  # noqa: F401 - fixtures
    S3,
    moto_url_fixture,
    s3_fixture,
)

SCHEMA = pa.schema(
    [
        ("course_id", pa.string()),
        ("enrolled", pa.int64()),
        ("rate", pa.float64()),
        ("at", pa.timestamp("us", tz="UTC")),
        ("day", pa.date32()),
    ]
)
ROWS = [
    {
        "course_id": "course-v1:a+b+c",
        "enrolled": 3,
        "rate": 0.6667,
        "at": dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC),
        "day": dt.date(2026, 11, 1),
    },
    {"course_id": 'x,"y"', "enrolled": 0, "rate": None, "at": None, "day": None},
]

CSV_LINES = [
    "course_id,enrolled,rate,at,day",
    "course-v1:a+b+c,3,0.6667,2026-11-01T08:30:00Z,2026-11-01",
    '"x,""y""",0,,,',
]


def _table() -> pa.Table:
    return pa.Table.from_pylist(ROWS, schema=SCHEMA)


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


def test_parquet_keeps_the_tables_schema_and_rows(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "out.parquet"
    # Several record batches: each is written as it is, none lost or repeated.
    table = pa.concat_tables([_table(), _table(), _table()])
    assert len(table.to_batches()) == 3

    written = write_table(path, table)

    assert written == {
        "path": str(path),
        "rows": 6,
        "bytes": path.stat().st_size,
        "format": "parquet",
    }
    read = pq.read_table(path)
    assert read.schema.equals(SCHEMA)
    assert read.to_pylist() == ROWS * 3
    assert _leftovers(path.parent) == []


def test_csv_and_jsonl_spell_values_as_the_exports_do(tmp_path: Path) -> None:
    csv_path = tmp_path / "out.csv"
    jsonl_path = tmp_path / "out.jsonl"

    assert write_table(str(csv_path), _table(), "csv")["rows"] == 2
    assert write_table(f"file://{jsonl_path}", _table(), "jsonl")["rows"] == 2

    assert csv_path.read_text(encoding="utf-8").splitlines() == CSV_LINES
    assert [json.loads(line) for line in jsonl_path.read_text().splitlines()] == [
        {
            "course_id": "course-v1:a+b+c",
            "enrolled": 3,
            "rate": 0.6667,
            "at": "2026-11-01T08:30:00Z",
            "day": "2026-11-01",
        },
        {"course_id": 'x,"y"', "enrolled": 0, "rate": None, "at": None, "day": None},
    ]


def test_an_empty_table_is_a_file_with_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    written = write_table(path, SCHEMA.empty_table(), "csv")
    assert written["rows"] == 0
    assert path.read_text() == "course_id,enrolled,rate,at,day\n"


def test_an_object_storage_path_is_read_by_the_exports_rule(tmp_path: Path) -> None:
    path = ObjectStoragePath(f"file://{tmp_path}/out.csv")
    written = write_table(path, _table(), "csv")
    assert written["path"] == str(path)
    assert (tmp_path / "out.csv").read_text().startswith("course_id,")


def test_a_failed_write_leaves_the_previous_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.csv"
    path.write_text("yesterday\n")

    def refuse(self: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(formats.TableWriter, "close", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_table(path, _table(), "csv")
    assert path.read_text() == "yesterday\n"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("path", "table", "fmt", "message"),
    [
        ("out.xlsx", None, "xlsx", "format must be one of csv, jsonl, parquet, not 'xlsx'"),
        ("out.csv", [{"a": 1}], "csv", "table: list is not a pyarrow.Table"),
        ("dir/", None, "csv", "path: 'dir/' ends in '/'"),
        ("s3://lake", None, "csv", "path: names a bucket but no object"),
        ("s3n://lake/x.csv", None, "csv", "s3n://"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    table: Any,
    fmt: Any,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TribooInputError) as caught:
        write_table(path, _table() if table is None else table, fmt)
    assert message in str(caught.value)
    assert isinstance(caught.value, AirflowFailException)  # no task retry
    assert os.listdir(tmp_path) == []


def test_an_existing_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(TribooInputError, match="is a folder"):
        write_table(tmp_path / "out.csv", _table(), "csv")


def test_the_writers_refuse_an_unknown_format_as_input(tmp_path: Path) -> None:
    """Was a bare ValueError, which Airflow retries (issue 15)."""
    with (
        pytest.raises(TribooInputError, match="format must be one of"),
        atomic_table(tmp_path / "x.txt", "txt", SCHEMA),
    ):
        pass
    assert os.listdir(tmp_path) == []


def test_an_s3_object_appears_whole(s3: S3) -> None:
    written = write_table(s3.url("completion/date=2026-11-01/completion.csv"), _table(), "csv")
    assert written["rows"] == 2
    body = s3.read("completion/date=2026-11-01/completion.csv")
    assert written["bytes"] == len(body)
    assert body.decode("utf-8").splitlines() == CSV_LINES
    assert s3.keys() == ["completion/date=2026-11-01/completion.csv"]
    assert s3.uploads() == []
