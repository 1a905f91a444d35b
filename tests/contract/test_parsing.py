"""Answers from both server generations, and from servers newer than the spec, parse."""

from __future__ import annotations

import datetime as dt

import pytest
from triboo_client import models


def test_unknown_enum_values_are_kept_as_strings() -> None:
    user = models.User.from_dict(
        {
            "user_id": 1,
            "username": "a",
            "email": "a@x.com",
            "platform_role": "Chief Learner",
            "analytics_access": "Partial",
            "gender": "x",
            "level_of_education": "phd",
        }
    )
    assert user.platform_role == "Chief Learner"
    assert user.analytics_access == "Partial"
    course = models.Course.from_dict({"id": "course-v1:a+b+c", "course_category": "online"})
    assert course.course_category == "online"
    progress = models.UserCourseProgress.from_dict({"course_id": "c", "status": "Paused"})
    assert progress.status == "Paused"
    result = models.DeactivationResult.from_dict(
        {"user_id": 1, "username": "a", "status": "frozen"}
    )
    assert result.status == "frozen"


@pytest.mark.parametrize("role", ["Platform Super Admin", "Super Platform Admin"])
def test_both_spellings_of_the_super_admin_role(role: str) -> None:
    user = models.User.from_dict(
        {"user_id": 1, "username": "a", "email": "a@x.com", "platform_role": role}
    )
    assert user.platform_role == role


def test_fields_newer_than_the_spec_are_kept() -> None:
    payload = {"user_id": 1, "username": "a", "email": "a@x.com", "acme_catalog_access": True}
    user = models.User.from_dict(payload)
    assert user.additional_properties == {"acme_catalog_access": True}
    assert user.to_dict() == payload


@pytest.mark.parametrize(
    ("body", "detail", "status"),
    [
        ({"detail": "Username already used"}, "Username already used", None),
        ({"status": "username_already_used"}, None, "username_already_used"),
    ],
)
def test_both_error_generations_parse(
    body: dict[str, str], detail: str | None, status: str | None
) -> None:
    error = models.ApiError.from_dict(body)
    assert (error.detail or None) == detail
    assert (error.status or None) == status


def test_ilt_supervisor_is_an_email_or_a_2021_boolean() -> None:
    for value in ("boss@example.com", True, None):
        user = models.User.from_dict(
            {"user_id": 1, "username": "a", "email": "a@x.com", "lt_ilt_supervisor": value}
        )
        assert user.lt_ilt_supervisor == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-04-28T03:58:04.346006Z", dt.datetime(2020, 4, 28, 3, 58, 4, 346006, tzinfo=dt.UTC)),
        ("2020-04-28T03:58:04Z", dt.datetime(2020, 4, 28, 3, 58, 4, tzinfo=dt.UTC)),
        # The vendor document's format: naive; the hook normalises naive datetimes to UTC.
        ("2021-08-01 01:00:00.0000", dt.datetime(2021, 8, 1, 1, 0, 0)),
    ],
)
def test_timestamps_with_and_without_microseconds(text: str, expected: dt.datetime) -> None:
    entry = models.CourseEnrollmentProgress.from_dict(
        {"user_id": 1, "username": "a", "enrollment_date": text, "completion_date": None}
    )
    assert entry.enrollment_date == expected
    assert entry.completion_date is None


def test_progress_fields_may_be_null_without_a_snapshot() -> None:
    entry = models.CourseEnrollmentProgress.from_dict(
        {
            "user_id": 1,
            "username": "a",
            "status": None,
            "progress": None,
            "current_score": None,
            "total_time_spent": None,
        }
    )
    assert entry.progress is None
    assert entry.status is None
