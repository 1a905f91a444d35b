"""Completion rates per course, computed whenever a new user progress export lands.

Scheduled on the ``triboo_user_progress`` asset (data-aware scheduling): the triggering
event's extra carries the Parquet file's ``path`` (when several events are consumed at
once, the latest is read). Writes ``completion.csv``: per course, learners enrolled,
completed (``Successful``) and the completion rate. For an export at
``<base>/user_progress/date=D/user_progress.parquet`` it goes to its own folder,
``<base>/completion/date=D/completion.csv``, so that ``user_progress`` stays a Parquet
dataset that ``pyarrow.dataset`` (hive partitioning) reads; for another file, beside it as
``<file name>.completion.csv``. A manual run reads the
file named by the ``progress_path`` param; a run with neither fails without retries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow.sdk import Asset, Param, dag, task

USER_PROGRESS = Asset(name="triboo_user_progress")
# A file to read: an absolute local path or an fsspec URL, with no template, no blanks
# around it and no control character (refused in the trigger form, before the run starts).
FILE_PATTERN = (
    r"^(?![\s\S]*[\x00-\x1f\x7f])(?![\s\S]*\{[{%])"
    r"(?:/|[A-Za-z][A-Za-z0-9+.-]*://)[^\x00-\x1f\x7f]*[^\s/]$"
)


@dag(
    schedule=[USER_PROGRESS],
    start_date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    catchup=False,
    tags=["triboo", "example", "reports"],
    default_args={"owner": "data-platform", "retries": 1},
    params={
        "progress_path": Param(
            None,
            type=["null", "string"],
            # "" (as null) is "not given"; (?![\s\S]) is the end of the text, newline or not.
            pattern=r"^(?![\s\S])|" + FILE_PATTERN,
            title="User progress file",
            description=(
                "A user progress Parquet file to read (local path or fsspec URL), for a "
                "manual run. Empty: the file named by the triggering asset event."
            ),
        )
    },
    doc_md=__doc__,
)
def example_triboo_completion() -> None:
    @task
    def completion_by_course(
        params: dict[str, Any] | None = None, triggering_asset_events: Any = None
    ) -> dict[str, Any]:
        """Read the export named by the asset event (or the param) and aggregate it."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq
        from airflow.sdk import ObjectStoragePath
        from airflow.sdk.exceptions import AirflowFailException
        from triboo_provider.outputs import write_table

        path = (params or {}).get("progress_path")
        if not path and triggering_asset_events:
            events = triggering_asset_events[USER_PROGRESS]
            path = events[-1].extra.get("path") if events else None
        if not path:
            # No retry can find a file: fail at once.
            raise AirflowFailException(
                "no export to read: trigger from the asset (an event whose extra has a path) "
                "or give progress_path"
            )
        source = ObjectStoragePath(path)
        table = pq.read_table(
            pa.BufferReader(source.read_bytes()), columns=["course_id", "course_title", "status"]
        )
        grouped = (
            table.append_column("completed", pc.equal(table["status"], "Successful").cast("int64"))
            .group_by(["course_id", "course_title"])
            .aggregate([("status", "count"), ("completed", "sum")])
        )
        rows = sorted(grouped.to_pylist(), key=lambda r: r["course_id"])
        completion = pa.Table.from_pylist(
            [
                {
                    "course_id": r["course_id"],
                    "course_title": r["course_title"],
                    "enrolled": r["status_count"],
                    "completed": r["completed_sum"],
                    "completion_rate": round(r["completed_sum"] / r["status_count"], 4),
                }
                for r in rows
            ],
            schema=pa.schema(
                [
                    ("course_id", pa.string()),
                    ("course_title", pa.string()),
                    ("enrolled", pa.int64()),
                    ("completed", pa.int64()),
                    ("completion_rate", pa.float64()),
                ]
            ),
        )
        partition = source.parent
        if partition.name.startswith("date=") and partition.parent.name == "user_progress":
            # Never inside the user_progress dataset: its readers take every file for Parquet.
            target = partition.parent.parent / "completion" / partition.name / "completion.csv"
        else:
            target = source.parent / f"{source.stem}.completion.csv"
        # Whole or not at all: a failed run never leaves a half-written completion.csv.
        write_table(target, completion, "csv")
        print(f"completion for {len(rows)} courses written to {target}")
        return {"path": str(target), "courses": len(rows)}

    completion_by_course()


example_triboo_completion()
