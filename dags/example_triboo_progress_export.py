"""Daily progress export: learner progress and the course catalogue land in the warehouse.

Every day at 02:00 UTC, for the previous day (the data interval):
- ``user_progress``: the whole user progress report, one row per user and course, as
  Parquet and as CSV, with the badges as a second table;
- ``courses``: the catalogue, whose keys fan out into one ``course_progress`` task per
  course (dynamic task mapping), each exporting that course's report for the interval.

Files are partitioned by date under an ``ObjectStoragePath``: the ``output_base`` param,
else the ``triboo_output_base`` Airflow Variable, else ``/tmp/triboo``. Any fsspec URL
works (``s3://bucket/triboo``). The user progress export updates the
``triboo_user_progress`` asset, which schedules ``example_triboo_completion``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import Asset, dag, task
from airflow.timetables.interval import CronDataIntervalTimetable
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)

USER_PROGRESS = Asset(name="triboo_user_progress")
BASE = "{{ params.output_base or var.value.get('triboo_output_base', '/tmp/triboo') }}"
PARTITION = "date={{ ds }}"


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
    params={"output_base": None},
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
        from_date="{{ data_interval_start | ds }}",
        to_date="{{ data_interval_end | ds }}",
    ).expand(course_id=course_keys(courses.output))


example_triboo_progress_export()
