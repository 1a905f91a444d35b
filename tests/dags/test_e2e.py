"""Each example DAG run with dag.test() against the sandbox; run state and files checked."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

import pyarrow.parquet as pq

from tests.sandbox_data import expected_progress, exported_progress

DAY = dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC)
HIRES = {"ana.lopez", "ben.kraus", "chloe.martin", "dev.patel", "eva.nowak", "farid.haddad"}
MANDATORY = ("course-v1:acme+SEC101+2024_T1", "course-v1:acme+GDPR102+2024_T2")


def run(dagbag: Any, dag_id: str, **conf: Any) -> Any:
    return dagbag.dags[dag_id].test(logical_date=DAY, run_conf=conf or None)


def test_onboarding_then_rerun(dagbag: Any, live: Any) -> None:
    store = live.sandbox.store
    assert run(dagbag, "example_triboo_onboarding").state == "success"
    hires = [u for u in store.users.values() if u.username in HIRES]
    assert len(hires) == len(HIRES)
    assert all(u.org == "acme" for u in hires)
    assert all(store.is_enrolled(u.user_id, key) for u in hires for key in MANDATORY)
    chloe = next(u for u in hires if u.username == "chloe.martin")
    assert chloe.profile["platform_role"] == "Studio Admin"
    assert run(dagbag, "example_triboo_onboarding").state == "success"
    assert sorted(u.username for u in store.users.values() if u.username in HIRES) == sorted(HIRES)


def test_offboarding(dagbag: Any, live: Any) -> None:
    store = live.sandbox.store
    leaver = store.add_user("acme", "dev.patel", "dev.patel@acme.example.com", {})
    assert run(dagbag, "example_triboo_offboarding").state == "success"
    assert leaver.is_active is False


def test_progress_export_and_completion(dagbag: Any, live: Any) -> None:
    assert run(dagbag, "example_triboo_progress_export").state == "success"
    partition = live.warehouse / "user_progress" / "date=2026-11-25"
    table = pq.read_table(partition / "user_progress.parquet").to_pylist()
    got = exported_progress(table)
    assert got == expected_progress(live)
    with (
        live.warehouse / "user_progress_csv" / "date=2026-11-25" / "user_progress.csv"
    ).open() as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == len(table)
    store = live.sandbox.store
    acme_courses = [k for k, c in store.courses.items() if c.org == "acme"]
    course_files = sorted(
        (live.warehouse / "course_progress" / "date=2026-11-25").glob("*.parquet")
    )
    assert len(course_files) == len(acme_courses)
    first = store.courses[acme_courses[0]]
    window = store.course_report(first, dt.date(2026, 11, 24), dt.date(2026, 11, 25))
    exported = pq.read_table(
        course_files[
            [f.name.split(".parquet")[0] for f in course_files].index(
                acme_courses[0].replace(":", "_")
            )
        ]
    ).to_pylist()
    assert [(r["user_id"], r["progress"]) for r in exported] == [
        (e["user_id"], e["progress"]) for e in window["enrollments"]
    ]

    completion_run = run(
        dagbag, "example_triboo_completion", progress_path=str(partition / "user_progress.parquet")
    )
    assert completion_run.state == "success"
    with (partition / "completion.csv").open() as handle:
        rates = {row["course_id"]: row for row in csv.DictReader(handle)}
    for course_id in acme_courses:
        rows = [r for r in table if r["course_id"] == course_id]
        done = sum(r["status"] == "Successful" for r in rows)
        assert int(rates[course_id]["enrolled"]) == len(rows)
        assert int(rates[course_id]["completed"]) == done
