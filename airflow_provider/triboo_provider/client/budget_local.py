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
from itertools import islice
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
    an eighth of the margin (150 ms for the server's minute), at least a millisecond."""
    return max(margin_us // 8, 1_000)


def wait_for(
    entries: Sequence[tuple[int, int]], limit: int, window_us: int, margin_us: int, now_us: int
) -> int:
    """Microseconds (<= 0: none) a request of ``limit`` must wait before it is recorded.

    ``entries`` are ``(time, limit)`` pairs sorted by time, none later than ``now_us`` nor
    at or before ``now_us - window_us - margin_us``; an entry's limit is its scope's while
    its request is unanswered, 0 once answered (:meth:`LocalHistory.settle`) or when it has
    none. A request of limit 0 never waits. With ``margin_us`` > 0, two rules:

    - its own: fewer than ``limit`` entries inside the window ``(now - window, now]``,
      counting also the unanswered ones older than the window (their requests may not
      have arrived yet: the server will count them from their arrival);
    - in flight: an unanswered entry E may still be on its way, and this request may
      arrive first; the server would then count every entry of ``(E - window, now]`` (E
      excluded, this one included) before E, so their number (E included) must stay
      below E's limit. It waits until E's margin has passed, then looks again every
      :func:`poll_us`, until E is answered (or, never answered, leaves the history).

    With ``margin_us`` 0 only the own rule holds, on the window alone. Every store applies
    exactly this rule (the SQLite and Redis ones in their own query language); it is here,
    in Python, for the in-process store and the tests.
    """
    if limit <= 0:
        return 0
    times = [at for at, _ in entries]
    start = bisect_right(times, now_us - window_us)  # the first entry inside the window
    older = sum(1 for _, entry_limit in islice(entries, start) if entry_limit > 0)
    count = len(times) - start + older
    wait = 0
    if count >= limit:
        # Room comes when the (count - limit + 1)-th oldest entry inside the window leaves.
        leaving = start + count - limit
        wait = times[leaving] + window_us - now_us if leaving < len(times) else poll_us(margin_us)
    if margin_us <= 0:
        return wait
    for at, entry_limit in entries:
        if entry_limit > 0 and len(times) - bisect_right(times, at - window_us) >= entry_limit:
            wait = max(wait, at + margin_us - now_us, poll_us(margin_us))
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
            entries = self._trimmed(key, window_us + margin_us, now_us)
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
            entries = self._trimmed(key, window_us + margin_us, now_us)
            with suppress(ValueError):  # none such: recorded anyway (see HistoryStore)
                entries.remove((at_us, max(limit, 0)))
            entries.insert(bisect_right(entries, now_us, key=_time), (now_us, 0))

    def add(
        self, key: str, ages_us: Sequence[int], window_us: int, now_us: int, margin_us: int = 0
    ) -> None:
        with self._lock:
            # Nothing trimmed here: the next admit does, with the margin it is given.
            entries = self._trimmed(key, None, now_us)
            added = [(now_us - max(age, 0), 0) for age in ages_us if age < window_us + margin_us]
            merged = sorted([*entries, *added], key=lambda entry: entry[0])
            entries.clear()
            entries.extend(merged)

    def recent(self, key: str, window_us: int, now_us: int, margin_us: int = 0) -> list[int]:
        """Ages (microseconds) of the key's entries still inside the window plus margin."""
        with self._lock:
            keep_us = window_us + margin_us
            entries = self._trimmed(key, keep_us, now_us)
            return [now_us - at for at, _ in entries if at > now_us - keep_us]

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
