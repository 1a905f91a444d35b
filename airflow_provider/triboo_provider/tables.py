"""The exported tables: stable column sets and types, and how reports flatten into them.

``USER_PROGRESS``: one row per user and enrolled course. ``BADGES``: one row per user,
course and badge. ``COURSE_PROGRESS``: one row per enrollment of a course report.
``COURSES``: one row per course. Timestamps are UTC; missing values are null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa

from triboo_provider.formats import timestamp

_TS = pa.timestamp("us", tz="UTC")
_PROGRESS = [
    ("status", pa.string()),
    ("progress", pa.int64()),
    ("current_score", pa.int64()),
    ("total_time_spent", pa.int64()),
    ("enrollment_date", _TS),
    ("completion_date", _TS),
]
USER_PROGRESS = pa.schema(
    [
        ("user_id", pa.int64()),
        ("username", pa.string()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("course_id", pa.string()),
        ("course_title", pa.string()),
        *_PROGRESS,
        ("badges_earned", pa.int64()),
        ("badges_total", pa.int64()),
    ]
)
BADGES = pa.schema(
    [
        ("user_id", pa.int64()),
        ("course_id", pa.string()),
        ("badge", pa.string()),
        ("score", pa.float64()),
        ("success", pa.bool_()),
        ("success_date", _TS),
    ]
)
COURSE_PROGRESS = pa.schema(
    [
        ("course_id", pa.string()),
        ("course_title", pa.string()),
        ("user_id", pa.int64()),
        ("username", pa.string()),
        ("name", pa.string()),
        *_PROGRESS,
        ("from_date", pa.date32()),
        ("to_date", pa.date32()),
    ]
)
COURSES = pa.schema(
    [
        ("course_id", pa.string()),
        ("display_name", pa.string()),
        ("course_category", pa.string()),
        ("language", pa.string()),
        ("start", _TS),
        ("modified", _TS),
        ("tags", pa.string()),
        ("description", pa.string()),
        ("duration", pa.string()),
        ("overview_url", pa.string()),
    ]
)


def _joined(tags: Any) -> str:
    """Tags ``;``-joined; a single string is one tag, never its characters."""
    if isinstance(tags, str):
        return tags
    return ";".join(str(tag) for tag in tags or ())


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _progress(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": entry.get("status"),
        "progress": _int(entry.get("progress")),
        "current_score": _int(entry.get("current_score")),
        "total_time_spent": _int(entry.get("total_time_spent")),
        "enrollment_date": timestamp(entry.get("enrollment_date")),
        "completion_date": timestamp(entry.get("completion_date")),
    }


def user_progress_rows(reports: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per user and course of user progress reports (plain JSON).

    The hot loop of every export, so written out flat rather than through ``_progress``.
    """
    for report in reports:
        user_id, username = int(report["user_id"]), report.get("username")
        name, email = report.get("name"), report.get("email")
        for course in report.get("courses") or ():
            badges = course.get("badges") or ()
            progress = course.get("progress")
            score = course.get("current_score")
            spent = course.get("total_time_spent")
            yield {
                "user_id": user_id,
                "username": username,
                "name": name,
                "email": email,
                "course_id": course["course_id"],
                "course_title": course.get("course_title"),
                "status": course.get("status"),
                "progress": None if progress is None else int(progress),
                "current_score": None if score is None else int(score),
                "total_time_spent": None if spent is None else int(spent),
                "enrollment_date": timestamp(course.get("enrollment_date")),
                "completion_date": timestamp(course.get("completion_date")),
                "badges_earned": sum([1 for badge in badges if badge.get("success")]),
                "badges_total": len(badges),
            }


def badge_rows(reports: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for report in reports:
        for course in report.get("courses") or ():
            for badge in course.get("badges") or ():
                score = badge.get("score")
                yield {
                    "user_id": int(report["user_id"]),
                    "course_id": course["course_id"],
                    "badge": badge.get("badge"),
                    "score": None if score is None else float(score),
                    "success": badge.get("success"),
                    "success_date": timestamp(badge.get("success_date")),
                }


def course_progress_rows(
    report: dict[str, Any], start: dt.date | None, end: dt.date | None
) -> Iterator[dict[str, Any]]:
    for entry in report.get("enrollments") or ():
        yield {
            "course_id": report["course_id"],
            "course_title": report.get("course_title"),
            "user_id": int(entry["user_id"]),
            "username": entry.get("username"),
            "name": entry.get("name"),
            **_progress(entry),
            "from_date": start,
            "to_date": end,
        }


def course_rows(courses: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for course in courses:
        yield {
            "course_id": course["id"],
            "display_name": course.get("display_name"),
            "course_category": course.get("course_category"),
            "language": course.get("language"),
            "start": timestamp(course.get("start")),
            "modified": timestamp(course.get("modified")),
            "tags": _joined(course.get("tags")),
            "description": course.get("description") or course.get("short_description"),
            "duration": course.get("duration") or course.get("effort"),
            "overview_url": course.get("overview_url"),
        }
