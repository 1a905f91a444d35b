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

from collections.abc import Callable, Generator, Hashable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from typing import Generic, Protocol, TypeGuard, TypeVar

from triboo_provider.client.errors import TribooNotFoundError, TribooPaginationError
from triboo_provider.client.protocols import JSONObject, Log

MAX_RESTARTS = 3

Item = TypeVar("Item")
Item_co = TypeVar("Item_co", covariant=True)


class PageModel(Protocol[Item_co]):
    """A generated page model (``UserPage``, ``CoursePage``...): ``next`` is ``next_``."""

    @property
    def count(self) -> int: ...

    @property
    def num_pages(self) -> int: ...

    @property
    def next_(self) -> str | None: ...

    @property
    def results(self) -> Sequence[Item_co]: ...


@dataclass(frozen=True)
class Envelope(Generic[Item]):
    """The fields of one page that the walk reads, from either page shape."""

    count: int
    num_pages: int
    next: str | None
    results: list[Item]

    @staticmethod
    def of_json(page: object) -> Envelope[JSONObject]:
        """A page of plain JSON (the export path's orjson decoding).

        :raises ValueError: not a page of objects: ``count`` and ``num_pages`` integers,
            ``next`` a string or null, ``results`` a list of objects (read inside the
            request's attempt, this makes it an unreadable answer).
        """
        if not isinstance(page, dict):
            raise ValueError("not a page: a JSON object was due")
        results = page.get("results")
        if not isinstance(results, list) or not all(map(isinstance, results, repeat(dict))):
            raise ValueError("not a page: its results are no list of objects")
        return _checked(page.get("count"), page.get("num_pages"), page.get("next"), results)

    @staticmethod
    def of_model(page: PageModel[Item]) -> Envelope[Item]:
        """A generated page model (its parser checked the items, not the envelope's types).

        :raises ValueError: as :meth:`of_json`, for the envelope's fields.
        """
        return _checked(page.count, page.num_pages, page.next_, list(page.results))


def _checked(count: object, pages: object, link: object, results: list[Item]) -> Envelope[Item]:
    if not _whole(count) or not _whole(pages) or not (link is None or isinstance(link, str)):
        raise ValueError("not a page: count, num_pages, next and a list of results")
    return Envelope(count, pages, link, results)


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def consistent_pages(
    fetch: Callable[[int], Envelope[Item]],
    key: Callable[[Item], Hashable | None],
    *,
    operation: str,
    check_next: Callable[[str | None], None],
    log: Log,
    max_restarts: int = MAX_RESTARTS,
) -> Iterator[list[Item]]:
    """Yield each page's items not yielded before, until a walk ends consistently.

    A walk is read again from page 1 when ``count`` or ``num_pages`` changes between two
    pages, when a page past the new end answers 404, or when it ends with fewer distinct
    items than ``count`` (an item slipped between pages, or another came twice).

    :param fetch: page number (1-based) to the page's envelope; raises
        :class:`~triboo_provider.client.errors.TribooNotFoundError` for a page past the end.
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
    fetch: Callable[[int], Envelope[Item]],
    key: Callable[[Item], Hashable | None],
    seen: set[Hashable],
    *,
    operation: str,
    check_next: Callable[[str | None], None],
    log: Log,
) -> Generator[list[Item], None, str | None]:
    """One walk from page 1, one page ahead; returns None when it was consistent, else
    what changed."""
    number, layout = 1, None
    distinct: set[Hashable] = set()
    anonymous = 0
    pending: Future[Envelope[Item]] | None = pool.submit(fetch, 1)
    while pending is not None:
        try:
            page = pending.result()
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
        identities = list(map(key, page.results))
        known = set(identities)
        if None not in known and len(known) == len(identities) and known.isdisjoint(seen):
            # The usual page: every item has an identity, none twice, none read before;
            # set operations in C instead of a Python loop over the items.
            distinct |= known
            seen |= known
            yield page.results
            continue
        fresh: list[Item] = []
        for item, identity in zip(page.results, identities, strict=True):
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
