"""Read a numbered list route so that every item present throughout is read exactly once.

The server's list routes are Django REST framework page-number pagination with no
explicit ordering (``../shared/triboo-server-behavior.md``, "Pagination"). When the list
changes between two page requests, items move across page boundaries: a user removed from
page 1 after it was read pulls the first item of page 2 onto page 1, and a walk that goes
on to page 2 never sees it. The envelope's ``count`` and ``num_pages`` show the change, so
:func:`consistent_pages` compares them on every page, starts again from page 1 when they
differ, when a page past the new end answers 404, or when a walk ends with fewer distinct
items than ``count`` (an unstable order served one item twice), at most ``max_restarts``
times, and drops items it has already yielded (by id). One change the envelope cannot
show: an item leaving and another joining between the same two page requests leaves
``count`` as it was, and the item that slipped between pages is not read. Only an ordered
or cursor-based route could show it; the server offers neither.

While the caller works on a page, the next one is already being fetched (one page ahead).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Hashable, Iterator
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
        """From plain JSON (a dict) or from a generated page model (``next`` is ``next_``).

        :raises ValueError: plain JSON that is not a page of objects (read inside the
            request's attempt, this makes it an unreadable answer).
        """
        if isinstance(page, Envelope):
            return page
        item: type = object  # a generated model's parser checked its items already
        if isinstance(page, dict):
            count, pages = page.get("count"), page.get("num_pages")
            link, results, item = page.get("next"), page.get("results"), dict
        else:
            count, pages, link, results = page.count, page.num_pages, page.next_, page.results
        if (
            not isinstance(results, list)
            or not all(isinstance(entry, item) for entry in results)
            or isinstance(count, bool)
            or not isinstance(count, int)
            or isinstance(pages, bool)
            or not isinstance(pages, int)
            or not (link is None or isinstance(link, str))
        ):
            raise ValueError("not a page: count, num_pages, next and a list of results")
        return cls(count, pages, link, list(results))


def consistent_pages(
    fetch: Callable[[int], Any],
    key: Callable[[Any], Hashable | None],
    *,
    operation: str,
    check_next: Callable[[str | None], None],
    log: logging.Logger | Any,
    max_restarts: int = MAX_RESTARTS,
) -> Iterator[list[Any]]:
    """Yield each page's items not yielded before, until a walk ends consistently.

    A walk is read again from page 1 when ``count`` or ``num_pages`` changes between two
    pages, when a page past the new end answers 404, or when it ends with fewer distinct
    items than ``count`` (an item slipped between pages, or another came twice).

    :param fetch: page number (1-based) to the parsed page; raises
        :class:`~triboo_provider.exceptions.TribooNotFoundError` for a page past the end.
    :param key: an item's identity (``user_id``, a course ``id``); None: never a duplicate.
    :param check_next: sees every page's ``next`` link.
    :raises TribooPaginationError: the list still changed after ``max_restarts`` restarts
        (a task retry reads it again from the start).
    """
    seen: set[Hashable] = set()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="triboo-prefetch") as pool:
        for restarts in range(max_restarts + 1):
            change = yield from _walk(
                pool, fetch, key, seen, operation=operation, check_next=check_next, log=log
            )
            if change is None:
                return
            if restarts == max_restarts:
                raise TribooPaginationError(operation, restarts, change)
            log.warning(
                "%s: the list changed while it was read (%s); reading it again from page 1 "
                "(restart %d of %d)",
                operation,
                change,
                restarts + 1,
                max_restarts,
            )


def _walk(
    pool: ThreadPoolExecutor,
    fetch: Callable[[int], Any],
    key: Callable[[Any], Hashable | None],
    seen: set[Hashable],
    *,
    operation: str,
    check_next: Callable[[str | None], None],
    log: logging.Logger | Any,
) -> Generator[list[Any], None, str | None]:
    """One walk from page 1, one page ahead; returns None when it was consistent, else
    what changed."""
    number, layout = 1, None
    distinct: set[Hashable] = set()
    anonymous = 0
    pending: Future[Any] | None = pool.submit(fetch, 1)
    while pending is not None:
        try:
            page = Envelope.of(pending.result())
        except TribooNotFoundError:
            if number == 1:
                raise
            return f"page {number} is gone: the list got shorter"
        if layout is not None and (page.count, page.num_pages) != layout:
            return f"count and pages {layout} -> {(page.count, page.num_pages)}"
        layout = (page.count, page.num_pages)
        check_next(page.next)
        if page.num_pages > 1:
            log.info("%s: page %d of %d", operation, number, page.num_pages)
        pending = None
        if page.next is not None and number < page.num_pages:
            number += 1
            pending = pool.submit(fetch, number)
        fresh = []
        for item in page.results:
            identity = key(item)
            if identity is None:
                anonymous += 1
                fresh.append(item)
                continue
            distinct.add(identity)
            if identity not in seen:
                seen.add(identity)
                fresh.append(item)
        yield fresh
    read = len(distinct) + anonymous
    if layout is not None and read < layout[0]:
        return f"{read} distinct items read where count says {layout[0]}"
    return None
