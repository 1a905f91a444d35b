"""Enroll people into courses in bulk."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

from airflow.sdk import Context

from triboo_provider.operators.base import Check, TribooBaseOperator, choice, one_of

Action = Literal["enroll", "unenroll"]
Endpoint = Literal["upstream", "extended"]
ACTIONS: tuple[Action, ...] = ("enroll", "unenroll")
ENDPOINTS: tuple[Endpoint, ...] = ("upstream", "extended")
_COURSE_KEY = re.compile(r"^[^,\s]+$")


def __getattr__(name: str) -> Any:
    """``batches``, moved to :mod:`triboo_provider.batching`, with a deprecation warning."""
    if name == "batches":
        import warnings

        from triboo_provider.batching import batches
        from triboo_provider.client.errors import DEPRECATION

        warnings.warn(
            "triboo_provider.operators.enrollments.batches moved to "
            "triboo_provider.batching.batches",
            DEPRECATION,
            stacklevel=2,
        )
        return batches
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TribooBulkEnrollOperator(TribooBaseOperator):
    """Enroll or unenroll identifiers (e-mails or usernames) into one or more courses.

    :param identifiers: e-mails and/or usernames, a list parameter
        (:mod:`triboo_provider.params`; map over :func:`triboo_provider.batching.batches`).
        One holding ``@`` must be an e-mail: the server reads it as one. Repeats (in any
        case) go once.
    :param courses: course keys, a list parameter.
    :param action: ``enroll`` (default) or ``unenroll``.
    :param endpoint: ``upstream`` (default): the documented Open edX bulk enroll, with a
        JWT; it pre-enrolls unknown e-mails when ``auto_enroll``. ``extended``: Triboo's
        own endpoint (Bearer); it reports inactive users and cannot pre-enroll.
    :param auto_enroll: pre-enroll unknown e-mails (``upstream`` only).
    :param email_students: the server e-mails the people enrolled.
    :param batch_size: identifiers per request, 1 to 1000.
    :raises TribooInputError: a choice, identifier, course key or batch size is invalid
        (at DAG import when not templated, else before any call).

    Enrolling is idempotent: a rerun reports ``already_enrolled``.
    Templated fields: ``triboo_conn_id``, ``identifiers``, ``courses``, ``action``,
    ``endpoint`` (a choice given as a template is checked once rendered).
    XCom: ``{"requests", "pairs", "enrolled", "already_enrolled", "pre_enrolled",
    "invalid", "inactive", "unenrolled", "not_enrolled", "error"}`` (counts; a key
    appears when its count is not 0, except ``pairs``).
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "identifiers",
        "courses",
        "action",
        "endpoint",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"identifiers": "json", "courses": "json"}
    import_checks: ClassVar[Mapping[str, Check]] = {
        **TribooBaseOperator.import_checks,
        "action": one_of(ACTIONS),
        "endpoint": one_of(ENDPOINTS),
    }

    def __init__(
        self,
        *,
        identifiers: Any,
        courses: Any,
        action: Action = "enroll",
        endpoint: Endpoint = "upstream",
        auto_enroll: bool = False,
        email_students: bool = False,
        batch_size: int = 100,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check_given({"action": action, "endpoint": endpoint})
        self.identifiers = identifiers
        self.courses = courses
        self.action = action
        self.endpoint = endpoint
        self.auto_enroll = auto_enroll
        self.email_students = email_students
        self.batch_size = batch_size

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.batching import batches
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.identifiers import list_problems, unique
        from triboo_provider.params import as_texts

        action = choice(self.action, "action", ACTIONS)
        endpoint = choice(self.endpoint, "endpoint", ENDPOINTS)
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
        if endpoint == "extended" and self.auto_enroll:
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
                action=action,
                auto_enroll=self.auto_enroll,
                email_students=self.email_students,
                endpoint=endpoint,
            ):
                counts[str(outcome["outcome"])] += 1
            counts["requests"] += 1
        self.log.info(
            "bulk %s of %d identifiers (%d repeated ones dropped) into %d course(s): %s",
            action,
            len(identifiers),
            len(given) - len(identifiers),
            len(courses),
            dict(counts),
        )
        return {"pairs": len(identifiers) * len(courses), **dict(counts)}
