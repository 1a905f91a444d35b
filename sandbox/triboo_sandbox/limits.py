"""Per-API-user throttling, as Django REST framework does it on the Triboo server.

Each API user has **one** history of accepted requests, shared by every endpoint; each
endpoint compares the number of requests in that history within its window with its own
limit (users 20, reports and courses 10, bulk enroll 120 a minute). So ten user calls use
up the report budget too, as on the real server: its throttles (``ListUserThrottle``,
``ListCourseThrottle``, ``EnrollmentUserThrottle``) all switch to the scope ``staff`` for
the API user and so share one cache key.

The wait a 429 announces is Django REST framework's (``SimpleRateThrottle.wait``), not the
time until a request would really fit: ``(window - age of the newest request) / (limit -
requests in the window + 1)``. When the shared history holds more requests than this
endpoint's limit (twelve user calls, then a course call), that divisor is not positive and
DRF announces no wait at all: ``429 {"detail": "Request was throttled."}`` with no
``Retry-After``.
"""

from __future__ import annotations

import math
import threading
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
    # The server answers from several threads: without it, a thread that read the clock
    # and then waited could append an older time after a newer one, and the unsorted
    # history would keep an expired entry behind a fresh one (a 429 the server never sends).
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (a sandbox's saved state) without its lock, which cannot be."""
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @property
    def window(self) -> float:
        return WINDOW_SECONDS * (self.scale or 1.0)

    def check(self, api_user: str, scope: str) -> Throttled | None:
        """Record a request and answer None, or answer why it is throttled."""
        if self.scale is None:
            return None
        with self._lock:
            return self._check(api_user, scope)

    def _check(self, api_user: str, scope: str) -> Throttled | None:
        now = self.clock()
        history = self._history.setdefault(api_user, deque())
        while history and history[0] <= now - self.window:
            history.popleft()
        limit = self.limits[scope]
        if len(history) >= limit:
            available = limit - len(history) + 1
            if available <= 0:
                return Throttled(None)
            remaining = self.window - (now - history[-1])
            return Throttled(max(1, math.ceil(remaining / available)))
        history.append(now)
        return None


@dataclass(frozen=True)
class Throttled:
    """A refused request: ``wait`` whole seconds as DRF announces them, or None (no wait
    announced: the history is over this endpoint's limit)."""

    wait: int | None

    @property
    def detail(self) -> str:
        if self.wait is None:
            return "Request was throttled."
        # DRF 3.6 on Python 2: math.ceil gives a float, and one second is singular.
        unit = "second" if self.wait == 1 else "seconds"
        return f"Request was throttled. Expected available in {self.wait}.0 {unit}."
