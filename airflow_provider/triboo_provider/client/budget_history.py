"""What a store of request histories is: the :class:`HistoryStore` protocol every store
implements (in process, SQLite, Redis), the error it raises, and the time units.
Re-exported by :mod:`triboo_provider.client.budget`. No Airflow import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

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
        self,
        key: str,
        limit: int,
        window_us: int,
        clock_us: Callable[[], int],
        margin_us: int = 0,
    ) -> tuple[int, int]:
        """Read the time ``now`` inside the atomic step (``clock_us()``, or the store's own
        clock); treat entries later than ``now`` as made at ``now``; drop entries at or
        before ``now - keep_us(window_us, margin_us)``; if :func:`wait_for` allows it, record one
        request at ``now`` with its ``limit`` (0: none, never waits) and return
        ``(0, now)``, else return :func:`wait_for`'s microseconds (> 0) and ``now``.

        The time is read inside the step because a time read before it may be older than
        an entry another process recorded meanwhile, and checking a stale window against a
        history already trimmed to a newer one admits one request too many.
        """
        ...

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
        """Answered: in one atomic step, read ``now`` and tidy the history as
        :meth:`admit` does, then move one entry recorded at ``at_us`` with ``limit`` to
        ``now``, with a limit of 0. None such (trimmed, two windows and the margin in
        flight, or moved by a clock stepped back): record one at ``now``, limit 0, all the
        same, since an answer proves the server counted the request (the second case then
        counts it twice, which errs on the side of waiting)."""
        ...

    def add(
        self, key: str, ages_us: Sequence[int], window_us: int, now_us: int, margin_us: int = 0
    ) -> None:
        """Record requests made ``ages_us`` microseconds before now (no limit of their own),
        with no limit check; keep every entry :meth:`admit` would (``window_us +
        margin_us``), dropping only ages beyond that."""
        ...

    def close(self) -> None:
        """Release connections; the store may not be used afterwards."""
        ...
