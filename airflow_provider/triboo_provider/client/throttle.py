"""Client-side rate limiting as an httpx transport, so a job paces itself as the server counts.

The server keeps one history of requests per API user, and each endpoint family compares
the requests in it within the last minute with its own limit (users 20, reports and
courses 10, bulk enroll 120). Each request is classified by path, and one of a limited
scope waits in :meth:`~triboo_provider.client.budget.Budget.acquire` until the API user's
shared history has room for it (:mod:`triboo_provider.client.budget`), then is sent. No
Airflow import.
"""

from __future__ import annotations

import re

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


class RateLimitedTransport(httpx.BaseTransport):
    """Take a slot of the request's scope from ``budget``, then send it with ``inner``.

    The token request (no scope) and scopes ``budget`` does not limit go at once. Several
    transports may share one budget (a client's Bearer and JWT clients do); :meth:`close`
    closes ``inner`` and, when ``owns_budget``, the budget's store connections.
    """

    def __init__(
        self, inner: httpx.BaseTransport, budget: Budget, *, owns_budget: bool = False
    ) -> None:
        self.inner = inner
        self.budget = budget
        self.owns_budget = owns_budget

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scope = scope_of(request.url.path)
        if scope is not None:
            self.budget.acquire(scope)
        return self.inner.handle_request(request)

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            if self.owns_budget:
                self.budget.close()
