"""Export courses: one course's progress report, and the course catalogue.

Both are importable from :mod:`triboo_provider.operators.reports`, whose docstring says
how every export writes its outputs and what it raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import Context

from triboo_provider.lineage import (
    COURSE_PROGRESS_ROUTE,
    COURSES_ROUTE,
    ExportLineage,
    configured_input,
)
from triboo_provider.operators.base import TribooBaseOperator, choice
from triboo_provider.operators.exporting import (
    FORMATS,
    Format,
    announce,
    as_date,
    declare_outlets,
    resolve_folder,
    server_rows,
)


class TribooExportCourseProgressOperator(ExportLineage, TribooBaseOperator):
    """Export one course's progress report, optionally for ``[from_date, to_date)``.

    The file is ``<output_dir>/<course key made safe>.<format>``: course keys are server
    data, so they are reduced to a safe file name that cannot leave ``output_dir``.

    :param course_id: the course key (map over the catalogue).
    :param output_dir: target folder: a local path, an ``s3://`` or fsspec URL (a ``str``,
        ``pathlib.Path`` or ``ObjectStoragePath``) (e.g.
        ``.../date=<the day>``, the day as below: ``ds``, ``logical_date`` and
        ``data_interval_*`` are undefined in a run without a logical date, ``dag_run`` is
        in every run's context).
    :param format: ``parquet`` (default), ``csv`` or ``jsonl``.
    :param from_date: ``YYYY-MM-DD`` or a date; for a daily window that works
        with and without a logical date (``example_triboo_progress_export``, README "Runs
        with and without a logical date"): ``{{ [dag_run.logical_date or
        dag_run.run_after, dag_run.run_after - macros.timedelta(days=1)] | min | ds }}``
        (a manual run's data interval is inferred, not the date it was given).
    :param to_date: ``YYYY-MM-DD`` or a date; requires ``from_date``
        (the same expression inside ``{{ macros.ds_add(..., 1) }}``).
    :raises TribooInputError: ``format`` or ``output_dir`` is invalid (at DAG import when
        not templated), a course key or a date is (before any call).

    Columns: :data:`triboo_provider.tables.COURSE_PROGRESS`.
    Templated fields: ``triboo_conn_id``, ``course_id``, ``output_dir``, ``format``,
    ``from_date``, ``to_date``.
    XCom: ``{"path", "rows", "course_id", "format"}``.
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "course_id",
        "output_dir",
        "format",
        "from_date",
        "to_date",
    )

    def __init__(
        self,
        *,
        course_id: str,
        output_dir: Any,
        format: Format = "parquet",
        from_date: Any = None,
        to_date: Any = None,
        **kwargs: Any,
    ) -> None:
        self.check_given({"format": format, "output_dir": output_dir})
        super().__init__(**kwargs)
        self.course_id = course_id
        self.output_dir = output_dir
        self.format = format
        self.from_date = from_date
        self.to_date = to_date

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider import tables
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.writers import FORMATS as EXTENSIONS
        from triboo_provider.writers import atomic_table, safe_name

        self._lineage_starts()
        fmt = choice(self.format, "format", FORMATS)
        problems: list[str] = []
        start, end = (
            as_date(self.from_date, "from_date", problems),
            as_date(self.to_date, "to_date", problems),
        )
        if end and not start:
            problems.append("to_date: needs from_date (the server refuses `to` alone)")
        if start and end and end <= start:
            problems.append(f"to_date: {end} is not after from_date {start}")
        if not isinstance(self.course_id, str) or not self.course_id.strip():
            problems.append(f"course_id: {self.course_id!r} is not a course key")
        elif "/" in self.course_id or "." in self.course_id:
            problems.append(f"course_id: {self.course_id!r} cannot be requested (no '/' or '.')")
        if problems:
            raise TribooInputError(problems)
        name = f"{safe_name(self.course_id)}{EXTENSIONS[fmt]}"
        target = resolve_folder(self.output_dir).child(name)
        # The output is opened first: a store that cannot take it (no bucket, no right to
        # write) fails the task before the report is requested.
        with (
            server_rows("getCourseProgressReport"),
            atomic_table(target, fmt, tables.COURSE_PROGRESS) as writer,
        ):
            route = COURSE_PROGRESS_ROUTE.format(course_id=self.course_id)
            self._lineage_reads(self.hook.settings.base_url, route)
            report = self.hook.course_progress(self.course_id, start, end)
            writer.write(tables.course_progress_rows(report, start, end))
        self._lineage_wrote((target, tables.COURSE_PROGRESS, writer.rows, writer.size))
        self.log.info("exported %d rows of %s to %s", writer.rows, self.course_id, target.url)
        return {
            "path": target.given,
            "rows": writer.rows,
            "course_id": self.course_id,
            "format": fmt,
        }

    def _lineage_configured(self) -> tuple[str, str]:
        key = self.course_id
        valid = isinstance(key, str) and key.strip() and "/" not in key and "." not in key
        route = COURSE_PROGRESS_ROUTE.format(course_id=key) if valid else COURSE_PROGRESS_ROUTE
        return configured_input(self, route)


class TribooExportCoursesOperator(ExportLineage, TribooBaseOperator):
    """Export the course catalogue: one row per course (:data:`triboo_provider.tables.COURSES`).

    :param path: target file: a local path, an ``s3://`` or fsspec URL (a ``str``,
        ``pathlib.Path`` or ``ObjectStoragePath``).
    :param format: ``parquet`` (default), ``csv`` or ``jsonl``.
    :raises TribooInputError: ``format`` or ``path`` is invalid (at DAG import when not
        templated).

    Templated fields: ``triboo_conn_id``, ``path``, ``format``.
    XCom: ``{"path", "rows", "format", "course_ids"}`` (the keys, for mapping course
    exports over them).
    """

    template_fields: Sequence[str] = (*TribooBaseOperator.template_fields, "path", "format")

    def __init__(self, *, path: Any, format: Format = "parquet", **kwargs: Any) -> None:
        self.check_given({"format": format})
        declare_outlets(kwargs, path=path)
        super().__init__(**kwargs)
        self.path = path
        self.format = format

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider import tables
        from triboo_provider.targets import resolve
        from triboo_provider.writers import atomic_table

        self._lineage_starts()
        fmt = choice(self.format, "format", FORMATS)
        keys: list[str] = []
        target = resolve(self.path, "path")
        with (
            server_rows("listCourses"),
            atomic_table(target, fmt, tables.COURSES) as writer,
        ):
            self._lineage_reads(self.hook.settings.base_url, COURSES_ROUTE)
            for row in tables.course_rows(self.hook.iter_courses()):
                keys.append(row["course_id"])
                writer.write([row])
        self._lineage_wrote((target, tables.COURSES, writer.rows, writer.size))
        self.log.info("exported %d courses to %s", writer.rows, target.url)
        summary = {
            "path": target.given,
            "rows": writer.rows,
            "format": fmt,
            "course_ids": keys,
        }
        announce(context, self.outlets, summary)
        return summary

    def _lineage_configured(self) -> tuple[str, str]:
        return configured_input(self, COURSES_ROUTE)
