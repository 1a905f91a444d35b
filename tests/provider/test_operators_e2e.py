"""Every operator against the sandbox; the sandbox's state is checked afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
import pytest
from triboo_provider.batching import batches
from triboo_provider.exceptions import TribooError, TribooInputError, TribooPolicyError
from triboo_provider.operators.enrollments import Endpoint, TribooBulkEnrollOperator
from triboo_provider.operators.reports import (
    Format,
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.operators.users import (
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
    TribooUpdateUsersOperator,
)

from tests.operator_support import run
from tests.sandbox_data import expected_progress, exported_progress

HIRES = "username,email,first_name,last_name,name,lt_department\n" + "".join(
    f"hire{n},hire{n}@example.com,Hire,Number{n},Hire {n},Finance\n" for n in range(5)
)


def store_users(server: Any, prefix: str) -> list[Any]:
    return [u for u in server.sandbox.store.users.values() if u.username.startswith(prefix)]


def test_create_users_from_csv_once(sandbox: Any, tmp_path: Path) -> None:
    source = tmp_path / "hires.csv"
    source.write_text(HIRES)
    results = tmp_path / "results.csv"
    first = run(
        TribooCreateUsersOperator(task_id="c", users_path=str(source), results_path=str(results))
    )
    assert first == {
        "rows": 5,
        "created": 5,
        "skipped": 0,
        "updated": 0,
        "unchanged": 0,
        "inactive": 0,
        "results_path": str(results),
        "usernames": [f"hire{n}" for n in range(5)],
    }
    again = run(TribooCreateUsersOperator(task_id="c", users_path=str(source)))
    assert again["skipped"] == 5
    created = store_users(sandbox, "hire")
    assert len(created) == 5
    assert all(u.org == "acme" and u.profile["lt_department"] == "Finance" for u in created)
    lines = results.read_text().splitlines()
    ids = {u.username: u.user_id for u in created}
    assert lines[1] == f"line 2,hire0,created,{ids['hire0']}"


def test_update_policy_sends_only_changes(sandbox: Any) -> None:
    row = {
        "username": "jo",
        "email": "jo@example.com",
        "first_name": "Jo",
        "last_name": "X",
        "name": "Jo X",
    }
    run(TribooCreateUsersOperator(task_id="c", users=[row]))
    result = run(
        TribooCreateUsersOperator(task_id="c", users=[{**row, "city": "Lyon"}], if_exists="update")
    )
    assert result["updated"] == 1
    (user,) = store_users(sandbox, "jo")
    assert user.profile["city"] == "Lyon"
    assert (
        run(
            TribooCreateUsersOperator(
                task_id="c", users=[{**row, "city": "Lyon"}], if_exists="update"
            )
        )["unchanged"]
        == 1
    )


def test_fail_policy_creates_nothing(sandbox: Any) -> None:
    existing = next(iter(sandbox.sandbox.store.users.values()))
    rows = [
        {
            "username": "brand.new",
            "email": "brand.new@example.com",
            "first_name": "B",
            "last_name": "N",
            "name": "B N",
        },
        {
            "username": existing.username,
            "email": existing.email,
            "first_name": "A",
            "last_name": "B",
            "name": "A B",
        },
    ]
    with pytest.raises(
        TribooPolicyError, match=rf"1 refused by policy .*\n  row 2: user {existing.user_id} "
    ):
        run(TribooCreateUsersOperator(task_id="c", users=rows, if_exists="fail"))
    assert store_users(sandbox, "brand.new") == []


def test_bad_input_makes_no_call(sandbox: Any) -> None:
    before = sandbox.sandbox.requests
    with pytest.raises(TribooInputError, match="row 1, field email"):
        run(
            TribooCreateUsersOperator(
                task_id="c",
                users=[
                    {
                        "username": "x",
                        "email": "nope",
                        "first_name": "a",
                        "last_name": "b",
                        "name": "c",
                    }
                ],
            )
        )
    assert sandbox.sandbox.requests == before


def test_update_users_by_email_and_missing(sandbox: Any) -> None:
    user = next(
        u
        for u in sandbox.sandbox.store.users.values()
        if u.org == "acme" and u.is_active and not u.is_superuser
    )
    result = run(
        TribooUpdateUsersOperator(
            task_id="u",
            by="email",
            users=[
                {"email": user.email.upper(), "lt_department": "Legal", "username": user.username},
                {"email": "ghost@example.com", "city": "Nowhere"},
            ],
        )
    )
    assert result == {"rows": 2, "updated": 1, "unchanged": 0, "not_found": 1, "inactive": 0}
    assert user.profile["lt_department"] == "Legal"


def test_deactivate_is_idempotent(sandbox: Any) -> None:
    users = [
        u
        for u in sandbox.sandbox.store.users.values()
        if u.org == "acme" and u.is_active and not u.is_superuser
    ][:3]
    names = [u.username for u in users]
    first = run(TribooDeactivateUsersOperator(task_id="d", usernames=[*names, "ghost"]))
    assert first == {"rows": 4, "user_deactivated": 3, "user_not_found": 1}
    assert not any(u.is_active for u in users)
    again = run(TribooDeactivateUsersOperator(task_id="d", user_ids=[u.user_id for u in users]))
    assert again == {"rows": 3, "user_already_inactive": 3}
    with pytest.raises(TribooInputError, match="usernames item 2: no such user") as raised:
        run(
            TribooDeactivateUsersOperator(
                task_id="d", usernames=[names[0], "ghost"], fail_on_missing=True
            )
        )
    assert "ghost" not in str(raised.value)  # a person's name is never printed


@pytest.mark.parametrize("endpoint", ["upstream", "extended"])
def test_bulk_enroll_in_batches(sandbox: Any, endpoint: Endpoint) -> None:
    store = sandbox.sandbox.store
    users = [
        u for u in store.users.values() if u.org == "acme" and u.is_active and not u.is_superuser
    ]
    keys = [k for k, c in store.courses.items() if c.org == "acme"][-2:]
    for user in users[:7]:
        for key in keys:
            store.unenroll(user.user_id, key)
    identifiers = [u.username for u in users[:5]] + [users[5].email, users[6].email]
    result = run(
        TribooBulkEnrollOperator(
            task_id="e", identifiers=identifiers, courses=keys, endpoint=endpoint, batch_size=3
        )
    )
    assert result == {"pairs": 14, "enrolled": 14, "requests": 3}
    assert all(store.is_enrolled(u.user_id, k) for u in users[:7] for k in keys)
    again = run(
        TribooBulkEnrollOperator(
            task_id="e", identifiers=identifiers, courses=keys, endpoint=endpoint
        )
    )
    assert again == {"pairs": 14, "already_enrolled": 14, "requests": 1}


def test_pre_enrollment_of_unknown_emails(sandbox: Any) -> None:
    key = next(k for k, c in sandbox.sandbox.store.courses.items() if c.org == "acme")
    result = run(
        TribooBulkEnrollOperator(
            task_id="e",
            identifiers=["future@example.com", "nobody.here"],
            courses=[key],
            auto_enroll=True,
        )
    )
    assert result == {"pairs": 2, "pre_enrolled": 1, "invalid": 1, "requests": 1}
    assert sandbox.sandbox.store.allowed["future@example.com"] == {key: True}


def test_batches_helper() -> None:
    assert batches(list(range(5)), 2) == [[0, 1], [2, 3], [4]]


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_user_progress_export_matches_the_sandbox(
    sandbox: Any, tmp_path: Path, fmt: Format
) -> None:
    path = tmp_path / f"progress.{fmt}"
    result = run(
        TribooExportUserProgressOperator(
            task_id="x", path=str(path), format=fmt, badges_path=str(tmp_path / f"badges.{fmt}")
        )
    )
    rows = read(path, fmt)
    got = exported_progress(rows)
    assert got == expected_progress(sandbox)
    assert result["rows"] == len(rows) == len(got)
    assert result["badge_rows"] == len(read(tmp_path / f"badges.{fmt}", fmt)) > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, f"badges.{fmt}"])


def read(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "parquet":
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        return rows
    if fmt == "csv":
        import csv

        with path.open(newline="") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_filters_are_applied_even_when_the_server_ignores_them(
    sandbox: Any, tmp_path: Path
) -> None:
    """Both server generations ignore the report's filters: the operator applies them."""
    wanted = {u.username for u in list(sandbox.sandbox.store.users.values())[10:13]}
    path = tmp_path / "some.parquet"
    result = run(
        TribooExportUserProgressOperator(task_id="x", path=str(path), usernames=sorted(wanted))
    )
    assert result["users"] == 3
    got = exported_progress(pq.read_table(path).to_pylist())
    assert got == expected_progress(sandbox, wanted)


def test_course_progress_export(sandbox: Any, tmp_path: Path) -> None:
    store = sandbox.sandbox.store
    key = next(k for k, c in store.courses.items() if c.org == "acme")
    result = run(
        TribooExportCourseProgressOperator(
            task_id="y",
            course_id=key,
            output_dir=str(tmp_path / "out"),
            from_date="2026-01-01",
            to_date="2026-10-01",
        )
    )
    expected = store.course_report(
        store.courses[key],
        *map(__import__("datetime").date.fromisoformat, ("2026-01-01", "2026-10-01")),
    )
    rows = pq.read_table(result["path"]).to_pylist()
    assert [(r["user_id"], r["progress"]) for r in rows] == [
        (e["user_id"], e["progress"]) for e in expected["enrollments"]
    ]
    assert Path(result["path"]).parent == tmp_path / "out"
    assert Path(result["path"]).name == key.replace(":", "_") + ".parquet"


def test_courses_export(sandbox: Any, tmp_path: Path) -> None:
    result = run(
        TribooExportCoursesOperator(task_id="z", path=str(tmp_path / "courses.csv"), format="csv")
    )
    acme = [k for k, c in sandbox.sandbox.store.courses.items() if c.org == "acme"]
    assert result["rows"] == len(acme)
    assert result["course_ids"] == acme


def test_a_failed_export_leaves_no_file(sandbox: Any, tmp_path: Path, connect: Any) -> None:
    connect(sandbox.url, "demo-client", "demo-secret", max_retries=0, page_size=50)
    httpx.post(f"{sandbox.url}/__sandbox__/faults", json={"fail_next": 0}).raise_for_status()
    path = tmp_path / "progress.parquet"
    operator = TribooExportUserProgressOperator(task_id="x", path=str(path))
    pages = iter(operator.hook.iter_user_progress())
    next(pages)  # the first page is fine; then every request fails
    operator.hook.close()
    httpx.post(
        f"{sandbox.url}/__sandbox__/faults", json={"fail_next": 100, "fail_status": 500}
    ).raise_for_status()
    with pytest.raises(TribooError, match="HTTP 500"):
        run(TribooExportUserProgressOperator(task_id="x", path=str(path)))
    assert list(tmp_path.iterdir()) == []
