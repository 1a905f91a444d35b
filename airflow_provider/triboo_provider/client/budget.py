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

A request reaches the server some time after its admission, by a delay that varies (a
new connection, a busy CPU, a slow network), and the server counts it from its arrival.
So when its answer comes back, :meth:`Budget.settle` moves its entry to that time, which
is never earlier than its arrival: from then on it leaves the budget's window no earlier
than the server's, however late it arrived. Until then a request admitted later may
overtake it in flight, and the server would count the overtaker before it: with a
``margin``, each entry keeps its scope's limit until it is settled (then 0), counts
whatever its age until then, and a request is not admitted while an unanswered entry
could see its own limit reached if overtaken (:func:`wait_for`). An entry never settled
(its process killed) is dropped two windows plus the margin after its admission. A clock
stepped back (NTP) leaves entries "in the future": every store treats them as recorded
now, so no wait for answered requests exceeds the window.

Times are whole microseconds (int) in every store, so that "exactly one window later" is
exact: an entry leaves the window when ``now - entry >= window``, as on the server. No
Airflow import.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from triboo_provider.client.budget_history import (
    MAX_WINDOW,
    MICROS,
    HistoryStore,
    StoreUnavailable,
)
from triboo_provider.client.budget_local import ForkSafeLock, LocalHistory, wait_for

__all__ = [
    "MAX_WINDOW",
    "MICROS",
    "Budget",
    "ForkSafeLock",
    "HistoryStore",
    "LocalHistory",
    "Slot",
    "StoreUnavailable",
    "api_user_key",
    "process_history",
    "wait_for",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Slot:
    """A request recorded in a budget: at ``at_us`` (microseconds, by the clock of the
    store that recorded it), with its scope's ``limit``, in the shared store (``shared``,
    mirrored in this process's history at ``mirror_us``) or this process's history."""

    at_us: int
    limit: int
    shared: bool
    mirror_us: int | None = None  # a shared slot's copy in the local history, by our clock

    @property
    def at(self) -> float:
        """``at_us`` in seconds."""
        return self.at_us / MICROS


def api_user_key(host: str, client_id: str) -> str:
    """The history key of an API user: a SHA-256 of the connection host and client id.

    Hashed so that no shared store (a SQLite file in a temp directory, a Redis server that
    other applications use) holds a tenant URL or a client id in clear. The host is taken
    without trailing ``/`` and lower-cased, as the server does not tell those apart.
    """
    material = f"{host.rstrip('/').lower()}\n{client_id}".encode()
    return "triboo:budget:" + hashlib.sha256(material).hexdigest()[:32]


_PROCESS_HISTORY = LocalHistory()


def process_history() -> LocalHistory:
    """The in-process history every :class:`Budget` of this process shares by default."""
    return _PROCESS_HISTORY


class Budget:
    """The request budget of one API user against the server's per-scope limits.

    ``limits`` maps scopes to requests per ``window`` seconds (0 < window <= one day); a
    scope set to 0 is not limited but still recorded (the server counts it against every
    other limit); a scope missing from it is neither (not one the server counts).
    ``margin`` (seconds, 0 <= margin < window) is how long after its admission a request
    may still be overtaken in flight (:func:`wait_for`); 0 turns that rule off. ``store``
    holds the shared history; ``local`` (default :func:`process_history`) mirrors this
    process's requests and paces them when the store is away. ``clock`` returns seconds
    (wall time: processes compare it) and ``sleep`` waits seconds; both are injectable.

    :raises ValueError: ``window`` or ``margin`` out of range.
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
        margin: float = 0.0,
    ) -> None:
        if not 0 < window <= MAX_WINDOW:
            raise ValueError(f"window must be in (0, {MAX_WINDOW:.0f}] seconds, got {window!r}")
        if not 0 <= margin < window:
            raise ValueError(f"margin must be in [0, window) seconds, got {margin!r}")
        self.store = store
        self.api_user = api_user
        self.limits = {scope: max(limit, 0) for scope, limit in limits.items()}
        self.window_us = round(window * MICROS)
        self.margin_us = round(margin * MICROS)
        self.clock = clock
        self.sleep = sleep
        self.local = process_history() if local is None else local
        self.recheck_us = self.window_us if recheck is None else round(recheck * MICROS)
        self._lock = ForkSafeLock()
        self._retry_at: int | None = None  # set while degraded: when to try the store again

    @property
    def degraded(self) -> bool:
        """True while the budget paces on the local history because the store is away."""
        return self._retry_at is not None

    def acquire(self, scope: str) -> Slot | None:
        """Wait until a request of ``scope`` fits the API user's budget, then record it.

        Returns its :class:`Slot` (its time by the store's clock: the Redis server's,
        unless it is told to use ours), to :meth:`settle` when the answer comes, or None
        for a scope missing from ``limits`` (neither waited for nor recorded). A scope set
        to 0 never waits. Never raises for the store: a store that fails is replaced by
        local pacing.
        """
        limit = self.limits.get(scope)
        if limit is None:
            return None
        while True:
            wait_us, slot = self._admit(limit)
            if slot is not None:
                return slot
            self.sleep(wait_us / MICROS)

    def settle(self, slot: Slot) -> None:
        """The slot's request was answered (or failed): its entry now counts from now, no
        earlier than the server counts it, and can no longer be overtaken; so does its
        mirror in the local history (which paces when the store is away). Never raises
        for the store."""
        if not slot.shared:
            self._settle(self.local, slot.at_us, slot.limit)
            return
        if slot.mirror_us is not None:
            self._settle(self.local, slot.mirror_us, slot.limit)
        if self.degraded:
            return  # the mirror stands for it until the store comes back
        try:
            self._settle(self.store, slot.at_us, slot.limit)
        except StoreUnavailable as error:
            self._degrade(self._now_us(), error)

    def _settle(self, store: HistoryStore, at_us: int, limit: int) -> None:
        store.settle(
            self.api_user,
            at_us,
            limit,
            window_us=self.window_us,
            clock_us=self._now_us,
            margin_us=self.margin_us,
        )

    @contextmanager
    def spent(self, scope: str | None) -> Iterator[None]:
        """Around sending one request of ``scope`` (None: not limited) and reading its
        answer: :meth:`acquire` before, :meth:`settle` after, whatever happens."""
        slot = None if scope is None else self.acquire(scope)
        try:
            yield
        finally:
            if slot is not None:
                self.settle(slot)

    def close(self) -> None:
        """Close the store's connections (the process history stays for other budgets)."""
        if self.store is not self.local:
            self.store.close()

    def _now_us(self) -> int:
        return round(self.clock() * MICROS)

    def _admit(self, limit: int) -> tuple[int, Slot | None]:
        """``(wait, None)`` (as :meth:`HistoryStore.admit`), or ``(0, the slot)``."""
        if self.store is not self.local and self._use_store(self._now_us()):
            try:
                wait_us, at_us = self.store.admit(
                    self.api_user, limit, self.window_us, self._now_us, self.margin_us
                )
            except StoreUnavailable as error:
                self._degrade(self._now_us(), error)
            else:
                if wait_us > 0:
                    return wait_us, None
                # Mirrored by our clock (the local log never sees the store's), with its
                # limit: local pacing, if the store goes away, protects it as the store did.
                mirror_us = self._now_us()
                self.local.record(self.api_user, mirror_us, limit)
                return 0, Slot(at_us, limit, shared=True, mirror_us=mirror_us)
        wait_us, at_us = self.local.admit(
            self.api_user, limit, self.window_us, self._now_us, self.margin_us
        )
        return wait_us, (Slot(at_us, limit, shared=False) if wait_us <= 0 else None)

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
        recent = self.local.recent(self.api_user, self.window_us, now_us, self.margin_us)
        try:
            self.store.add(self.api_user, recent, self.window_us, now_us, self.margin_us)
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
