"""Client-side rate limiting of httpx requests, so a job paces itself as the server counts.

The server keeps one history of requests per API user, and each endpoint family compares
the requests in it within the last minute with its own limit (users 20, reports and
courses 10, bulk enroll 120). Each request is classified by path, and one of a limited
scope waits in :meth:`~triboo_provider.client.budget.Budget.acquire` until the API user's
shared history has room for it (:mod:`triboo_provider.client.budget`), then is signed and
sent; its answer settles it. No Airflow import.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager

import httpx

from triboo_provider.client.budget import Budget

SERVER_LIMITS = {"users": 20, "reports": 10, "bulk_enroll": 120}
_SCOPES = (
    (re.compile(r"^/api/extended/v1/users(_by_username|_by_email)?/"), "users"),
    (
        re.compile(r"^/api/extended/v1/(courses|user_progress_report\w*|course_progress_report)/"),
        "reports",
    ),
    (re.compile(r"^/api/(extended/v1/bulk_enroll|bulk_enroll/v1/bulk_enroll)"), "bulk_enroll"),
)


def scope_of(path: str) -> str | None:
    """The server's throttle scope of a request path, or None (the token endpoint)."""
    for pattern, scope in _SCOPES:
        if pattern.match(path):
            return scope
    return None


class Pacer:
    """Paces the requests of every client that shares ``budget``: called with a request
    (an API request, before it is signed), it gives the context to send it in, which
    takes a slot of the request's scope (the token request has none: it goes at once)
    and settles it when the answer has come back (:meth:`Budget.spent`).

    Given to :class:`~triboo_provider.client.auth.ClientCredentialsAuth` as ``pace``, so
    that a request signed after its wait, never before: a token cannot expire while its
    request waits for the budget.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget

    def __call__(self, request: httpx.Request) -> AbstractContextManager[None]:
        return self.budget.spent(scope_of(request.url.path))
