"""Each example DAG run with dag.test() against the sandbox; run state, files and rendering.

Every DAG runs as a run with a logical date (a scheduled run, a backfill, ``airflow dags
test``) and as a manual run without one (Airflow 3's Trigger button and ``airflow dags
trigger``), and every templated field of every task instance is checked as Airflow
rendered it (its rendered-fields record).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from tests.dags.conftest import DAGS
from tests.sandbox_data import expected_progress, exported_progress

# A run with a logical date, as the scheduler makes it: the export's data interval is
# [24 Nov 02:00, 25 Nov 02:00), its logical date the interval's start, run after its end.
DAY = dt.datetime(2026, 11, 24, 2, tzinfo=dt.UTC)
# A run without one, triggered on 27 November at noon: the export covers 26 November.
TRIGGERED = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
RUNS: dict[str, dict[str, Any]] = {
    "logical_date": {"logical_date": DAY, "run_after": DAY + dt.timedelta(days=1)},
    "no_logical_date": {"logical_date": None, "run_after": TRIGGERED},
}
# The day each run exports: its first date (the partition) and the day after.
EXPORT_DAY = {
    "logical_date": ("2026-11-24", "2026-11-25"),
    "no_logical_date": ("2026-11-26", "2026-11-27"),
}
HIRES = {"ana.lopez", "ben.kraus", "chloe.martin", "dev.patel", "eva.nowak", "farid.haddad"}
MANDATORY = ("course-v1:acme+SEC101+2024_T1", "course-v1:acme+GDPR102+2024_T2")


def run(dagbag: Any, dag_id: str, when: str, **conf: Any) -> Any:
    """One dag.test() run, with or without a logical date; its rendering is checked."""
    dag = dagbag.dags[dag_id]
    dag_run = dag.test(**RUNS[when], run_conf=conf or None)
    if dag_run.state == "success":
        check_rendered(dag, dag_run)
    return dag_run


def check_rendered(dag: Any, dag_run: Any) -> dict[tuple[str, int], dict[str, Any]]:
    """Every templated field of every task instance that ran, as Airflow rendered it: all
    present, none left with a template; returned by (task id, map index)."""
    from airflow.models.renderedtifields import RenderedTaskInstanceFields

    assert (dag_run.logical_date is None) == (dag_run.data_interval_start is None)
    rendered = {}
    for ti in dag_run.get_task_instances():
        if ti.state == "skipped":
            continue
        fields = RenderedTaskInstanceFields.get_templated_fields(ti)
        assert fields is not None, f"{ti.task_id}[{ti.map_index}] has no rendered fields"
        missing = set(dag.get_task(ti.task_id).template_fields) - set(fields)
        assert not missing, f"{ti.task_id}: {missing} not rendered"
        text = json.dumps(fields, default=str)
        assert "{{" not in text, f"{ti.task_id}: {text}"
        assert "{%" not in text, f"{ti.task_id}: {text}"
        rendered[ti.task_id, ti.map_index] = fields
    return rendered


def xcom(dag_run: Any, task_id: str, map_index: int = -1) -> Any:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        value = session.scalar(
            XComModel.get_many(
                run_id=dag_run.run_id,
                dag_ids=dag_run.dag_id,
                task_ids=task_id,
                map_indexes=map_index,
                key="return_value",
            ).with_only_columns(XComModel.value)
        )
    return XComModel.deserialize_value(type("X", (), {"value": value})()) if value else None


def test_onboarding_then_rerun(dagbag: Any, live: Any, capfd: pytest.CaptureFixture[str]) -> None:
    store = live.sandbox.store
    first = run(dagbag, "example_triboo_onboarding", "logical_date")
    assert first.state == "success"
    hires = [u for u in store.users.values() if u.username in HIRES]
    assert len(hires) == len(HIRES)
    assert all(u.org == "acme" for u in hires)
    assert all(store.is_enrolled(u.user_id, key) for u in hires for key in MANDATORY)
    chloe = next(u for u in hires if u.username == "chloe.martin")
    assert chloe.profile["platform_role"] == "Studio Admin"
    assert xcom(first, "summary") == {
        "users_created": 6,
        "users_skipped": 0,
        "enrolled": 12,
        "already_enrolled": 0,
        "pre_enrolled": 0,
        "invalid": 0,
    }
    again = run(dagbag, "example_triboo_onboarding", "no_logical_date")
    assert again.state == "success"
    assert sorted(u.username for u in store.users.values() if u.username in HIRES) == sorted(HIRES)
    assert xcom(again, "summary")["users_skipped"] == 6
    assert xcom(again, "summary")["already_enrolled"] == 12
    # Reading the mapped enrollments' results must not log a missing XCom (issue 14).
    out, err = capfd.readouterr()
    assert "onboarding summary" in out + err
    assert "XCom not found" not in out + err


@pytest.mark.parametrize("when", RUNS)
def test_offboarding_shows_its_three_outcomes(dagbag: Any, live: Any, when: str) -> None:
    store = live.sandbox.store
    leaver, gone = (
        store.find("acme", username="tomas.moreau.11"),
        store.find("acme", username="ivan.park.12"),
    )
    assert leaver is not None
    assert leaver.is_active
    assert gone is not None
    assert not gone.is_active
    assert store.find_anywhere(username="former.employee") is None
    dag_run = run(dagbag, "example_triboo_offboarding", when)
    assert dag_run.state == "success"
    assert xcom(dag_run, "read_leavers") == ["tomas.moreau.11", "ivan.park.12", "former.employee"]
    assert xcom(dag_run, "deactivate") == {
        "rows": 3,
        "user_deactivated": 1,
        "user_already_inactive": 1,
        "user_not_found": 1,
    }
    assert leaver.is_active is False


@pytest.mark.parametrize("when", RUNS)
def test_progress_export_and_completion(dagbag: Any, live: Any, when: str) -> None:
    first_day, end_day = EXPORT_DAY[when]
    # A param left empty (null from the form, "" from a hand-written conf) is not given.
    export = run(
        dagbag,
        "example_triboo_progress_export",
        when,
        output_base=None if when == "logical_date" else "",
    )
    assert export.state == "success"
    rendered = check_rendered(dagbag.dags["example_triboo_progress_export"], export)
    partition = live.warehouse / "user_progress" / f"date={first_day}"
    assert rendered["user_progress_parquet", -1]["path"] == str(partition / "user_progress.parquet")
    windows = {
        (f["from_date"], f["to_date"]) for k, f in rendered.items() if k[0] == "course_progress"
    }
    assert windows == {(first_day, end_day)}
    table = pq.read_table(partition / "user_progress.parquet").to_pylist()
    got = exported_progress(table)
    assert got == expected_progress(live)
    with (
        live.warehouse / "user_progress_csv" / f"date={first_day}" / "user_progress.csv"
    ).open() as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == len(table)
    store = live.sandbox.store
    acme_courses = [k for k, c in store.courses.items() if c.org == "acme"]
    course_files = sorted(
        (live.warehouse / "course_progress" / f"date={first_day}").glob("*.parquet")
    )
    assert len(course_files) == len(acme_courses)
    first = store.courses[acme_courses[0]]
    window = store.course_report(
        first, dt.date.fromisoformat(first_day), dt.date.fromisoformat(end_day)
    )
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
        dagbag,
        "example_triboo_completion",
        when,
        progress_path=str(partition / "user_progress.parquet"),
    )
    assert completion_run.state == "success"
    # completion.csv has its own folder: user_progress stays a Parquet dataset (issue 14).
    assert sorted(p.name for p in partition.iterdir()) == ["user_progress.parquet"]
    dataset = ds.dataset(live.warehouse / "user_progress", format="parquet", partitioning="hive")
    assert dataset.to_table().num_rows == len(table)
    with (live.warehouse / "completion" / f"date={first_day}" / "completion.csv").open() as handle:
        rates = {row["course_id"]: row for row in csv.DictReader(handle)}
    for course_id in acme_courses:
        rows = [r for r in table if r["course_id"] == course_id]
        done = sum(r["status"] == "Successful" for r in rows)
        assert int(rates[course_id]["enrolled"]) == len(rows)
        assert int(rates[course_id]["completed"]) == done


def test_export_output_base_param(dagbag: Any, live: Any, tmp_path: Any) -> None:
    chosen = tmp_path / "chosen"
    export = run(
        dagbag, "example_triboo_progress_export", "no_logical_date", output_base=str(chosen)
    )
    assert export.state == "success"
    assert (chosen / "user_progress" / "date=2026-11-26" / "user_progress.parquet").is_file()
    assert not (live.warehouse / "user_progress").exists()


@pytest.mark.parametrize(
    ("dag_id", "conf"),
    [
        ("example_triboo_progress_export", {"output_base": 5}),
        ("example_triboo_offboarding", {"leavers_path": None}),
        ("example_triboo_offboarding", {"leavers_path": ""}),
        ("example_triboo_onboarding", {"courses": "course-v1:acme+SEC101+2024_T1"}),
        ("example_triboo_onboarding", {"courses": []}),
        ("example_triboo_completion", {"progress_path": 7}),
    ],
)
def test_params_refuse_bad_conf_before_the_run(dagbag: Any, dag_id: str, conf: Any) -> None:
    from airflow.sdk.definitions.param import ParamsDict
    from airflow.sdk.exceptions import ParamValidationError

    params = ParamsDict(dagbag.dags[dag_id].params)
    # What the trigger form, the REST API and the CLI do with a run's conf: it is refused.
    with pytest.raises(ParamValidationError, match=r"^Invalid input for param"):
        params.update(conf)


def fresh(dag_id: str) -> Any:
    """A DagBag with the DAG parsed afresh: in one process, dag.test() leaves the last run's
    conf in the DAG object's params (each real task runs in a fresh process)."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS / f"{dag_id}.py"))


def test_completion_without_a_file_fails_at_once(live: Any) -> None:
    dag_run = run(
        fresh("example_triboo_completion"), "example_triboo_completion", "no_logical_date"
    )
    assert dag_run.state == "failed"
    (ti,) = dag_run.get_task_instances()
    assert (ti.state, ti.try_number) == ("failed", 1)


def test_offboarding_with_nobody_due_skips(dagbag: Any, live: Any, tmp_path: Any) -> None:
    leavers = tmp_path / "leavers.csv"
    leavers.write_text("username,last_day\nyusuf.muller.4,2026-12-24\n")
    dag_run = run(
        dagbag, "example_triboo_offboarding", "no_logical_date", leavers_path=str(leavers)
    )
    assert dag_run.state == "success"
    assert {ti.task_id: ti.state for ti in dag_run.get_task_instances()} == {
        "read_leavers": "skipped",
        "deactivate": "skipped",
    }
    assert live.sandbox.store.find("acme", username="yusuf.muller.4").is_active


def test_offboarding_for_a_past_day_deactivates_only_who_had_left_by_then(
    dagbag: Any, live: Any, tmp_path: Any
) -> None:
    """A backfill (or a re-run) of 20 November, run on 27 November: the run's logical date
    decides, never the clock, so a leaver whose last day came after 20 November stays."""
    store = live.sandbox.store
    left, last_day, leaving = [
        u
        for u in store.org_users("acme")
        if u.is_active and not u.is_superuser and u.username != "tomas.moreau.11"
    ][:3]
    leavers = tmp_path / "leavers.csv"
    leavers.write_text(
        "username,last_day\n"
        f"{left.username},2026-11-19\n"
        f"{last_day.username},2026-11-20\n"
        f"{leaving.username},2026-11-21\n"
    )
    dag = dagbag.dags["example_triboo_offboarding"]
    dag_run = dag.test(
        logical_date=dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
        run_after=TRIGGERED,
        run_conf={"leavers_path": str(leavers)},
    )
    assert dag_run.state == "success"
    assert xcom(dag_run, "read_leavers") == [left.username, last_day.username]
    assert xcom(dag_run, "deactivate") == {"rows": 2, "user_deactivated": 2}
    assert (left.is_active, last_day.is_active, leaving.is_active) == (False, False, True)


def test_offboarding_bad_leavers_file_fails_at_once(dagbag: Any, live: Any, tmp_path: Any) -> None:
    leavers = tmp_path / "leavers.csv"
    leavers.write_text("username,last_day\nyusuf.muller.4,20/11/2026\n,2026-11-01\n")
    dag_run = run(
        dagbag, "example_triboo_offboarding", "no_logical_date", leavers_path=str(leavers)
    )
    assert dag_run.state == "failed"
    ti = dag_run.get_task_instance("read_leavers")
    assert (ti.state, ti.try_number) == ("failed", 1)
    assert live.sandbox.store.find("acme", username="yusuf.muller.4").is_active


def test_a_run_for_a_past_day_exports_courses_but_no_snapshot(dagbag: Any, live: Any) -> None:
    # `airflow dags test ... 2026-11-20` (or a backfill, or a trigger given that date), run
    # on 27 November: the course reports are filtered by date, the user progress is not.
    dag = fresh("example_triboo_progress_export").dags["example_triboo_progress_export"]
    past = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    dag_run = dag.test(logical_date=past, run_after=TRIGGERED)
    assert dag_run.state == "success"
    states = {ti.task_id: ti.state for ti in dag_run.get_task_instances()}
    assert {
        k: states[k] for k in ("snapshot_day", "user_progress_parquet", "user_progress_csv")
    } == {
        "snapshot_day": "skipped",
        "user_progress_parquet": "skipped",
        "user_progress_csv": "skipped",
    }
    assert states["courses"] == states["course_progress"] == "success"
    rendered = check_rendered(dag, dag_run)
    assert {
        (f["from_date"], f["to_date"]) for k, f in rendered.items() if k[0] == "course_progress"
    } == {("2026-11-20", "2026-11-21")}
    assert not (live.warehouse / "user_progress").exists()
    assert not (live.warehouse / "badges").exists()
    assert (live.warehouse / "courses" / "date=2026-11-20" / "courses.parquet").is_file()


def test_a_bad_output_base_variable_fails_every_export_at_once(
    dagbag: Any,
    live: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    capfd: pytest.CaptureFixture[str],
) -> None:
    # A relative Variable would have written under the worker's current folder.
    monkeypatch.setenv("AIRFLOW_VAR_TRIBOO_OUTPUT_BASE", "{{ ds }}")
    monkeypatch.chdir(tmp_path)
    dag_run = run(
        fresh("example_triboo_progress_export"), "example_triboo_progress_export", "no_logical_date"
    )
    assert dag_run.state == "failed"
    tis = {ti.task_id: ti for ti in dag_run.get_task_instances()}
    for task_id in ("user_progress_parquet", "user_progress_csv", "courses"):
        assert (tis[task_id].state, tis[task_id].try_number) == ("failed", 1)
    assert list(tmp_path.iterdir()) == []
    out, err = capfd.readouterr()
    assert "the triboo_output_base Variable is not an absolute path or URL" in out + err


def test_onboarding_with_no_new_hire_skips(dagbag: Any, live: Any, tmp_path: Any) -> None:
    hires = tmp_path / "new_hires.csv"
    hires.write_text("username,email,first_name,last_name\n")
    users = len(live.sandbox.store.users)
    dag_run = run(dagbag, "example_triboo_onboarding", "no_logical_date", hires_path=str(hires))
    assert dag_run.state == "success"
    # The mapped enroll is expanded over no batch: skipped with its upstream, as the rest.
    assert {(ti.task_id, ti.state) for ti in dag_run.get_task_instances()} == {
        ("create_users", "skipped"),
        ("batch_hires", "skipped"),
        ("enroll", "skipped"),
        ("summary", "skipped"),
    }
    assert len(live.sandbox.store.users) == users
