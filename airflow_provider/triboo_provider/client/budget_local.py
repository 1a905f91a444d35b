"""The in-process history store and the admission rule every store applies.

:func:`wait_for` is the rule (one history, many limits, the in-flight margin) in Python;
:class:`LocalHistory` keeps histories in this process; :class:`ForkSafeLock` is the lock
of every store and budget, safe across ``fork()``. Re-exported by
:mod:`triboo_provider.client.budget`. No Airflow import.
"""

from __future__ import annotations

import os
import threading
import weakref
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import suppress
from types import TracebackType


class ForkSafeLock:
    """A ``threading.Lock`` (a context manager) held across ``fork()``: the forking thread
    takes every such lock first, so no other thread is inside a step at the fork; the child
    gets new, free locks. A lock copied in the middle of a step would stay held in the child
    forever (its holder does not exist there), and a SQLite transaction of this process in
    flight at the fork leaves the child's SQLite believing it holds the file's lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        with _REGISTRY:
            _LOCKS.add(self)

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock.release()


# Steps never nest one of these locks in another, so taking them all in any order cannot
# deadlock; _REGISTRY, held across the fork too, keeps the set still meanwhile.
_REGISTRY = threading.Lock()
_LOCKS: weakref.WeakSet[ForkSafeLock] = weakref.WeakSet()
_HELD: list[ForkSafeLock] = []


def _before_fork() -> None:
    _REGISTRY.acquire()
    _HELD[:] = list(_LOCKS)
    for lock in _HELD:
        lock._lock.acquire()


def _after_fork_in_parent() -> None:
    for lock in _HELD:
        lock._lock.release()
    _HELD.clear()
    _REGISTRY.release()


def _after_fork_in_child() -> None:
    global _REGISTRY  # noqa: PLW0603 - the child's copy is held by the forking thread
    for lock in _HELD:
        lock._lock = threading.Lock()
    _HELD.clear()
    _REGISTRY = threading.Lock()


os.register_at_fork(
    before=_before_fork,
    after_in_parent=_after_fork_in_parent,
    after_in_child=_after_fork_in_child,
)


def poll_us(margin_us: int) -> int:
    """How long a request held back by an unanswered one waits before it looks again:
    an eighth of the margin (152 ms for the server's minute), at least 150 ms (each look is
    a store transaction, and a scaled window does not make answers come sooner)."""
    return max(margin_us // 8, 150_000)


def keep_us(window_us: int, margin_us: int) -> int:
    """How long a history keeps its entries: the window and margin; with a margin, one
    window more, for the unanswered ones (a request may take that long to reach the
    server: its connect and write timeouts run one after the other) and what their own
    windows hold."""
    return window_us + margin_us + (window_us if margin_us > 0 else 0)


def wait_for(
    entries: Sequence[tuple[int, int]], limit: int, window_us: int, margin_us: int, now_us: int
) -> int:
    """Microseconds (<= 0: none) a request of ``limit`` must wait before it is recorded.

    ``entries`` are ``(time, limit)`` pairs sorted by time, none later than ``now_us`` nor
    at or before ``now_us -`` :func:`keep_us`; an entry's limit is its scope's while its
    request is unanswered, 0 once answered (:meth:`LocalHistory.settle`) or when it has
    none. A request of limit 0 never waits. With ``margin_us`` > 0, two rules, where an
    entry counts "after t" if it is later than t or unanswered (its request may not have
    reached the server yet, which counts it from its arrival):

    - its own: fewer than ``limit`` entries after ``now - window``;
    - in flight: an unanswered entry E may still be on its way, and this request may
      arrive first; the server would then count what E's window holds before E, so the
      entries after ``E - window`` (E and this one included) must stay within E's limit.
      It waits until the latest such E's margin has passed, then looks again every
      :func:`poll_us`, until E is answered (or, never answered, leaves the history).

    With ``margin_us`` 0 only the own rule holds, on the window alone, every entry counting
    by its time. Every store applies exactly this rule (the SQLite and Redis ones in their
    own query language); it is here, in Python, for the in-process store and the tests.
    """
    if limit <= 0:
        return 0
    times = [at for at, _ in entries]
    unanswered = [entry for entry in entries if entry[1] > 0] if margin_us > 0 else []
    unanswered_times = [at for at, _ in unanswered]

    def after(t: int) -> int:
        return len(times) - bisect_right(times, t) + bisect_right(unanswered_times, t)

    start = bisect_right(times, now_us - window_us)  # the first entry inside the window
    count = after(now_us - window_us)
    wait = 0
    if count >= limit:
        # Room comes when the (count - limit + 1)-th oldest entry inside the window leaves.
        leaving = start + count - limit
        wait = times[leaving] + window_us - now_us if leaving < len(times) else poll_us(margin_us)
    blocking = [at for at, entry_limit in unanswered if after(at - window_us) >= entry_limit]
    if blocking:
        # The latest such E's margin, if it has not passed; else a look again later.
        wait = max(
            wait,
            blocking[-1] + margin_us - now_us
            if blocking[-1] + margin_us > now_us
            else poll_us(margin_us),
        )
    return wait


class LocalHistory:
    """Histories held in this process, safe across threads (a lock around each step) and
    across ``fork()`` (:class:`ForkSafeLock`)."""

    def __init__(self) -> None:
        self._logs: dict[str, deque[tuple[int, int]]] = {}
        self._lock = ForkSafeLock()

    def admit(
        self,
        key: str,
        limit: int,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> tuple[int, int]:
        with self._lock:
            now_us = clock_us()
            entries = self._trimmed(key, keep_us(window_us, margin_us), now_us)
            wait_us = wait_for(entries, limit, window_us, margin_us, now_us)
            if wait_us > 0:
                return wait_us, now_us
            entries.append((now_us, max(limit, 0)))
            return 0, now_us

    def settle(
        self,
        key: str,
        at_us: int,
        limit: int,
        *,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> None:
        """Move one entry recorded at ``at_us`` with ``limit`` to now, with no limit of its
        own (answered: it has reached the server, so it can no longer be overtaken); none
        such (trimmed meanwhile, or moved by a clock stepped back): nothing to do."""
        with self._lock:
            now_us = clock_us()
            entries = self._trimmed(key, keep_us(window_us, margin_us), now_us)
            with suppress(ValueError):  # none such: recorded anyway (see HistoryStore)
                entries.remove((at_us, max(limit, 0)))
            entries.insert(bisect_right(entries, now_us, key=_time), (now_us, 0))

    def add(
        self, key: str, ages_us: Sequence[int], window_us: int, now_us: int, margin_us: int = 0
    ) -> None:
        with self._lock:
            # Nothing trimmed here: the next admit does, with the margin it is given.
            entries = self._trimmed(key, None, now_us)
            keep = keep_us(window_us, margin_us)
            added = [(now_us - max(age, 0), 0) for age in ages_us if age < keep]
            merged = sorted([*entries, *added], key=lambda entry: entry[0])
            entries.clear()
            entries.extend(merged)

    def record(self, key: str, at_us: int, limit: int) -> None:
        """Record one entry at ``at_us`` with ``limit``, with no check (a mirror of what a
        shared store admitted)."""
        with self._lock:
            entries = self._trimmed(key, None, at_us)
            entries.insert(bisect_right(entries, at_us, key=_time), (at_us, max(limit, 0)))

    def recent(self, key: str, window_us: int, now_us: int, margin_us: int = 0) -> list[int]:
        """Ages (microseconds) of the key's entries still kept (:func:`keep_us`)."""
        with self._lock:
            keep = keep_us(window_us, margin_us)
            entries = self._trimmed(key, keep, now_us)
            return [now_us - at for at, _ in entries if at > now_us - keep]

    def _trimmed(self, key: str, keep_us: int | None, now_us: int) -> deque[tuple[int, int]]:
        """The key's entries, those later than now moved to now (the clock stepped back:
        the order stays sorted), those at or before ``now - keep_us`` dropped (none if
        ``keep_us`` is None)."""
        entries = self._logs.setdefault(key, deque())
        future: list[int] = []
        while entries and entries[-1][0] > now_us:
            future.append(entries.pop()[1])
        entries.extend((now_us, entry_limit) for entry_limit in reversed(future))
        while keep_us is not None and entries and entries[0][0] <= now_us - keep_us:
            entries.popleft()
        return entries

    def close(self) -> None:
        """Nothing to release."""


def _time(entry: tuple[int, int]) -> int:
    return entry[0]
