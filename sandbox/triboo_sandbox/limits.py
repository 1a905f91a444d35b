"""Per-API-user throttling, as Django REST framework does it on the Triboo server.

Each API user has **one** history of accepted requests, shared by every endpoint; each
endpoint compares the number of requests in that history within its window with its own
limit (users 20, reports and courses 10, bulk enroll 120 a minute). So ten user calls use
up the report budget too, as on the real server.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

REAL_LIMITS = {"users": 20, "reports": 10, "bulk_enroll": 120}
WINDOW_SECONDS = 60.0


@dataclass
class RateLimiter:
    """Sliding-window limits; ``scale`` multiplies the window (0.1: 6-second minutes)."""

    scale: float | None = 1.0  # None: throttling off
    limits: dict[str, int] = field(default_factory=lambda: dict(REAL_LIMITS))
    clock: Callable[[], float] = time.monotonic
    _history: dict[str, deque[float]] = field(default_factory=dict)

    @property
    def window(self) -> float:
        return WINDOW_SECONDS * (self.scale or 1.0)

    def check(self, api_user: str, scope: str) -> int | None:
        """Record a request, or return the whole seconds to wait before one is accepted."""
        if self.scale is None:
            return None
        now = self.clock()
        history = self._history.setdefault(api_user, deque())
        while history and history[0] <= now - self.window:
            history.popleft()
        limit = self.limits[scope]
        if len(history) >= limit:
            # Honest wait: until enough old requests leave the window for one more to fit.
            oldest_blocking = history[len(history) - limit]
            return max(1, math.ceil(oldest_blocking + self.window - now))
        history.append(now)
        return None
