"""Daily progress export: learner progress and the course catalogue land in the warehouse.

Every day at 02:00 UTC, for the previous day:
- ``user_progress``: the whole user progress report, one row per user and course, as
  Parquet and as CSV, with the badges as a second table;
- ``courses``: the catalogue, whose keys fan out into one ``course_progress`` task per
  course (dynamic task mapping), each exporting that course's report for the day.

**Which day a run exports.** The day is ``[from_date, to_date)`` of the course exports and
the ``date=`` partition of every file (the day's first date):

- a run with a data interval (scheduled, a backfill, or a manual run given a logical
  date) covers its interval's dates: the run of 30 November 02:00 UTC exports
  ``date=2026-11-29``, from 2026-11-29 to 2026-11-30;
- a manual run without a logical date (what Airflow 3's Trigger button and ``airflow dags
  trigger`` create) has no data interval, and no ``ds``, ``logical_date`` or
  ``data_interval_*`` in its template context: it covers the UTC day before the day it
  was triggered on (``dag_run.run_after``). Triggered on 30 November at any hour, it
  exports 29 November, the same day as that date's scheduled run, and replaces its files.

Files are partitioned by date under an ``ObjectStoragePath``: the ``output_base`` param,
else the ``triboo_output_base`` Airflow Variable, else ``/tmp/triboo``. Any fsspec URL
works (``s3://bucket/triboo``). The user progress export updates the
``triboo_user_progress`` asset, which schedules ``example_triboo_completion``; the asset
event's extra carries the Parquet file's ``path`` and ``rows``.
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

USER_PROGRESS = Asset(name="triboo_user_progress")
BASE = "{{ params.output_base or var.value.get('triboo_output_base', '/tmp/triboo') }}"
# The day a run exports (see the docstring), from ``dag_run``, which every run has:
# ``ds`` and ``data_interval_start`` are undefined in a run without a logical date.
FIRST_DAY = (
    "{{ (dag_run.data_interval_start or dag_run.run_after - macros.timedelta(days=1)) | ds }}"
)
END_DAY = "{{ (dag_run.data_interval_end or dag_run.run_after) | ds }}"
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
            title="Output base",
            description=(
                "Where the files go: a local folder or an fsspec URL such as "
                "s3://bucket/triboo. Empty: the triboo_output_base Variable, else /tmp/triboo."
            ),
        )
    },
    doc_md=__doc__,
)
def example_triboo_progress_export() -> None:
    TribooExportUserProgressOperator(
        task_id="user_progress_parquet",
        path=f"{BASE}/user_progress/{PARTITION}/user_progress.parquet",
        badges_path=f"{BASE}/badges/{PARTITION}/badges.parquet",
        outlets=[USER_PROGRESS],
    )
    TribooExportUserProgressOperator(
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
