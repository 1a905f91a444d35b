"""Onboarding: new hires from an HR extract become LMS accounts, enrolled in the mandatory courses.

create_users (every row checked before anything is sent; existing accounts are skipped)
-> batch_hires (the hires' usernames, 100 per batch) -> enroll (one mapped task per
batch, into every mandatory course) -> summary. A hires file with no rows (a header
only) skips the run's tasks rather than failing it.

Rerunning is safe: existing users are skipped and existing enrollments come back as
``already_enrolled``. Every Triboo task runs in the ``triboo_api`` pool: the server's rate
limits are per API user, so parallel tasks on one connection share one budget.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, task
from triboo_provider.batching import batches
from triboo_provider.operators.enrollments import TribooBulkEnrollOperator
from triboo_provider.operators.users import TribooCreateUsersOperator

HIRES = str(Path(__file__).parent / "data" / "new_hires.csv")
# A file to read: an absolute local path or an fsspec URL, with no template, no blanks
# around it and no control character (refused in the trigger form, before the run starts).
FILE_PATTERN = (
    r"^(?![\s\S]*[\x00-\x1f\x7f])(?![\s\S]*\{[{%])"
    r"(?:/|[A-Za-z][A-Za-z0-9+.-]*://)[^\x00-\x1f\x7f]*[^\s/]$"
)
# A course key: no comma (the API's lists are comma-separated), no blank, no template.
COURSE_KEY_PATTERN = r"^(?![\s\S]*\{[{%])[^\s,]+(?![\s\S])"
MANDATORY_COURSES = ["course-v1:acme+SEC101+2024_T1", "course-v1:acme+GDPR102+2024_T2"]
DEFAULTS: dict[str, Any] = {
    "owner": "people-analytics",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "pool": "triboo_api",
}


@dag(
    schedule=None,
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    tags=["triboo", "example", "users", "enrollments"],
    default_args=DEFAULTS,
    params={
        "hires_path": Param(
            HIRES,
            type="string",
            pattern=FILE_PATTERN,
            title="New hires file",
            description=(
                "CSV or JSON Lines file, one row per person (username, email, names, "
                "profile fields): a local path or an fsspec URL."
            ),
        ),
        "courses": Param(
            MANDATORY_COURSES,
            type="array",
            items={"type": "string", "pattern": COURSE_KEY_PATTERN},
            minItems=1,
            uniqueItems=True,
            title="Mandatory courses",
            description=(
                "Course keys every new hire is enrolled in (course-v1:org+course+run), "
                "one per item: no comma, no blank."
            ),
        ),
    },
    doc_md=__doc__,
)
def example_triboo_onboarding() -> None:
    # The operator is the one place rows are checked: all of them, before any call.
    create = TribooCreateUsersOperator(
        task_id="create_users",
        users_path="{{ params.hires_path }}",
        if_exists="skip",
        # No new hire today (a daily extract may be empty): skip, rather than fail.
        if_empty="skip",
    )

    # Its return value is the hires' usernames: kept out of the task log.
    @task(pool="default_pool", show_return_value_in_logs=False)
    def batch_hires(created: Any) -> list[list[str]]:
        """The hires' usernames as create_users checked them, in batches of 100."""
        hires: list[str] = created["usernames"]
        return batches(hires, 100)

    enroll = TribooBulkEnrollOperator.partial(
        task_id="enroll",
        courses="{{ params.courses | join(',') }}",
        endpoint="upstream",
    ).expand(identifiers=batch_hires(create.output))

    @task(pool="default_pool")
    def summary(created: Any, enrolled: Any) -> dict[str, int]:
        """Add up what happened, for the run's log and XCom."""
        totals = {"users_created": created["created"], "users_skipped": created["skipped"]}
        # ``enrolled`` is a lazy sequence of the mapped tasks' results. Read it in one slice:
        # iterating it asks for the item after the last, which Airflow 3.3's client logs as
        # an error ("XCom not found") although nothing is wrong.
        for batch in enrolled[:]:
            for outcome in ("enrolled", "already_enrolled", "pre_enrolled", "invalid"):
                totals[outcome] = totals.get(outcome, 0) + batch.get(outcome, 0)
        print(f"onboarding summary: {totals}")
        return totals

    summary(create.output, enroll.output)


example_triboo_onboarding()
