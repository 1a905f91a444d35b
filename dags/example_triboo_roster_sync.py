"""Roster sync: every day, the LMS accounts are made equal to the HR roster.

One task, ``sync``: ``TribooSyncUsersOperator`` reads the full roster (``data/roster.csv``:
Acme's Italian staff, matched on HR's ``lt_employee_id``), reads every account of the
organisation once, plans (create, update, reactivate, deactivate, unchanged, excluded,
conflict), writes the plan, and applies only the differences. Against the demo's sandbox
(seed 42) it plans 3 hires, 2 updates (a changed department, a changed e-mail), 1 rehire,
1 leaver, 164 unchanged, 7 Italian admins excluded (the default scope leaves admins alone)
and 1 conflict (a transfer from Spain whose e-mail is still the Spanish account's: skipped
and reported, the task succeeds with a warning). A second run plans nothing.

The scope is ``{"country": "IT"}``: accounts of other countries are never touched. The
safety stop refuses, before any change, a plan deactivating more than 10 % of the
in-scope active accounts, or a roster with fewer rows than half of them (a truncated HR
export). Trigger with ``dry_run`` to see the plan without changing anything.

The plan goes under the ``output_base`` param, else the ``triboo_output_base`` Airflow
Variable, else ``/tmp/triboo`` (the rule of ``example_triboo_progress_export``):
``roster_sync/date=<day>/plan-<run time>.csv``, one line per account with its action, key,
user id, the names of the fields that change and, once applied, its outcome. It holds the
matching keys: keep it as private as the roster.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from airflow.sdk import Param, dag
from airflow.timetables.trigger import CronTriggerTimetable
from triboo_provider.operators.sync_users import TribooSyncUsersOperator
from triboo_provider.output_base import OUTPUT_BASE_PATTERN, resolve_output_base

# A file to read: an absolute local path or an fsspec URL, with no template, no blanks
# around it and no control character (refused in the trigger form, before the run starts).
FILE_PATTERN = (
    r"^(?![\s\S]*[\x00-\x1f\x7f])(?![\s\S]*\{[{%])"
    r"(?:/|[A-Za-z][A-Za-z0-9+.-]*://)[^\x00-\x1f\x7f]*[^\s/]$"
)
ROSTER = str(Path(__file__).parent / "data" / "roster.csv")
# The output base, by the rule of example_triboo_progress_export.
BASE = "{{ triboo_output_base(params.output_base, var.value.get('triboo_output_base', None)) }}"
# One file per run (a dry run and the applied run of one day keep both plans).
PLAN = (
    f"{BASE}/roster_sync/date={{{{ dag_run.run_after | ds }}}}"
    "/plan-{{ dag_run.run_after | ts_nodash }}.csv"
)


@dag(
    # Every morning, after HR's nightly export; no data interval (the roster is a snapshot).
    schedule=CronTriggerTimetable("0 6 * * *", timezone="UTC"),
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=1,  # two syncs at once would plan against each other's changes
    tags=["triboo", "example", "users"],
    default_args={
        "owner": "people-analytics",
        "retries": 2,
        "retry_delay": dt.timedelta(minutes=5),
    },
    params={
        "roster_path": Param(
            ROSTER,
            type="string",
            pattern=FILE_PATTERN,
            title="Roster file",
            description=(
                "The full HR roster, CSV or JSON Lines, one row per person who should have "
                "an account: a local path or an fsspec URL."
            ),
        ),
        "dry_run": Param(
            False,
            type="boolean",
            title="Dry run",
            description="Write the plan and change nothing.",
        ),
        "output_base": Param(
            None,
            type=["null", "string"],
            pattern=OUTPUT_BASE_PATTERN,
            title="Output base",
            description=(
                "Where the plan goes: an absolute local folder or an fsspec URL such as "
                "s3://bucket/triboo (no template, no blanks around it; a trailing / is "
                "dropped). Empty: the triboo_output_base Variable, else /tmp/triboo."
            ),
        ),
    },
    user_defined_macros={"triboo_output_base": resolve_output_base},
    doc_md=__doc__,
)
def example_triboo_roster_sync() -> None:
    TribooSyncUsersOperator(
        task_id="sync",
        roster_path="{{ params.roster_path }}",
        match_on="lt_employee_id",
        scope={"country": "IT"},
        api_username="api-acme",
        plan_path=PLAN,
        dry_run="{{ params.dry_run }}",
        pool="triboo_api",
    )


example_triboo_roster_sync()
