"""Client-side rate limiting as an httpx transport, so a long job paces itself.

The server counts requests per API user and answers 429 past its per-endpoint limits
(users 20, reports and courses 10, bulk enroll 120 a minute). Each request is classified
by path and waits for a slot of its scope (pyrate-limiter) before it is sent. No Airflow
import.
"""

from __future__ import annotations

import logging
import re

import httpx
from pyrate_limiter import Limiter, Rate

# pyrate-limiter logs every bucket it creates at INFO; task logs need none of that.
logging.getLogger("pyrate_limiter").setLevel(logging.WARNING)

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
    """Wait for a slot of the request's scope, then send it with ``inner``.

    ``limits`` maps scopes to requests per ``window`` seconds; a scope missing or set to
    0 is not limited.
    """

    def __init__(
        self, inner: httpx.BaseTransport, limits: dict[str, int], window: float = 60.0
    ) -> None:
        self.inner = inner
        self._limiters = {
            scope: Limiter(Rate(limit, max(1, int(window * 1000))))
            for scope, limit in limits.items()
            if limit > 0
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        scope = scope_of(request.url.path)
        limiter = self._limiters.get(scope) if scope else None
        if limiter is not None:
            limiter.try_acquire(scope or "", blocking=True)
        return self.inner.handle_request(request)

    def close(self) -> None:
        for limiter in self._limiters.values():
            limiter.close()
        self.inner.close()
