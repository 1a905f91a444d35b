"""Lists that change while they are read page by page: nothing present throughout is lost
or read twice, for every paged read of the hook."""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import triboo_provider.client.reports as reports_module
import triboo_provider.client.users as users_module
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from triboo_provider.client.paging import MAX_RESTARTS, Envelope, consistent_pages
from triboo_provider.exceptions import TribooNotFoundError, TribooPaginationError
from triboo_provider.hooks.triboo import TribooHook
from triboo_provider.operators.reports import TribooExportUserProgressOperator
from triboo_sandbox.server import SandboxServer, make_sandbox
from werkzeug import Request, Response

from tests.spec_tools import operations, resolve

V1 = "/api/extended/v1"
LOG = logging.getLogger("test-paging")


class ChangingList:
    """A list route over ``items`` that applies ``changes[n]`` just before request ``n``."""

    def __init__(
        self, items: list[int], size: int, changes: dict[int, Callable[[list[int]], None]]
    ):
        self.items = list(items)
        self.size = size
        self.changes = changes
        self.requests = 0

    def page(self, number: int) -> dict[str, Any]:
        self.requests += 1
        change = self.changes.get(self.requests)
        if change is not None:
            change(self.items)
        pages = max(1, -(-len(self.items) // self.size))
        if not 1 <= number <= pages:
            raise TribooNotFoundError("listThings", 404, "Invalid page.")
        start = (number - 1) * self.size
        return {
            "count": len(self.items),
            "num_pages": pages,
            "next": f"https://tenant.example/things/?page={number + 1}" if number < pages else None,
            "results": [{"id": i} for i in self.items[start : start + self.size]],
        }


def read(server: ChangingList) -> list[int]:
    walk = consistent_pages(
        lambda number: Envelope.of_json(server.page(number)),
        lambda item: item["id"],
        operation="listThings",
        check_next=lambda _: None,
        log=LOG,
    )
    return [item["id"] for page in walk for item in page]


def removal(positions: list[int]) -> Callable[[list[int]], None]:
    def change(items: list[int]) -> None:
        for position in sorted({p % len(items) for p in positions if items}, reverse=True):
            del items[position]

    return change


NEW_IDS = itertools.count(10_000)  # inserted items get ids no other item ever had


def insertion(positions: list[int]) -> Callable[[list[int]], None]:
    def change(items: list[int]) -> None:
        for position in positions:
            items.insert(position % (len(items) + 1), next(NEW_IDS))

    return change


CHANGE = st.one_of(
    st.lists(st.integers(0, 200), min_size=1, max_size=4).map(removal),
    st.lists(st.integers(0, 200), min_size=1, max_size=4).map(insertion),
)


@given(
    total=st.integers(0, 60),
    size=st.integers(1, 12),
    changes=st.dictionaries(st.integers(1, 15), CHANGE, max_size=MAX_RESTARTS),
)
@settings(max_examples=400)
def test_every_item_present_throughout_is_read_exactly_once(
    total: int, size: int, changes: dict[int, Callable[[list[int]], None]]
) -> None:
    initial = list(range(1, total + 1))
    server = ChangingList(initial, size, changes)
    got = read(server)
    assert len(got) == len(set(got)), "an item was read twice"
    throughout = set(initial) & set(server.items)
    assert throughout <= set(got), f"lost {sorted(throughout - set(got))}"
    assert all(item in initial or item >= 10_000 for item in got)


def test_the_issue_example_is_complete() -> None:
    """page_size 2 over users 1-6; user 2 leaves after page 1 is served (count 6 -> 5)."""
    server = ChangingList([1, 2, 3, 4, 5, 6], 2, {2: lambda items: items.remove(2)})
    assert sorted(set(read(server)) - {2}) == [1, 3, 4, 5, 6]
    assert len(read(ChangingList([1, 2, 3, 4, 5, 6], 2, {2: lambda i: i.remove(2)}))) in (5, 6)


def test_a_list_that_never_settles_fails_after_the_restarts() -> None:
    def grow(items: list[int]) -> None:
        items.append(len(items) + 1)

    server = ChangingList(list(range(1, 7)), 2, dict.fromkeys(range(2, 100), grow))
    with pytest.raises(TribooPaginationError, match=f"still after {MAX_RESTARTS} restart"):
        read(server)
    assert server.requests == 2 * (MAX_RESTARTS + 1)


# -- every paged read of the hook, on the wire -------------------------------------------


def hook_reads(hook: TribooHook) -> dict[str, Callable[[], list[int]]]:
    """Each paged read the hook makes, returning the ids it read."""
    return {
        "listUsers": lambda: [u["user_id"] for u in hook.find_users(usernames=["a", "b"])],
        "listCourses": lambda: [int(c["id"]) for c in hook.iter_courses()],
        "listUserProgressReports": lambda: [r["user_id"] for r in hook.iter_user_progress()],
    }


ROUTES = {
    "listUsers": f"{V1}/users/",
    "listCourses": f"{V1}/courses/",
    "listUserProgressReports": f"{V1}/user_progress_report/",
}


def test_every_paged_operation_the_hook_uses_is_swept() -> None:
    used = {
        value.__name__.rsplit(".", 1)[1]
        for module in (users_module, reports_module)
        for value in vars(module).values()
        if inspect.ismodule(value) and value.__name__.startswith("triboo_client.api.")
    }
    paged = {
        op.operation_id
        for op in operations()
        if any(resolve(p).get("name") == "page" for p in op.body.get("parameters", []))
    }
    snake = {re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower(): name for name in paged}
    assert {snake[module] for module in used if module in snake} == set(ROUTES)


def serve(server: HTTPServer, path: str, changing: ChangingList) -> None:
    key = "user_id" if "course" not in path else "id"

    def handler(request: Request) -> Response:
        try:
            page = changing.page(int(request.args["page"]))
        except TribooNotFoundError:
            return Response('{"detail": "Invalid page."}', 404, content_type="application/json")
        page["previous"] = None
        page["current_page"] = int(request.args["page"])
        page["start"] = 0
        # The server builds its links from the Host header, as Django does.
        following = f"{request.host_url.rstrip('/')}{path}?page={page['current_page'] + 1}"
        page["next"] = page["next"] and following
        page["results"] = [record(key, item["id"]) for item in page["results"]]
        return Response(json.dumps(page), 200, content_type="application/json")

    server.expect_request(path).respond_with_handler(handler)


def record(key: str, number: int) -> dict[str, Any]:
    if key == "id":
        return {"id": str(number), "display_name": f"Course {number}", "modified": None}
    return {"user_id": number, "username": f"u{number}", "email": f"u{number}@example.com"}


@pytest.mark.parametrize("operation", list(ROUTES))
def test_every_paged_read_survives_the_issue_example(
    operation: str, token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(token_endpoint.url_for("").rstrip("/"), page_size=2)
    changing = ChangingList([1, 2, 3, 4, 5, 6], 2, {2: lambda items: items.remove(2)})
    serve(token_endpoint, ROUTES[operation], changing)
    hook = TribooHook()
    try:
        got = hook_reads(hook)[operation]()
    finally:
        hook.close()
    assert len(got) == len(set(got))
    assert {1, 3, 4, 5, 6} <= set(got)


# -- end to end: the export under the sandbox's leave_after fault ------------------------


@pytest.fixture
def sandbox60(connect: Callable[..., None]) -> Iterator[SandboxServer]:
    with SandboxServer(make_sandbox(users=60, today=dt.date(2026, 11, 1))) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=0, page_size=10)
        yield server


def test_an_export_while_a_user_leaves_the_organisation(
    sandbox60: SandboxServer, tmp_path: Path
) -> None:
    store = sandbox60.sandbox.store
    everyone = [u.user_id for u in store.org_users("acme")]
    leaver = next(u.user_id for u in store.org_users("acme") if not u.is_superuser)
    # The 3rd API request (page 3 of 7) finds the leaver gone for good: every later user
    # moves one place earlier, so the first user of page 3 would slip onto page 2.
    sandbox60.sandbox.faults.update({"leave_after": 3, "leave_for": 0})
    path = tmp_path / "progress.jsonl"
    task = TribooExportUserProgressOperator(task_id="x", path=str(path), format="jsonl")
    try:
        result = task.execute({})
    finally:
        task.post_execute({})
    assert sandbox60.sandbox.faults.leave_after == 0  # it happened
    assert [u.user_id for u in store.org_users("acme")] == [n for n in everyone if n != leaver]
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    pairs = [(row["user_id"], row["course_id"]) for row in rows]
    assert len(pairs) == len(set(pairs)), "a user's course was exported twice"
    enrolled = {
        (user_id, key)
        for user_id in everyone
        for key in store.enrollments.get(user_id, {})
        if store.is_enrolled(user_id, key)
    }
    assert set(pairs) == enrolled  # the leaver too: it was read on page 1, before it left
    assert result["users"] == len(everyone)
