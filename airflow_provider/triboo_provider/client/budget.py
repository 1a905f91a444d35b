"""One rate-limit budget per API user, shared the way the server counts it.

The server keeps **one** history of accepted requests per API user; each endpoint family
compares the number of requests in that history within the last window (60 s) with its own
limit (users 20, reports and courses 10, bulk enroll 120). Ten user calls therefore use up
the report budget too. :class:`Budget` models exactly that: ``acquire(scope)`` waits until
the API user's history holds fewer than the scope's limit in the window, then records the
request, as one atomic step of a :class:`HistoryStore`:

- :class:`LocalHistory`: in-process (threads of one task);
- :class:`~triboo_provider.client.budget_sqlite.SQLiteHistory`: a SQLite file, shared by
  every process on one machine with no set-up;
- :class:`~triboo_provider.client.budget_redis.RedisHistory`: a Redis server, shared by
  every worker of a multi-machine deployment.

pyrate-limiter (the per-scope limiter used before) does not fit this model: its buckets
hold one log each and check-and-put atomically against that log's own rates only. Here one
log is checked against a limit that depends on the request (a user call may go in at 15
entries, a report call may not), and every request, whatever its scope, counts for all
scopes; with pyrate that means putting each request into every bucket, which is not atomic
with the check of its own bucket. A log of timestamps per API user is a few lines per store.

If the shared store fails (Redis stopped, SQLite file unwritable), the budget logs one
warning and paces on the process's own log, which mirrors every request this process made;
the task never fails for its budget. Every ``recheck`` seconds (default one window) it tries
the store again: on success it first adds this process's requests of the last window to the
shared history (some may be there already: counting them twice errs on the side of waiting,
for at most one window), logs that the shared budget is back, and uses it again.

Times are whole microseconds (int) in every store, so that "exactly one window later" is
exact: an entry leaves the window when ``now - entry >= window``, as on the server. No
Airflow import.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

log = logging.getLogger(__name__)

MICROS = 1_000_000
MAX_WINDOW = 86_400.0  # the SQLite store drops any entry older than this


class StoreUnavailable(Exception):
    """The shared history could not be read or written (the cause is chained)."""


class HistoryStore(Protocol):
    """Where the request histories of API users live; every method is atomic.

    Keys are :func:`api_user_key` values; times and durations are whole microseconds.
    Methods raise :class:`StoreUnavailable` when the store cannot be reached.
    """

    def admit(
        self, key: str, limit: int, window_us: int, clock_us: Callable[[], int]
    ) -> tuple[int, int]:
        """Read the time ``now`` inside the atomic step (``clock_us()``, or the store's own
        clock); drop entries at or before ``now - window_us``; if fewer than ``limit``
        remain, record one request at ``now`` and return ``(0, now)``, else return the
        microseconds (> 0) until enough entries leave the window for one more, and ``now``.

        The time is read inside the step because a time read before it may be older than
        an entry another process recorded meanwhile, and checking a stale window against a
        history already trimmed to a newer one admits one request too many.
        """
        ...

    def add(self, key: str, ages_us: Sequence[int], window_us: int, now_us: int) -> None:
        """Record requests made ``ages_us`` microseconds before now, with no limit check."""
        ...

    def close(self) -> None:
        """Release connections; the store may not be used afterwards."""
        ...


def api_user_key(host: str, client_id: str) -> str:
    """The history key of an API user: a SHA-256 of the connection host and client id.

    Hashed so that no shared store (a SQLite file in a temp directory, a Redis server that
    other applications use) holds a tenant URL or a client id in clear. The host is taken
    without trailing ``/`` and lower-cased, as the server does not tell those apart.
    """
    material = f"{host.rstrip('/').lower()}\n{client_id}".encode()
    return "triboo:budget:" + hashlib.sha256(material).hexdigest()[:32]


class LocalHistory:
    """Histories held in this process, safe across threads (a lock around each step)."""

    def __init__(self) -> None:
        self._logs: dict[str, deque[int]] = {}
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def _guard(self) -> threading.Lock:
        # A lock copied by fork() may be held by a thread that does not exist in the child.
        if os.getpid() != self._pid:
            self._pid, self._lock = os.getpid(), threading.Lock()
        return self._lock

    def admit(
        self, key: str, limit: int, window_us: int, clock_us: Callable[[], int]
    ) -> tuple[int, int]:
        with self._guard():
            now_us = clock_us()
            entries = self._trimmed(key, window_us, now_us)
            if len(entries) < limit:
                entries.append(now_us)
                return 0, now_us
            # Sorted: appends carry the clock's time, and add() keeps the order.
            return entries[len(entries) - limit] + window_us - now_us, now_us

    def add(self, key: str, ages_us: Sequence[int], window_us: int, now_us: int) -> None:
        with self._guard():
            entries = self._trimmed(key, window_us, now_us)
            merged = sorted([*entries, *(now_us - age for age in ages_us if age < window_us)])
            entries.clear()
            entries.extend(merged)

    def recent(self, key: str, window_us: int, now_us: int) -> list[int]:
        """Ages (microseconds) of the key's entries still inside the window."""
        with self._guard():
            return [now_us - at for at in self._trimmed(key, window_us, now_us)]

    def _trimmed(self, key: str, window_us: int, now_us: int) -> deque[int]:
        entries = self._logs.setdefault(key, deque())
        while entries and entries[0] <= now_us - window_us:
            entries.popleft()
        return entries

    def close(self) -> None:
        """Nothing to release."""


_PROCESS_HISTORY = LocalHistory()


def process_history() -> LocalHistory:
    """The in-process history every :class:`Budget` of this process shares by default."""
    return _PROCESS_HISTORY


class Budget:
    """The request budget of one API user against the server's per-scope limits.

    ``limits`` maps scopes to requests per ``window`` seconds (0 < window <= one day); a
    scope missing from it or set to 0 is neither limited nor recorded. ``store`` holds the
    shared history; ``local`` (default :func:`process_history`) mirrors this process's
    requests and paces them when the store is away. ``clock`` returns seconds (wall time:
    processes compare it) and ``sleep`` waits seconds; both are injectable for tests.
    """

    def __init__(
        self,
        store: HistoryStore,
        api_user: str,
        limits: Mapping[str, int],
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        local: LocalHistory | None = None,
        recheck: float | None = None,
    ) -> None:
        if not 0 < window <= MAX_WINDOW:
            raise ValueError(f"window must be in (0, {MAX_WINDOW:.0f}] seconds, got {window!r}")
        self.store = store
        self.api_user = api_user
        self.limits = {scope: limit for scope, limit in limits.items() if limit > 0}
        self.window_us = round(window * MICROS)
        self.clock = clock
        self.sleep = sleep
        self.local = process_history() if local is None else local
        self.recheck_us = self.window_us if recheck is None else round(recheck * MICROS)
        self._lock = threading.Lock()
        self._retry_at: int | None = None  # set while degraded: when to try the store again

    @property
    def degraded(self) -> bool:
        """True while the budget paces on the local history because the store is away."""
        return self._retry_at is not None

    def acquire(self, scope: str) -> float | None:
        """Wait until a request of ``scope`` fits the API user's budget, then record it.

        Returns the time (seconds) the request was recorded at, by the store's clock (the
        Redis server's, unless it is told to use ours), or None for a scope not limited.
        Never raises for the store: a store that fails is replaced by local pacing.
        """
        limit = self.limits.get(scope)
        if limit is None:
            return None
        while True:
            wait_us, at_us = self._admit(limit)
            if wait_us <= 0:
                return at_us / MICROS
            self.sleep(wait_us / MICROS)

    def close(self) -> None:
        """Close the store's connections (the process history stays for other budgets)."""
        if self.store is not self.local:
            self.store.close()

    def _now_us(self) -> int:
        return round(self.clock() * MICROS)

    def _admit(self, limit: int) -> tuple[int, int]:
        if self.store is not self.local and self._use_store(self._now_us()):
            try:
                wait_us, at_us = self.store.admit(
                    self.api_user, limit, self.window_us, self._now_us
                )
            except StoreUnavailable as error:
                self._degrade(self._now_us(), error)
            else:
                if wait_us <= 0:  # mirrored by our clock: the local log never sees the store's
                    self.local.add(self.api_user, [0], self.window_us, self._now_us())
                return wait_us, at_us
        return self.local.admit(self.api_user, limit, self.window_us, self._now_us)

    def _use_store(self, now_us: int) -> bool:
        """True unless degraded; when degraded and the recheck time has come, try to come
        back by handing the store this process's recent requests."""
        with self._lock:
            retry_at = self._retry_at
            if retry_at is None:
                return True
            if now_us < retry_at:
                return False
            self._retry_at = now_us + self.recheck_us  # one probe per recheck period
        recent = self.local.recent(self.api_user, self.window_us, now_us)
        try:
            self.store.add(self.api_user, recent, self.window_us, now_us)
        except StoreUnavailable:
            return False
        with self._lock:
            self._retry_at = None
        log.info("Shared rate-limit budget reachable again; pacing on it (%s)", self.store)
        return True

    def _degrade(self, now_us: int, error: StoreUnavailable) -> None:
        with self._lock:
            if self._retry_at is not None:
                return
            self._retry_at = now_us + self.recheck_us
        log.warning(
            "Shared rate-limit budget unavailable (%s: %s); pacing this process alone, "
            "trying the store again in %g s",
            self.store,
            error,
            self.recheck_us / MICROS,
        )
