"""Enrollments: the upstream Open edX bulk enroll (JWT) and Triboo's extended one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from triboo_client import models
from triboo_client.api.enrollments import bulk_enroll, extended_bulk_enroll
from triboo_client.types import UNSET

from triboo_provider.client import arguments
from triboo_provider.client.answers import expect_type
from triboo_provider.client.core import ClientCore
from triboo_provider.client.errors import TribooServerError
from triboo_provider.client.protocols import JSONObject

Action = Literal["enroll", "unenroll"]
Endpoint = Literal["upstream", "extended"]
ACTIONS: tuple[Action, ...] = ("enroll", "unenroll")
ENDPOINTS: tuple[Endpoint, ...] = ("upstream", "extended")


class Enrollments(ClientCore):
    """Enroll and unenroll, with one outcome per identifier and course."""

    def bulk_enroll(
        self,
        *,
        identifiers: Sequence[str],
        courses: Sequence[str],
        action: Action = "enroll",
        auto_enroll: bool = False,
        email_students: bool = False,
        endpoint: str = "upstream",
    ) -> list[JSONObject]:
        """Enroll or unenroll; one ``{"identifier", "course_id", "outcome"}`` per pair.

        ``endpoint="upstream"`` is the documented Open edX bulk enroll (JWT; e-mails or
        usernames; pre-enrolls unknown e-mails with ``auto_enroll``). ``"extended"`` is
        Triboo's own (Bearer; identifiers with ``@`` go as e-mails, the rest as usernames;
        reports inactive users, cannot pre-enroll). ``identifiers`` and ``courses`` follow
        :func:`triboo_provider.params.as_texts`. ``outcome`` is one of ``enrolled``,
        ``pre_enrolled``, ``already_enrolled``, ``unenrolled``, ``not_enrolled``,
        ``invalid``, ``inactive``, ``error``.

        :raises TribooInputError: an unknown ``action`` or ``endpoint``, no identifier or
            no course, or an identifier or course that cannot be sent (see
            :mod:`~triboo_provider.client.arguments`); no request made.
        :raises TribooServerError: the answer does not cover every pair.
        """
        action = arguments.choice(action, "action", ACTIONS)
        endpoint = arguments.choice(endpoint, "endpoint", ENDPOINTS)  # str: templated text
        identifiers = arguments.required(
            arguments.filter_values(identifiers, "identifiers"), "identifiers"
        )
        joined = ",".join(
            arguments.required(arguments.filter_values(courses, "courses"), "courses")
        )
        if endpoint == "upstream":
            operation = "bulkEnroll"
            body = models.BulkEnrollRequest(
                action=action,
                courses=joined,
                identifiers=",".join(identifiers),
                auto_enroll=auto_enroll,
                email_students=email_students,
            )
            upstream = self.call(
                operation,
                lambda: bulk_enroll.sync_detailed(client=self.jwt_api, body=body),
                sent=identifiers,  # a refusal may repeat them: people's e-mails
            )
            answer: JSONObject = expect_type(
                operation, upstream, models.BulkEnrollResponse
            ).to_dict()
        else:
            operation = "extendedBulkEnroll"
            emails = [i for i in identifiers if "@" in i]
            names = [i for i in identifiers if "@" not in i]
            ext = models.ExtendedBulkEnrollRequest(
                action=action,
                courses=joined,
                usernames=",".join(names) if names else UNSET,
                emails=",".join(emails) if emails else UNSET,
                email_students=email_students,
            )
            extended = self.call(
                operation,
                lambda: extended_bulk_enroll.sync_detailed(client=self.api, body=ext),
                sent=identifiers,
            )
            answer = expect_type(operation, extended, models.ExtendedBulkEnrollResponse).to_dict()
        try:
            outcomes = [
                {
                    "identifier": _identifier_of(row),
                    "course_id": course_id,
                    "outcome": _enrollment_outcome(row, action),
                }
                for course_id, result in answer["courses"].items()
                for row in result["results"]
            ]
        except (KeyError, TypeError, AttributeError) as problem:
            raise TribooServerError(
                operation, 200, "unreadable answer: JSON of an unexpected shape"
            ) from problem
        # One outcome per identifier and course, or some were dropped without a word.
        expected = len(identifiers) * len(set(joined.split(",")))
        if len(outcomes) != expected:
            raise TribooServerError(
                operation,
                200,
                f"the answer covers {len(outcomes)} of {expected} identifier-course pairs",
            )
        return outcomes


def _identifier_of(row: JSONObject) -> str:
    """The identifier of a bulk enroll result: a string (upstream), or a one-key object
    such as ``{"email": …}`` (extended)."""
    identifier = row["identifier"]
    if isinstance(identifier, dict):
        identifier = next(iter(identifier.values()), "")
    return str(identifier)


def _enrollment_outcome(row: JSONObject, action: str) -> str:  # noqa: PLR0911 - a table
    if row.get("invalidIdentifier"):
        return "invalid"
    if row.get("inactiveUser"):
        return "inactive"
    if row.get("error"):
        return "error"
    before, after = row.get("before") or {}, row.get("after") or {}
    if action == "unenroll":
        return "unenrolled" if before.get("enrollment") else "not_enrolled"
    if before.get("enrollment"):
        return "already_enrolled"
    if after.get("enrollment"):
        return "enrolled"
    if after.get("allowed"):
        return "pre_enrolled"
    return "error"
