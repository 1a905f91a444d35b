"""Land learner progress reports and the course catalogue in object storage.

Every export opens its output(s) before its first request and commits them only when
complete (:func:`triboo_provider.writers.atomic_tables`: a temporary file renamed into
place, or on ``s3://`` one multipart upload completed or aborted, :mod:`triboo_provider.s3`).
Besides the Triboo errors, an output that cannot be written raises ``FileNotFoundError``
(no such S3 bucket), ``PermissionError`` (no or refused credentials) or ``OSError``;
those no retry can fix are ``TribooOutputError`` (an ``AirflowFailException``). Path
parameters take a ``str``, a ``pathlib.Path`` or an ``ObjectStoragePath`` and are read
exactly (:mod:`triboo_provider.targets`): one that names no single output is a
``TribooInputError`` before any call (at DAG import when it is not templated). A failed
run leaves what was at every path before as it was.
The OpenLineage facets (:class:`triboo_provider.lineage.ExportLineage`) name the report
route read and the outputs committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset, Context

from triboo_provider.lineage import (
    COURSE_PROGRESS_ROUTE,
    COURSES_ROUTE,
    USER_PROGRESS_ROUTE,
    ExportLineage,
    configured_input,
)
from triboo_provider.operators.base import TribooBaseOperator, is_templated

if TYPE_CHECKING:
    from triboo_provider.identifiers import Kind

FORMATS = ("parquet", "csv", "jsonl")
# The user progress export's filter parameters and the identifier each names.
_FILTERS: tuple[tuple[Kind, str], ...] = (
    ("user_id", "user_ids"),
    ("username", "usernames"),
    ("email", "emails"),
)
_NAMES = tuple(name for _, name in _FILTERS)


def _outlets(kwargs: dict[str, Any], **paths: Any) -> None:
    """Check every path that is not templated (a ``TribooInputError`` at DAG import, naming
    the parameter) and declare the outputs as Assets unless the DAG did. The asset URI is
    the stored object's, without a connection id (``s3://bucket/key``, as the Amazon
    provider spells it), so ``Asset("s3://bucket/key")`` in another DAG matches it."""
    from triboo_provider.exceptions import TribooInputError
    from triboo_provider.targets import resolve

    static = [
        resolve(value, name)
        for name, value in paths.items()
        if value is not None and not is_templated(value)
    ]
    if "outlets" not in kwargs and static:
        try:
            kwargs["outlets"] = [Asset(uri=t.asset_uri()) for t in static]
        except ValueError as problem:  # Airflow's limits on a URI (1500 characters)
            raise TribooInputError([f"{static[0].param}: no Asset URI ({problem})"]) from None


def _announce(context: Any, outlets: Sequence[Any], summary: dict[str, Any]) -> None:
    """Put the export's path and row count on its asset events, for asset-scheduled DAGs."""
    events = context.get("outlet_events") if hasattr(context, "get") else None
    if events is None:
        return
    for outlet in outlets:
        if isinstance(outlet, Asset):
            events[outlet].extra = {"path": summary["path"], "rows": summary["rows"]}


@contextmanager
def _server_rows(operation: str) -> Iterator[None]:
    """Turn server data the tables cannot flatten (a course without ``id``, a date that is
    no date, a list where an object belongs) into a typed server error, its cause kept.

    Around the output's ``atomic_table``, so that a value Parquet refuses when the file
    is finished is caught too; the failed export leaves no file.
    """
    from triboo_provider.exceptions import TribooServerError

    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        raise TribooServerError(
            operation, 200, f"server data of an unexpected shape ({type(problem).__name__})"
        ) from problem


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


class TribooExportUserProgressOperator(ExportLineage, TribooBaseOperator):
    """Export the user progress report: one row per user and enrolled course.

    Pages are fetched at the largest page size and streamed to ``path``; memory does not
    grow with the report. The file and ``badges_path`` appear together, only when both are
    complete.
    Filters (``user_ids``, ``usernames``, ``emails``) are applied here, on the client:
    current servers ignore them on this route and would export everyone. Each is a list
    parameter (:mod:`triboo_provider.params`); usernames and e-mails match ignoring case. A
    filter given but empty names nobody (an empty export, no call); unset, it names all.

    :raises TribooInputError: a filter is not a list, or names no id, username or e-mail.

    :param path: target file: a local path, an ``s3://`` or fsspec URL (a ``str``,
        ``pathlib.Path`` or ``ObjectStoragePath``), templated.
    :param format: ``parquet`` (default), ``csv`` or ``jsonl``.
    :param badges_path: optional second table, one row per badge (same forms).

    Columns: see :data:`triboo_provider.tables.USER_PROGRESS` and ``BADGES``.
    Templated fields: ``path``, ``badges_path``, ``user_ids``, ``usernames``, ``emails``.
    XCom: ``{"path", "rows", "users", "format", "badges_path", "badge_rows"}``.
    """

    template_fields: Sequence[str] = ("path", "badges_path", "user_ids", "usernames", "emails")

    def __init__(
        self,
        *,
        path: Any,
        format: str = "parquet",
        badges_path: Any = None,
        user_ids: Any = None,
        usernames: Any = None,
        emails: Any = None,
        **kwargs: Any,
    ) -> None:
        _check_format(format)
        _outlets(kwargs, path=path, badges_path=badges_path)
        super().__init__(**kwargs)
        self.path = path
        self.format = format
        self.badges_path = badges_path
        self.user_ids = user_ids
        self.usernames = usernames
        self.emails = emails
        # Which filters the DAG set: one that renders to None afterwards is a missing value,
        # never "no filter" (which would export everyone).
        self._set_filters = frozenset(
            name
            for name, value in zip(_NAMES, (user_ids, usernames, emails), strict=True)
            if value is not None
        )

    def _filters(self) -> dict[Kind, set[Any]]:
        """The match keys of each filter that is given, checked by the list and identifier
        rules. A filter that is given but empty (``"{{ params.leavers }}"`` rendering
        ``[]``) names nobody: the export is empty, never everyone.

        :raises TribooInputError: a filter is not a list, or an item is not an id, a
            username or an e-mail (before any call).
        """
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.identifiers import list_problems, match_key
        from triboo_provider.params import as_texts

        filters: dict[Kind, set[Any]] = {}
        problems: list[str] = []
        for kind, name in _FILTERS:
            if name not in self._set_filters:
                continue
            if getattr(self, name) is None:
                problems.append(
                    f"{name}: rendered to None, a missing value; leave the filter unset to "
                    "export everyone, or give [] to export nobody"
                )
                continue
            values = as_texts(getattr(self, name), name, integers=kind == "user_id")
            problems += list_problems(values, name, kind)
            filters[kind] = {match_key(kind, v) for v in values}
        if problems:
            raise TribooInputError(problems)
        return filters

    @staticmethod
    def _wanted(
        reports: Iterable[dict[str, Any]], filters: dict[Kind, set[Any]]
    ) -> Iterator[dict[str, Any]]:
        """The reports a filter names (ids exactly, usernames and e-mails ignoring case);
        every report when no filter is given."""
        from triboo_provider.identifiers import match_key

        if not filters:
            yield from reports
            return
        for report in reports:
            if any(match_key(kind, report.get(kind)) in keys for kind, keys in filters.items()):
                yield report

    def _lineage_configured(self) -> tuple[str, str]:
        return configured_input(self, USER_PROGRESS_ROUTE)

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider import tables
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.targets import resolve
        from triboo_provider.writers import atomic_tables

        self._lineage_starts()
        filters = self._filters()
        target = resolve(self.path, "path")
        outputs = [(target, self.format, tables.USER_PROGRESS)]
        if self.badges_path is not None and self.badges_path != "":
            badges_target = resolve(self.badges_path, "badges_path")
            # Compared as the stored object (s3://conn@b/k and s3://b/k are one object).
            if badges_target.dataset() == target.dataset():
                raise TribooInputError(["badges_path: the same file as path; give another"])
            outputs.append((badges_target, self.format, tables.BADGES))
        users = 0
        # Both tables appear together or not at all; server data the tables cannot take
        # (even when Parquet finds it at close) is a typed server error.
        with (
            _server_rows("listUserProgressReports"),
            atomic_tables(*outputs) as writers,
        ):
            main, badges = writers[0], writers[1] if len(writers) > 1 else None
            # Filters that name nobody need no call: the export is empty.
            named = not filters or any(filters.values())
            if named:
                self._lineage_reads(self.hook.settings.base_url, USER_PROGRESS_ROUTE)
            reports = self.hook.iter_user_progress() if named else iter(())
            for report in self._wanted(reports, filters):
                users += 1
                main.write(tables.user_progress_rows([report]))
                if badges is not None:
                    badges.write(tables.badge_rows([report]))
        self._lineage_wrote(
            *((o[0], o[2], w.rows, w.size) for o, w in zip(outputs, writers, strict=True))
        )
        self.log.info("exported %d rows for %d users to %s", main.rows, users, target.url)
        summary = {
            "path": target.given,
            "rows": main.rows,
            "users": users,
            "format": self.format,
            "badges_path": outputs[1][0].given if len(outputs) > 1 else None,
            "badge_rows": badges.rows if badges else 0,
        }
        _announce(context, self.outlets, summary)
        return summary


class TribooExportCourseProgressOperator(ExportLineage, TribooBaseOperator):
    """Export one course's progress report, optionally for ``[from_date, to_date)``.

    The file is ``<output_dir>/<course key made safe>.<format>``: course keys are server
    data, so they are reduced to a safe file name that cannot leave ``output_dir``.

    :param course_id: the course key (templated; map over the catalogue).
    :param output_dir: target folder: a local path, an ``s3://`` or fsspec URL (a ``str``,
        ``pathlib.Path`` or ``ObjectStoragePath``), templated (e.g.
        ``.../date=<the day>``, the day as below: ``ds``, ``logical_date`` and
        ``data_interval_*`` are undefined in a run without a logical date, ``dag_run`` is
        in every run's context).
    :param from_date: ``YYYY-MM-DD`` or a date, templated; for a daily window that works
        with and without a logical date (``example_triboo_progress_export``, README "Runs
        with and without a logical date"): ``{{ [dag_run.logical_date or
        dag_run.run_after, dag_run.run_after - macros.timedelta(days=1)] | min | ds }}``
        (a manual run's data interval is inferred, not the date it was given).
    :param to_date: ``YYYY-MM-DD`` or a date, templated; requires ``from_date``
        (the same expression inside ``{{ macros.ds_add(..., 1) }}``).

    Columns: :data:`triboo_provider.tables.COURSE_PROGRESS`.
    XCom: ``{"path", "rows", "course_id", "format"}``.
    """

    template_fields: Sequence[str] = ("course_id", "output_dir", "from_date", "to_date")

    def __init__(
        self,
        *,
        course_id: str,
        output_dir: Any,
        format: str = "parquet",
        from_date: Any = None,
        to_date: Any = None,
        **kwargs: Any,
    ) -> None:
        _check_format(format)
        if not is_templated(output_dir):
            resolve_folder(output_dir)
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
        problems: list[str] = []
        start, end = (
            _date(self.from_date, "from_date", problems),
            _date(self.to_date, "to_date", problems),
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
        name = f"{safe_name(self.course_id)}{EXTENSIONS[self.format]}"
        target = resolve_folder(self.output_dir).child(name)
        # The output is opened first: a store that cannot take it (no bucket, no right to
        # write) fails the task before the report is requested.
        with (
            _server_rows("getCourseProgressReport"),
            atomic_table(target, self.format, tables.COURSE_PROGRESS) as writer,
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
            "format": self.format,
        }

    def _lineage_configured(self) -> tuple[str, str]:
        key = self.course_id
        valid = isinstance(key, str) and key.strip() and "/" not in key and "." not in key
        route = COURSE_PROGRESS_ROUTE.format(course_id=key) if valid else COURSE_PROGRESS_ROUTE
        return configured_input(self, route)


def resolve_folder(value: Any) -> Any:
    """``output_dir`` read as a folder :class:`~triboo_provider.targets.Target`."""
    from triboo_provider.targets import resolve

    return resolve(value, "output_dir", folder=True)


def _date(value: Any, name: str, problems: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        # A date, or a timestamp such as "{{ data_interval_start }}" renders to.
        return (
            dt.date.fromisoformat(text)
            if len(text) == 10
            else dt.datetime.fromisoformat(text).date()
        )
    except ValueError:
        problems.append(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
        return None


class TribooExportCoursesOperator(ExportLineage, TribooBaseOperator):
    """Export the course catalogue: one row per course (:data:`triboo_provider.tables.COURSES`).

    :param path: target file: a local path, an ``s3://`` or fsspec URL (a ``str``,
        ``pathlib.Path`` or ``ObjectStoragePath``), templated.

    Templated fields: ``path``. XCom: ``{"path", "rows", "format", "course_ids"}``
    (the keys, for mapping course exports over them).
    """

    template_fields: Sequence[str] = ("path",)

    def __init__(self, *, path: Any, format: str = "parquet", **kwargs: Any) -> None:
        _check_format(format)
        _outlets(kwargs, path=path)
        super().__init__(**kwargs)
        self.path = path
        self.format = format

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider import tables
        from triboo_provider.targets import resolve
        from triboo_provider.writers import atomic_table

        self._lineage_starts()
        keys: list[str] = []
        target = resolve(self.path, "path")
        with (
            _server_rows("listCourses"),
            atomic_table(target, self.format, tables.COURSES) as writer,
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
            "format": self.format,
            "course_ids": keys,
        }
        _announce(context, self.outlets, summary)
        return summary

    def _lineage_configured(self) -> tuple[str, str]:
        return configured_input(self, COURSES_ROUTE)
