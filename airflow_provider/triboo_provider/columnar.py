"""The user progress table built column by column: a page of reports straight into Arrow.

The row path (:func:`triboo_provider.tables.user_progress_rows`) builds a Python dict per
row, parses two timestamps per row in Python, then hands the rows to Arrow, which looks
every column up again in every dict: most of an export's client CPU. Here Arrow converts
the page's nested JSON in one pass (C++), flattens the courses, repeats each user's
fields over that user's courses, counts badges and parses the timestamps itself.

The output is the row path's, value for value (tests compare both on generated pages).
Arrow is stricter than the row path in places (a number given as text, a boolean where
an integer belongs, a timestamp Arrow cannot read, a missing key where the row path
raises ``KeyError``): whenever the fast path meets anything it cannot prove equal, the
page goes through the row path instead, which gives its usual values or raises its usual
error. Parquet takes the batches as they are; CSV and JSON Lines keep the row path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from triboo_provider import tables
from triboo_provider.formats import TableWriter, timestamp

_TS = pa.timestamp("us", tz="UTC")
_COURSE = pa.struct(
    [
        ("course_id", pa.string()),
        ("course_title", pa.string()),
        ("status", pa.string()),
        ("progress", pa.int64()),
        ("current_score", pa.int64()),
        ("total_time_spent", pa.int64()),
        ("enrollment_date", pa.string()),
        ("completion_date", pa.string()),
        ("badges", pa.list_(pa.struct([("success", pa.bool_())]))),
    ]
)
_REPORT = pa.struct(
    [
        ("user_id", pa.int64()),
        ("username", pa.string()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("courses", pa.list_(_COURSE)),
    ]
)
# The ISO forms whose meaning Arrow's parser and datetime.fromisoformat agree on; a value
# of any other form (a date alone, a comma, seven fraction digits) is parsed in Python.
_ISO = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$"
_ZONE = r"(Z|[+-]\d{2}:\d{2})$"
# What the fast path may raise on data it cannot take; the row path then decides.
_REFUSED = (pa.ArrowException, TypeError, ValueError, OverflowError, KeyError)


REPORTS_PER_CHUNK = 1000  # reports per batch: one page at the largest page size


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _RowPath(Exception):
    """The page holds something only the row path can answer for."""


def write_user_progress(writer: TableWriter, reports: Sequence[dict[str, Any]]) -> None:
    """Append the user progress rows of ``reports`` (plain JSON) to ``writer``.

    Parquet gets one columnar batch per call (:func:`user_progress_batch`); CSV and JSON
    Lines get the row path's dicts, so their bytes are exactly what they were (a
    timestamp's offset, for one, is written as the server gave it).

    :raises KeyError: a report without ``user_id`` or a course without ``course_id``.
    :raises TypeError: or ``ValueError``, ``AttributeError``, ``pyarrow.ArrowException``:
        a value of a shape the table cannot take (as the row path raises them).
    """
    if writer.fmt == "parquet":
        writer.extend(user_progress_batch(reports))
    else:
        writer.write(tables.user_progress_rows(reports))


def user_progress_batch(reports: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    """The :data:`~triboo_provider.tables.USER_PROGRESS` rows of ``reports`` as one batch:
    one row per user and course, in the reports' order; raises what the row path raises."""
    try:
        return _columns(reports)
    except (_RowPath, *_REFUSED):
        return pa.RecordBatch.from_pylist(
            list(tables.user_progress_rows(reports)), schema=tables.USER_PROGRESS
        )


def _columns(reports: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    if set(map(type, reports)) - {dict}:
        raise _RowPath  # Arrow would read a tuple as a struct; the row path refuses it
    users = pa.array(reports, type=_REPORT)
    # A missing user_id or course_id is a KeyError in the row path, a null here.
    if users.field("user_id").null_count:
        raise _RowPath
    courses_list = users.field("courses")
    courses = pc.list_flatten(courses_list)
    if courses.null_count or courses.field("course_id").null_count:
        raise _RowPath
    owner = pc.list_parent_indices(courses_list)
    badges = courses.field("badges")
    if pc.list_flatten(badges).null_count:
        raise _RowPath  # a null badge is an AttributeError in the row path
    columns = {
        name: users.field(name).take(owner) for name in ("user_id", "username", "name", "email")
    }
    for name in ("course_id", "course_title", "status", "progress", "current_score"):
        columns[name] = courses.field(name)
    columns["total_time_spent"] = courses.field("total_time_spent")
    columns["enrollment_date"] = _timestamps(courses.field("enrollment_date"))
    columns["completion_date"] = _timestamps(courses.field("completion_date"))
    columns["badges_earned"] = _earned(badges)
    columns["badges_total"] = pc.fill_null(pc.list_value_length(badges), 0).cast(pa.int64())
    return pa.RecordBatch.from_arrays(
        [columns[name] for name in tables.USER_PROGRESS.names], schema=tables.USER_PROGRESS
    )


def _timestamps(texts: pa.Array) -> pa.Array:
    """Arrow parses the usual forms, a naive one (the vendor's) read as UTC as the row
    path reads it; a column with any other form is parsed in Python, value by value."""
    if pc.all(pc.fill_null(pc.match_substring_regex(texts, _ISO), True)).as_py() is False:
        return pa.array([timestamp(value) for value in texts.to_pylist()], type=_TS)
    if pc.all(pc.fill_null(pc.ends_with(texts, "Z"), True)).as_py() is not False:
        return texts.cast(_TS)  # all in UTC already (the current server): no zone to add
    zoned = pc.fill_null(pc.match_substring_regex(texts, _ZONE), True)
    utc = pc.if_else(zoned, texts, pc.binary_join_element_wise(texts, pa.scalar("Z"), ""))
    return utc.cast(_TS)


def _earned(badges: pa.ListArray) -> pa.Array:
    """Per course, how many of its badges have ``success`` true (a null is false)."""
    success = pc.fill_null(pc.list_flatten(badges).field("success"), False)
    # The running count of successes, read at each list's bounds: no per-course loop.
    running = pa.concat_arrays(
        [pa.array([0], pa.int64()), pc.cumulative_sum(success.cast(pa.int64()))]
    )
    bounds = pc.subtract(badges.offsets, badges.offsets[0])
    ends, starts = bounds[1:], bounds[:-1]
    return pc.subtract(running.take(ends), running.take(starts))
