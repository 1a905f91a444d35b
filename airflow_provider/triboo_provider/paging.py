"""Read a numbered list route so that every item present throughout is read exactly once.

The server's list routes are Django REST framework page-number pagination with no
explicit ordering (``../shared/triboo-server-behavior.md``, "Pagination"). When the list
changes between two page requests, items move across page boundaries: a user removed from
page 1 after it was read pulls the first item of page 2 onto page 1, and a walk that goes
on to page 2 never sees it. The envelope's ``count`` and ``num_pages`` show the change, so
:func:`consistent_pages` compares them on every page, starts again from page 1 when they
differ (or when a page past the new end answers 404), at most ``max_restarts`` times, and
drops items it has already yielded (by id). A change that leaves both figures equal (one
item removed and another added between two page requests) cannot be seen in the envelope.

While the caller works on a page, the next one is already being fetched (one page ahead).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from triboo_provider.exceptions import TribooNotFoundError, TribooPaginationError

MAX_RESTARTS = 3


@dataclass(frozen=True)
class Envelope:
    """The fields of one page that the walk reads, from either page shape."""

    count: int
    num_pages: int
    next: str | None
    results: list[Any]

    @classmethod
    def of(cls, page: Any) -> Envelope:
        """From plain JSON (a dict) or from a generated page model (``next`` is ``next_``)."""
        if isinstance(page, dict):
            return cls(int(page["count"]), int(page["num_pages"]), page["next"], page["results"])
        return cls(int(page.count), int(page.num_pages), page.next_, list(page.results))


def consistent_pages(
    fetch: Callable[[int], Any],
    key: Callable[[Any], Hashable | None],
    *,
    operation: str,
    check_next: Callable[[str | None], None],
    log: logging.Logger | Any,
    max_restarts: int = MAX_RESTARTS,
) -> Iterator[list[Any]]:
    """Yield each page's items not yielded before, until the last page.

    :param fetch: page number (1-based) to the parsed page; raises
        :class:`~triboo_provider.exceptions.TribooNotFoundError` for a page past the end.
    :param key: an item's identity (``user_id``, a course ``id``); None: never a duplicate.
    :param check_next: raises when a page's ``next`` link must not be followed.
    :raises TribooPaginationError: the list still changed after ``max_restarts`` restarts
        (a task retry reads it again from the start).
    """
    seen: set[Hashable] = set()
    restarts = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="triboo-prefetch") as pool:
        number, layout = 1, None
        pending: Future[Any] | None = pool.submit(fetch, 1)
        while pending is not None:
            try:
                page: Envelope | None = Envelope.of(pending.result())
            except TribooNotFoundError:
                if number == 1:
                    raise
                page = None  # past the end: the list got shorter since page 1
            now = None if page is None else (page.count, page.num_pages)
            if page is None or (layout is not None and now != layout):
                if restarts == max_restarts:
                    raise TribooPaginationError(operation, restarts, layout, now)
                restarts += 1
                log.warning(
                    "%s: the list changed while it was read (count, pages: %s -> %s); "
                    "reading it again from page 1 (restart %d of %d)",
                    operation,
                    layout,
                    now or "page gone",
                    restarts,
                    max_restarts,
                )
                number, layout = 1, None
                pending = pool.submit(fetch, 1)
                continue
            layout = now
            check_next(page.next)
            pending = None
            if page.num_pages > 1:
                log.info("%s: page %d of %d", operation, number, page.num_pages)
            if page.next is not None and number < page.num_pages:
                number += 1
                pending = pool.submit(fetch, number)
            fresh = []
            for item in page.results:
                identity = key(item)
                if identity is None:
                    fresh.append(item)
                elif identity not in seen:
                    seen.add(identity)
                    fresh.append(item)
            yield fresh
