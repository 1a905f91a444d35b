"""Land learner progress reports and the course catalogue in object storage.

The user progress export is here; the course exports are in
:mod:`triboo_provider.operators.courses` and importable from here too.

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

from collections.abc import Sequence
from typing import Any, ClassVar

from airflow.sdk import Context

from triboo_provider.lineage import (
    USER_PROGRESS_ROUTE,
    ExportLineage,
    configured_input,
)
from triboo_provider.operators.base import TribooBaseOperator, check_choice, choice
from triboo_provider.operators.courses import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
)
from triboo_provider.operators.exporting import (
    FORMATS,
    Format,
    announce,
    declare_outlets,
    server_rows,
)
from triboo_provider.operators.progress_filters import NAMES, read_filters, wanted

__all__ = [
    "FORMATS",
    "Format",
    "TribooExportCourseProgressOperator",
    "TribooExportCoursesOperator",
    "TribooExportUserProgressOperator",
]


class TribooExportUserProgressOperator(ExportLineage, TribooBaseOperator):
    """Export the user progress report: one row per user and enrolled course.

    Pages are fetched at the largest page size and streamed to ``path``; memory does not
    grow with the report. The file and ``badges_path`` appear together, only when both are
    complete.
    Filters (``user_ids``, ``usernames``, ``emails``) are applied here, on the client:
    current servers ignore them on this route and would export everyone. Each is a list
    parameter (:mod:`triboo_provider.params`); usernames and e-mails match ignoring case. A
    filter given but empty names nobody (an empty export, no call); unset, it names all.

    :param path: target file: a local path, an ``s3://`` or fsspec URL (a ``str``,
        ``pathlib.Path`` or ``ObjectStoragePath``).
    :param format: ``parquet`` (default), ``csv`` or ``jsonl``.
    :param badges_path: optional second table, one row per badge (same forms).
    :param user_ids: optional filter, a list parameter of user ids.
    :param usernames: optional filter, a list parameter of usernames.
    :param emails: optional filter, a list parameter of e-mails.
    :raises TribooInputError: ``format`` or a path is invalid (at DAG import when not
        templated), a filter is not a list, or names no id, username or e-mail (before
        any call).

    Columns: see :data:`triboo_provider.tables.USER_PROGRESS` and ``BADGES``.
    Templated fields: ``triboo_conn_id``, ``path``, ``format``, ``badges_path``,
    ``user_ids``, ``usernames``, ``emails``.
    XCom: ``{"path", "rows", "users", "format", "badges_path", "badge_rows"}``.
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "path",
        "format",
        "badges_path",
        "user_ids",
        "usernames",
        "emails",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {
        "user_ids": "json",
        "usernames": "json",
        "emails": "json",
    }

    def __init__(
        self,
        *,
        path: Any,
        format: Format = "parquet",
        badges_path: Any = None,
        user_ids: Any = None,
        usernames: Any = None,
        emails: Any = None,
        **kwargs: Any,
    ) -> None:
        check_choice(format, "format", FORMATS)
        declare_outlets(kwargs, path=path, badges_path=badges_path)
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
            for name, value in zip(NAMES, (user_ids, usernames, emails), strict=True)
            if value is not None
        )

    def _lineage_configured(self) -> tuple[str, str]:
        return configured_input(self, USER_PROGRESS_ROUTE)

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider import tables
        from triboo_provider.columnar import REPORTS_PER_CHUNK, chunked, write_user_progress
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.heap import frozen_heap
        from triboo_provider.targets import resolve
        from triboo_provider.writers import atomic_tables

        self._lineage_starts()
        fmt = choice(self.format, "format", FORMATS)
        filters = read_filters({name: getattr(self, name) for name in NAMES}, self._set_filters)
        target = resolve(self.path, "path")
        outputs = [(target, fmt, tables.USER_PROGRESS)]
        if self.badges_path is not None and self.badges_path != "":
            badges_target = resolve(self.badges_path, "badges_path")
            # Compared as the stored object (s3://conn@b/k and s3://b/k are one object).
            if badges_target.dataset() == target.dataset():
                raise TribooInputError(["badges_path: the same file as path; give another"])
            outputs.append((badges_target, fmt, tables.BADGES))
        users = 0
        # Both tables appear together or not at all; server data the tables cannot take
        # (even when Parquet finds it at close) is a typed server error.
        # The collector stays off the task process's long-lived objects meanwhile (heap.py).
        with (
            frozen_heap(),
            server_rows("listUserProgressReports"),
            atomic_tables(*outputs) as writers,
        ):
            main, badges = writers[0], writers[1] if len(writers) > 1 else None
            # Filters that name nobody need no call: the export is empty.
            named = not filters or any(filters.values())
            if named:
                self._lineage_reads(self.hook.settings.base_url, USER_PROGRESS_ROUTE)
            reports = self.hook.iter_user_progress() if named else iter(())
            # A chunk of reports (a page at the default page size) at a time: Parquet's
            # rows are built column by column, a chunk per batch (triboo_provider.columnar).
            selected = wanted(reports, filters) if filters else reports  # no per-report step
            for chunk in chunked(selected, REPORTS_PER_CHUNK):
                users += len(chunk)
                write_user_progress(main, chunk)
                if badges is not None:
                    badges.write(tables.badge_rows(chunk))
        self._lineage_wrote(
            *((o[0], o[2], w.rows, w.size) for o, w in zip(outputs, writers, strict=True))
        )
        self.log.info("exported %d rows for %d users to %s", main.rows, users, target.url)
        summary = {
            "path": target.given,
            "rows": main.rows,
            "users": users,
            "format": fmt,
            "badges_path": outputs[1][0].given if len(outputs) > 1 else None,
            "badge_rows": badges.rows if badges else 0,
        }
        announce(context, self.outlets, summary)
        return summary
