"""No secret or token in any log line or error, and server data cannot steer output paths."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triboo_provider.exceptions import TribooError
from triboo_provider.operators.enrollments import TribooBulkEnrollOperator
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.operators.users import (
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
    TribooUpdateUsersOperator,
)
from triboo_provider.tables import user_progress_rows
from triboo_provider.writers import safe_name

SECRET = "demo-secret"


def operators(tmp_path: Path, course: str) -> list[Any]:
    row = {
        "username": "sec.user",
        "email": "sec.user@example.com",
        "first_name": "S",
        "last_name": "U",
        "name": "S U",
    }
    return [
        TribooCreateUsersOperator(task_id="create", users=[row]),
        TribooUpdateUsersOperator(
            task_id="update", users=[{"username": "sec.user", "city": "Oslo"}]
        ),
        TribooBulkEnrollOperator(task_id="enroll", identifiers=["sec.user"], courses=[course]),
        TribooBulkEnrollOperator(
            task_id="enroll_ext", identifiers=["sec.user"], courses=[course], endpoint="extended"
        ),
        TribooExportUserProgressOperator(task_id="progress", path=str(tmp_path / "p.parquet")),
        TribooExportCourseProgressOperator(
            task_id="course", course_id=course, output_dir=str(tmp_path)
        ),
        TribooExportCoursesOperator(task_id="courses", path=str(tmp_path / "c.csv"), format="csv"),
        TribooDeactivateUsersOperator(task_id="leave", usernames=["sec.user"]),
    ]


def test_no_secret_or_token_at_debug_level(
    sandbox: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    course = next(k for k, c in sandbox.sandbox.store.courses.items() if c.org == "acme")
    results, errors = [], []
    for operator in operators(tmp_path, course):
        try:
            results.append(operator.execute({}))
        except TribooError as problem:
            errors.append(str(problem))
        finally:
            operator.post_execute({})
    # One more run that fails, so error texts are searched too.
    failing = TribooExportCourseProgressOperator(
        task_id="bad", course_id="course-v1:acme+NOPE+1", output_dir=str(tmp_path)
    )
    try:
        with pytest.raises(TribooError) as raised:
            failing.execute({})
    finally:
        failing.post_execute({})
    errors.append(str(raised.value))
    tokens = list(sandbox.sandbox.tokens)
    assert len(tokens) >= 2  # Bearer and JWT tokens were issued
    out, err = capfd.readouterr()
    searched = "\n".join([caplog.text, out, err, *errors, json.dumps(results, default=str)])
    assert "HTTP 404" in searched  # the failure was captured
    for secret in [SECRET, *tokens]:
        assert secret not in searched
    for path in tmp_path.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert all(secret.encode() not in content for secret in [SECRET, *tokens]), path


HOSTILE = [
    "../../etc/passwd",
    "/absolute/key",
    "..",
    ".hidden",
    "course-v1:a+b+c/../../x",
    "a\x00b",
    "con:\\windows",
    "~root",
    "",
    "😀",
]


@pytest.mark.parametrize("key", HOSTILE)
def test_server_keys_cannot_escape_the_output_folder(tmp_path: Path, key: str) -> None:
    name = safe_name(key)
    target = (tmp_path / name).resolve()
    assert target.parent == tmp_path.resolve()
    assert name not in ("", ".", "..")
    assert not name.startswith(".")


@given(st.text())
def test_any_text_gives_a_plain_file_name(key: str) -> None:
    name = safe_name(key)
    assert name
    assert "/" not in name
    assert "\\" not in name
    assert not name.startswith(".")


badge = st.fixed_dictionaries(
    {
        "badge": st.text(max_size=5),
        "score": st.one_of(st.none(), st.floats(0, 100)),
        "success": st.booleans(),
        "success_date": st.none(),
    }
)
course = st.fixed_dictionaries(
    {
        "course_id": st.text(min_size=1, max_size=10),
        "course_title": st.one_of(st.none(), st.text(max_size=5)),
        "status": st.one_of(
            st.none(), st.sampled_from(["Not Started", "In Progress", "Successful", "Paused"])
        ),
        "progress": st.one_of(st.none(), st.integers(0, 100)),
        "current_score": st.one_of(st.none(), st.integers(0, 100)),
        "total_time_spent": st.one_of(st.none(), st.integers(0, 10**7)),
        "enrollment_date": st.one_of(st.none(), st.datetimes().map(lambda d: d.isoformat() + "Z")),
        "completion_date": st.none(),
        "badges": st.lists(badge, max_size=3),
    }
)
report = st.fixed_dictionaries(
    {
        "user_id": st.integers(1, 10**9),
        "username": st.text(max_size=8),
        "name": st.text(max_size=8),
        "courses": st.lists(course, max_size=4),
    }
)


@given(st.lists(report, max_size=5))
def test_flattening_keeps_one_row_per_user_and_course(reports: list[dict[str, Any]]) -> None:
    rows = list(user_progress_rows(reports))
    assert len(rows) == sum(len(r["courses"]) for r in reports)
    expected = [
        (
            r["user_id"],
            c["course_id"],
            c["progress"],
            len(c["badges"]),
            sum(b["success"] for b in c["badges"]),
        )
        for r in reports
        for c in r["courses"]
    ]
    assert [
        (
            row["user_id"],
            row["course_id"],
            row["progress"],
            row["badges_total"],
            row["badges_earned"],
        )
        for row in rows
    ] == expected
    for row in rows:
        moment = row["enrollment_date"]
        assert moment is None or moment.utcoffset() is not None
