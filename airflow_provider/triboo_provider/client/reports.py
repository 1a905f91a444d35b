"""The catalogue and progress reports: the export path (plain JSON pages), the course
report, and the connection test's one cheap read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from itertools import chain

from triboo_client import models
from triboo_client.api.courses import list_courses
from triboo_client.api.reports import get_course_progress_report, list_user_progress_reports
from triboo_client.types import UNSET

from triboo_provider.client import arguments, retry
from triboo_provider.client.answers import expect_type
from triboo_provider.client.core import ClientCore
from triboo_provider.client.errors import TribooAuthError, TribooError
from triboo_provider.client.protocols import JSONObject


class Reports(ClientCore):
    """Courses and progress, as plain JSON."""

    def iter_courses(self) -> Iterator[JSONObject]:
        """Every course of the catalogue once, as plain JSON (the server's fields)."""
        for courses in self._raw_pages("listCourses", list_courses, json_key("id")):
            yield from courses

    def iter_user_progress(self, page_size: int | None = None) -> Iterator[JSONObject]:
        """Every user progress report of the organisation once, page by page, as plain
        JSON; ``page_size`` (items per request) defaults to the connection's.

        :raises TribooInputError: ``page_size`` is not an integer from 1 to
            :data:`~triboo_provider.client.settings.MAX_PAGE_SIZE`, before any request.
        """
        size = arguments.page_size(page_size)  # checked now, not at the first next()
        pages = self._raw_pages(
            "listUserProgressReports", list_user_progress_reports, json_key("user_id"), size
        )
        return chain.from_iterable(pages)

    def course_progress(
        self,
        course_id: str,
        start: dt.date | str | None = None,
        end: dt.date | str | None = None,
    ) -> JSONObject:
        """One course's progress report, for enrollments with activity from ``start`` up to
        ``end`` (both optional; ``end`` only with ``start``).

        :param start: a ``datetime.date``, a ``datetime`` (its date) or ``YYYY-MM-DD`` text
            (``ds`` in ``@task`` code).
        :raises TribooInputError: ``course_id`` cannot be requested (no text, blank, ``.``
            or ``..``, a template, over 255 characters) or a date is none (see
            :mod:`~triboo_provider.client.arguments`); no request made.
        :raises TribooNotFoundError: no such course in the organisation.
        """
        operation = "getCourseProgressReport"
        course = arguments.path_name(course_id, "course_id", "course_id")
        first, last = arguments.report_dates(start, end)
        report = self.call(
            operation,
            lambda: get_course_progress_report.sync_detailed(
                course, client=self.api, from_=first or UNSET, to=last or UNSET
            ),
        )
        return expect_type(operation, report, models.CourseProgressReport).to_dict()

    def test_connection(self) -> tuple[bool, str]:
        """One token request and one cheap read (the catalogue's first page), tried once,
        no retries (a one-off policy: later calls retry as the settings say); the HTTP
        clients are closed after it.

        Returns ``(False, message)`` naming what failed: the misconfigured field, the URL that
        could not be reached, or the refused credentials; never a secret.
        """
        try:
            page = expect_type(
                "listCourses",
                self.call(
                    "listCourses",
                    lambda: list_courses.sync_detailed(client=self.api, page_size=1),
                    policy=retry.ONCE,
                ),
                models.CoursePage,
            )
        except TribooAuthError as problem:
            return False, (
                f"{problem} (check login = client id and password = client secret, and that "
                "the API user is staff or superuser in an organisation)"
            )
        except TribooError as problem:
            return False, str(problem)
        finally:
            self.close()
        return True, (
            f"Connected to {self.settings.endpoint}: {page.count} course(s) visible to this "
            "API client"
        )


def json_key(name: str) -> Callable[[JSONObject], Hashable | None]:
    """An item's identity in a plain JSON page: its ``name`` field, when hashable."""

    def key(item: JSONObject) -> Hashable | None:
        value = item.get(name)
        if type(value) is int or type(value) is str:
            return value  # the usual identities, without the slower isinstance(Hashable)
        return value if isinstance(value, Hashable) else None

    return key
