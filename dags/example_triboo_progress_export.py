"""Daily progress export: learner progress and the course catalogue land in the warehouse.

Every day at 02:00 UTC, for the previous day:
- ``user_progress``: the whole user progress report, one row per user and course, as
  Parquet and as CSV, with the badges as a second table;
- ``courses``: the catalogue, whose keys fan out into one ``course_progress`` task per
  course (dynamic task mapping), each exporting that course's report for the day.

**Which day a run exports.** The day is ``[from_date, to_date)`` of the course exports and
the ``date=`` partition of every file, a UTC day:

- a run with a logical date exports that date's day: the scheduled run of 30 November
  02:00 UTC (logical date 29 November 02:00, the start of its interval) exports
  ``date=2026-11-29``, from 2026-11-29 to 2026-11-30, and so does a backfill of that
  date, ``airflow dags trigger -l 2026-11-29`` (or the REST API given that logical date)
  and ``airflow dags test ... 2026-11-29``. A manual run's data interval is not used:
  Airflow infers it from the trigger time (CLI) or the previous 02:00 tick (REST API);
- a run without a logical date (Airflow 3's Trigger button, ``airflow dags trigger``)
  exports the UTC day before the day it was triggered on (``dag_run.run_after``), and so
  does a run whose logical date's day was not over when it was created
  (``airflow dags test`` without a date takes the current time as its logical date).
  Triggered on 30 November at any hour, it exports 29 November, the same day as that
  date's scheduled run, and replaces its files.

**User progress is a snapshot.** The user progress report has no date filter: it is the
state of every enrollment when it is read. Only a run for the day before its
``run_after`` (a scheduled run, a run without a logical date) writes ``user_progress``,
``user_progress_csv`` and ``badges``; a run for an older day (a backfill, a manual run
given an older logical date) skips those tasks (``snapshot_day`` logs why), since it
would put today's state into a past day, and still exports the course progress and the
catalogue. A scheduled run cleared and re-run on a later day keeps its ``run_after``,
so it does write the newer snapshot into its day.

Files are partitioned by date under an ``ObjectStoragePath``: the ``output_base`` param,
else the ``triboo_output_base`` Airflow Variable, else ``/tmp/triboo`` (``None`` or ``""``,
an empty Variable too, is "not given"). It must be an absolute local path or an fsspec URL
(``s3://bucket/triboo``), with no template and no blanks around it; trailing slashes are
dropped. The param's schema refuses anything else before the run starts; a Variable that
breaks the rule fails the first export at once, naming the Variable. The user progress
export updates the ``triboo_user_progress`` asset, which schedules
``example_triboo_completion``; the asset event's extra carries the Parquet file's ``path``
and ``rows``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import Asset, Param, dag, task
from airflow.timetables.interval import CronDataIntervalTimetable
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.output_base import OUTPUT_BASE_PATTERN, resolve_output_base

USER_PROGRESS = Asset(name="triboo_user_progress")
BASE = "{{ triboo_output_base(params.output_base, var.value.get('triboo_output_base', None)) }}"
# The day a run exports (see the docstring), from ``dag_run``, which every run has (``ds``
# and ``data_interval_start`` are undefined in a run without a logical date): the date of
# its logical date, or the day before its run_after when it has none or when that day was
# not over when the run was created. A manual run's data interval is never used: Airflow
# infers it from the trigger time (the CLI) or the previous tick (the REST API).
DAY = (
    "([dag_run.logical_date or dag_run.run_after,"
    " dag_run.run_after - macros.timedelta(days=1)] | min | ds)"
)
FIRST_DAY = "{{ " + DAY + " }}"
END_DAY = "{{ macros.ds_add(" + DAY + ", 1) }}"
PARTITION = f"date={FIRST_DAY}"


@dag(
    # Runs cover the previous day, [data_interval_start, data_interval_end): a plain
    # "@daily" (a cron trigger) would give zero-length intervals.
    schedule=CronDataIntervalTimetable("0 2 * * *", timezone="UTC"),
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=1,
    tags=["triboo", "example", "reports"],
    default_args={
        "owner": "data-platform",
        "retries": 3,
        "retry_delay": dt.timedelta(minutes=5),
        "pool": "triboo_api",
    },
    params={
        "output_base": Param(
            None,
            type=["null", "string"],
            pattern=OUTPUT_BASE_PATTERN,
            title="Output base",
            description=(
                "Where the files go: an absolute local folder or an fsspec URL such as "
                "s3://bucket/triboo (no template, no blanks around it; a trailing / is "
                "dropped). Empty: the triboo_output_base Variable, else /tmp/triboo."
            ),
        )
    },
    # Checks the output base (the Variable's too) when a task renders its paths.
    user_defined_macros={"triboo_output_base": resolve_output_base},
    doc_md=__doc__,
)
def example_triboo_progress_export() -> None:
    @task(pool="default_pool")
    def snapshot_day(day: str, dag_run: Any = None) -> str:
        """Skip the user progress exports (not the course ones) in a run for a past day."""
        from airflow.sdk.exceptions import AirflowSkipException

        # The user progress report has no date filter: it is the state when it is read, so
        # it can stand for the day before only. A backfill, or a manual run given an older
        # logical date, would put today's state into a past day's partition.
        today = (dag_run.run_after - dt.timedelta(days=1)).date().isoformat()
        if day != today:
            raise AirflowSkipException(
                f"user progress is a snapshot of now: not written to date={day} "
                f"(only a run for {today}, the day before its run_after, writes it)"
            )
        return day

    snapshot = snapshot_day(FIRST_DAY)
    snapshot >> TribooExportUserProgressOperator(
        task_id="user_progress_parquet",
        path=f"{BASE}/user_progress/{PARTITION}/user_progress.parquet",
        badges_path=f"{BASE}/badges/{PARTITION}/badges.parquet",
        outlets=[USER_PROGRESS],
    )
    snapshot >> TribooExportUserProgressOperator(
        task_id="user_progress_csv",
        format="csv",
        path=f"{BASE}/user_progress_csv/{PARTITION}/user_progress.csv",
    )
    courses = TribooExportCoursesOperator(
        task_id="courses", path=f"{BASE}/courses/{PARTITION}/courses.parquet"
    )

    @task(pool="default_pool")
    def course_keys(catalogue: Any) -> list[str]:
        """The catalogue's keys, to map one course export over each."""
        return list(catalogue["course_ids"])

    TribooExportCourseProgressOperator.partial(
        task_id="course_progress",
        output_dir=f"{BASE}/course_progress/{PARTITION}",
        from_date=FIRST_DAY,
        to_date=END_DAY,
    ).expand(course_id=course_keys(courses.output))


example_triboo_progress_export()
