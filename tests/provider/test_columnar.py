"""The columnar user progress path gives exactly the row path's output.

The row path (``tables.user_progress_rows`` then Arrow) is the reference: on generated
pages, with the vendor's naive timestamps, offsets, nulls, unicode, missing keys and
values of the wrong type, the columnar batch equals the row path's batch, or both raise
the same error; Parquet files hold equal tables in the same row groups, CSV and JSON
Lines files are the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from triboo_provider import columnar, tables
from triboo_provider.formats import BATCH_ROWS, TableWriter


def row_path(reports: list[dict[str, Any]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(
        list(tables.user_progress_rows(reports)), schema=tables.USER_PROGRESS
    )


def outcome(build: Any, reports: list[dict[str, Any]]) -> Any:
    try:
        return build(reports)
    except Exception as problem:  # compared by type below
        return type(problem)


def assert_same(reports: list[dict[str, Any]]) -> None:
    expected, got = outcome(row_path, reports), outcome(columnar.user_progress_batch, reports)
    if isinstance(expected, pa.RecordBatch):
        assert isinstance(got, pa.RecordBatch), got
        assert got.schema == tables.USER_PROGRESS
        assert got.equals(expected), (got.to_pylist(), expected.to_pylist())
    else:
        assert got is expected


def vendor_page(users: int, start: int = 0) -> list[dict[str, Any]]:
    """A page as the vendor sends it: naive and zoned timestamps, nulls, unicode, keys
    missing, users without courses, badges with and without success."""
    page: list[dict[str, Any]] = []
    for n in range(start, start + users):
        courses = []
        for c in range(n % 5):
            course: dict[str, Any] = {
                "course_id": f"course-v1:acme+C{c}+2024",
                "course_title": ["Éthique", "Leadership 領導", "Négociation 🤝", None][c % 4],
                "status": ["enrolled", "in_progress", "completed"][c % 3],
                "progress": [0, 50, 100, None][(n + c) % 4],
                "current_score": (n * c) % 101,
                "total_time_spent": n * 7 + c,
                "enrollment_date": [
                    "2021-08-01 01:00:00.0000",
                    "2024-02-29T23:59:59Z",
                    "2024-03-01T10:00:00.123456Z",
                    "2024-03-01T10:00:00+02:00",
                ][(n + c) % 4],
                "completion_date": [None, "2024-06-30 12:30:00.5000", "2024-07-01T00:00:00Z"][
                    (n + c) % 3
                ],
                "badges": [{"badge": "b", "success": s, "score": 1.0} for s in (True, False, None)][
                    : (n + c) % 4
                ]
                or None,
            }
            if (n + c) % 7 == 0:
                del course["course_title"], course["completion_date"]
            courses.append(course)
        report: dict[str, Any] = {
            "user_id": n + 1,
            "username": f"user{n}",
            "name": ["Zoë Ångström", "李雷", None][n % 3],
            "email": f"user{n}@example.com",
            "courses": courses if n % 6 else None,
        }
        if n % 11 == 0:
            del report["email"]
        page.append(report)
    return page


def test_vendor_page_takes_the_columnar_path_and_equals_the_row_path() -> None:
    page = vendor_page(300)
    # The fast path itself, not its fallback, answers a page of the vendor's shapes.
    batch = columnar._columns(page)
    assert batch.equals(row_path(page))
    assert batch.num_rows == sum(len(r["courses"] or ()) for r in page)
    flat = [course for report in page for course in report["courses"] or ()]
    row = next(i for i, c in enumerate(flat) if c["enrollment_date"].startswith("2021"))
    # The vendor's naive format is UTC.
    assert batch.column("enrollment_date")[row].as_py() == dt.datetime(2021, 8, 1, 1, tzinfo=dt.UTC)


def test_empty_pages_and_users_without_courses() -> None:
    assert_same([])
    assert_same([{"user_id": 1, "courses": []}, {"user_id": 2}])
    assert columnar.user_progress_batch([]).num_rows == 0


@pytest.mark.parametrize(
    "course",
    [
        {"course_id": "c", "progress": "50"},  # a number as text: int("50")
        {"course_id": "c", "progress": True},  # a boolean: int(True)
        {"course_id": "c", "progress": 12.9},  # truncated, as int() does
        {"course_id": "c", "progress": float("nan")},  # ValueError
        {"course_id": "c", "progress": 2**70},  # OverflowError
        {"course_id": "c", "enrollment_date": ""},  # empty: null
        {"course_id": "c", "enrollment_date": "2024-03-01"},  # a date alone
        {"course_id": "c", "enrollment_date": "2024-03-01T10:00:00.1234567Z"},  # 7 digits
        {"course_id": "c", "enrollment_date": "2024-03-01T10:00:00+02:00:30"},
        {"course_id": "c", "enrollment_date": "2024-02-30T10:00:00Z"},  # no such day
        {"course_id": "c", "enrollment_date": "yesterday"},
        {"course_id": "c", "enrollment_date": 1700000000},
        {"course_id": "c", "badges": [{"success": "yes"}]},  # truthy, not a boolean
        {"course_id": "c", "badges": [{"success": 1}, {"success": 0}]},
        {"course_id": "c", "badges": [None]},  # AttributeError
        {"course_id": "c", "badges": ["gold"]},
        {"course_id": "c", "badges": {}},  # empty: no badges
        {"course_id": "c", "status": 3},  # ArrowTypeError, both ways
        {"course_id": None},
        {"course_title": "no id"},  # KeyError
    ],
)
def test_odd_values_give_what_the_row_path_gives(course: dict[str, Any]) -> None:
    assert_same([{"user_id": 1, "courses": [course]}, *vendor_page(3, start=1)])


@pytest.mark.parametrize(
    "report",
    [
        {"courses": []},  # KeyError
        {"user_id": None},  # TypeError
        {"user_id": "7", "courses": [{"course_id": "c"}]},
        {"user_id": 1, "courses": {}},
        {"user_id": 1, "courses": [None]},
        {"user_id": 1, "courses": "c"},
    ],
)
def test_odd_reports_give_what_the_row_path_gives(report: dict[str, Any]) -> None:
    assert_same([*vendor_page(2), report])


TIMESTAMPS = st.one_of(
    st.none(),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")[:-2]),  # the vendor's
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
    st.datetimes().map(lambda d: d.isoformat(timespec="seconds") + "+05:30"),
    st.sampled_from(["", "2024-01-01", "2024-13-01T00:00:00Z", "x"]),
)
INTS = st.one_of(
    st.none(), st.integers(-(2**62), 2**62), st.floats(-1e6, 1e6), st.just("5"), st.booleans()
)
TEXT = st.one_of(st.none(), st.text(max_size=8))
BADGE = st.fixed_dictionaries({}, optional={"success": st.one_of(st.none(), st.booleans())})
COURSE = st.fixed_dictionaries(
    {"course_id": st.text(max_size=5)},
    optional={
        "course_title": TEXT,
        "status": TEXT,
        "progress": INTS,
        "current_score": INTS,
        "total_time_spent": INTS,
        "enrollment_date": TIMESTAMPS,
        "completion_date": TIMESTAMPS,
        "badges": st.one_of(st.none(), st.lists(BADGE, max_size=3)),
    },
)
REPORT = st.fixed_dictionaries(
    {"user_id": st.integers(0, 2**62)},
    optional={
        "username": TEXT,
        "name": TEXT,
        "email": TEXT,
        "courses": st.one_of(st.none(), st.lists(COURSE, max_size=4)),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(REPORT, max_size=6))
def test_generated_pages_equal_the_row_path(reports: list[dict[str, Any]]) -> None:
    assert_same(reports)


def written(fmt: str, feed: Any) -> bytes:
    handle = io.BytesIO()
    writer = TableWriter(handle, fmt, tables.USER_PROGRESS)
    feed(writer)
    writer.close()
    return handle.getvalue()


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_files_are_the_row_paths(fmt: str) -> None:
    """Pages fed a chunk at a time give the file that rows fed one by one gave."""
    pages = [vendor_page(1000, start=n * 1000) for n in range(9)]

    def rows(writer: TableWriter) -> None:
        for page in pages:
            writer.write(tables.user_progress_rows(page))

    def chunks(writer: TableWriter) -> None:
        for page in pages:
            for chunk in columnar.chunked(page, 700):
                columnar.write_user_progress(writer, chunk)

    old, new = written(fmt, rows), written(fmt, chunks)
    if fmt != "parquet":
        assert new == old
        return
    old_file, new_file = pq.ParquetFile(io.BytesIO(old)), pq.ParquetFile(io.BytesIO(new))
    assert new_file.read().equals(old_file.read())
    assert new_file.schema_arrow == old_file.schema_arrow == tables.USER_PROGRESS
    groups = [new_file.metadata.row_group(i).num_rows for i in range(new_file.num_row_groups)]
    assert groups == [
        old_file.metadata.row_group(i).num_rows for i in range(old_file.num_row_groups)
    ]
    assert groups[0] == BATCH_ROWS
    assert len(groups) > 1


def test_rows_written_before_a_batch_come_first() -> None:
    page = vendor_page(50)
    handle = io.BytesIO()
    writer = TableWriter(handle, "parquet", tables.USER_PROGRESS)
    writer.write(tables.user_progress_rows(page[:20]))
    writer.extend(columnar.user_progress_batch(page[20:]))
    writer.close()
    assert pq.read_table(io.BytesIO(handle.getvalue())).equals(
        pa.Table.from_batches([row_path(page)])
    )
    assert writer.rows == row_path(page).num_rows


def test_chunked() -> None:
    assert list(columnar.chunked(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(columnar.chunked([], 3)) == []
