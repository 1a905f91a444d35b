"""Enroll people into courses in bulk."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from airflow.sdk import Context

from triboo_provider.operators.base import TribooBaseOperator

ENDPOINTS = ("upstream", "extended")
_COURSE_KEY = re.compile(r"^[^,\s]+$")


def batches(items: Any, size: int = 100) -> list[list[Any]]:
    """Split identifiers for dynamic task mapping (``expand(identifiers=batches(...))``).

    ``items`` follows :func:`triboo_provider.params.as_list` (a string is split on commas
    and newlines, never into characters).
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive integer, not {size!r}")
    from triboo_provider.params import as_list

    values = as_list(items, "items")
    return [values[start : start + size] for start in range(0, len(values), size)]


class TribooBulkEnrollOperator(TribooBaseOperator):
    """Enroll or unenroll identifiers (e-mails or usernames) into one or more courses.

    :param identifiers: e-mails and/or usernames, a list parameter
        (:mod:`triboo_provider.params`; templated; map over :func:`batches`). One holding
        ``@`` must be an e-mail: the server reads it as one. Repeats (in any case) go once.
    :param courses: course keys, a list parameter.
    :param action: ``enroll`` or ``unenroll``.
    :param endpoint: ``upstream`` (default): the documented Open edX bulk enroll, with a
        JWT; it pre-enrolls unknown e-mails when ``auto_enroll``. ``extended``: Triboo's
        own endpoint (Bearer); it reports inactive users and cannot pre-enroll.
    :param batch_size: identifiers per request.

    Enrolling is idempotent: a rerun reports ``already_enrolled``.
    Templated fields: ``identifiers``, ``courses``.
    XCom: ``{"requests", "pairs", "enrolled", "already_enrolled", "pre_enrolled",
    "invalid", "inactive", "unenrolled", "not_enrolled", "error"}``.
    """

    template_fields: Sequence[str] = ("identifiers", "courses")

    def __init__(
        self,
        *,
        identifiers: Any,
        courses: Any,
        action: str = "enroll",
        endpoint: str = "upstream",
        auto_enroll: bool = False,
        email_students: bool = False,
        batch_size: int = 100,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if action not in ("enroll", "unenroll"):
            raise ValueError(f"action must be enroll or unenroll, not {action!r}")
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint must be one of {', '.join(ENDPOINTS)}, not {endpoint!r}")
        self.identifiers = identifiers
        self.courses = courses
        self.action = action
        self.endpoint = endpoint
        self.auto_enroll = auto_enroll
        self.email_students = email_students
        self.batch_size = batch_size

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.identifiers import list_problems, unique
        from triboo_provider.params import as_texts

        given = as_texts(self.identifiers, "identifiers")
        courses = list(dict.fromkeys(as_texts(self.courses, "courses")))
        problems = list_problems(given, "identifiers", "identifier")
        problems += [
            f"courses item {n}: {v!r} is not a course key"
            for n, v in enumerate(courses, 1)
            if not _COURSE_KEY.match(v)
        ]
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int):
            problems.append(f"batch_size: {self.batch_size!r} is not an integer")
        elif not 1 <= self.batch_size <= 1000:
            problems.append(f"batch_size: {self.batch_size} is not between 1 and 1000")
        identifiers = unique(given, "identifier")
        if not identifiers:
            problems.append("identifiers: empty")
        if not courses:
            problems.append("courses: empty")
        if self.endpoint == "extended" and self.auto_enroll:
            problems.append(
                "auto_enroll: the extended endpoint cannot pre-enroll; use endpoint='upstream'"
            )
        if problems:
            raise TribooInputError(problems)
        counts: Counter[str] = Counter()
        for batch in batches(identifiers, self.batch_size):
            for outcome in self.hook.bulk_enroll(
                identifiers=batch,
                courses=courses,
                action=self.action,  # type: ignore[arg-type]
                auto_enroll=self.auto_enroll,
                email_students=self.email_students,
                endpoint=self.endpoint,
            ):
                counts[outcome["outcome"]] += 1
            counts["requests"] += 1
        self.log.info(
            "bulk %s of %d identifiers (%d repeated ones dropped) into %d course(s): %s",
            self.action,
            len(identifiers),
            len(given) - len(identifiers),
            len(courses),
            dict(counts),
        )
        return {"pairs": len(identifiers) * len(courses), **dict(counts)}
