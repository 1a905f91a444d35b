"""Answers that are not the documented JSON (an HTML 404 page, an empty 502, a reshaped
body): every hook call keeps the status, types the error by it, and retries only what a
retry can fix. A bug in our own code is never mistaken for an unreadable answer."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from triboo_client.api.users import list_users
from triboo_provider.exceptions import (
    TribooAPIError,
    TribooAuthError,
    TribooConflictError,
    TribooNotFoundError,
    TribooRateLimitError,
    TribooServerError,
    TribooValidationError,
)
from triboo_provider.hooks.triboo import TribooHook

V1 = "/api/extended/v1"
RETRIES = 2
ROW = {"username": "u", "email": "u@example.com", "first_name": "F", "last_name": "L", "name": "N"}

# Every hook method that calls the API, by a call that exercises it.
CALLS: dict[str, Callable[[TribooHook], Any]] = {
    "find_users": lambda h: h.find_users(usernames=["a"]),
    "create_user": lambda h: h.create_user(ROW),
    "update_user by id": lambda h: h.update_user(by="id", identifier=7, fields={"city": "x"}),
    "update_user by username": lambda h: h.update_user(
        by="username", identifier="u", fields={"city": "x"}
    ),
    "update_user by email": lambda h: h.update_user(
        by="email", identifier="u@example.com", fields={"city": "x"}
    ),
    "deactivate_users by id": lambda h: h.deactivate_users(user_ids=[7]),
    "deactivate_users by username": lambda h: h.deactivate_users(usernames=["u"]),
    "bulk_enroll upstream": lambda h: h.bulk_enroll(identifiers=["u"], courses=["c"]),
    "bulk_enroll extended": lambda h: h.bulk_enroll(
        identifiers=["u"], courses=["c"], endpoint="extended"
    ),
    "iter_courses": lambda h: list(h.iter_courses()),
    "iter_users": lambda h: list(h.iter_users()),
    "iter_user_progress": lambda h: list(h.iter_user_progress()),
    "course_progress": lambda h: h.course_progress("course-v1:a+b+c"),
}
# (status, content type, body) -> the error, and whether a retry is allowed.
ANSWERS: dict[str, tuple[int, str, str, type[TribooAPIError], bool]] = {
    "HTML 404": (404, "text/html", "<h1>Page not found</h1>", TribooNotFoundError, False),
    "HTML 400": (400, "text/html", "<h1>Bad Request</h1>", TribooValidationError, False),
    "HTML 401": (401, "text/html", "<h1>Unauthorized</h1>", TribooAuthError, False),
    "HTML 403": (403, "text/html", "<h1>Forbidden</h1>", TribooAuthError, False),
    "HTML 405": (405, "text/html", "<h1>Not allowed</h1>", TribooAPIError, False),
    "HTML 409": (409, "text/html", "<h1>Conflict</h1>", TribooConflictError, False),
    "empty 404": (404, "application/json", "", TribooNotFoundError, False),
    "truncated 400": (400, "application/json", '{"city": ["ba', TribooValidationError, False),
    "HTML 429": (429, "text/html", "<h1>Slow down</h1>", TribooRateLimitError, True),
    "HTML 500": (500, "text/html", "<h1>Server Error</h1>", TribooServerError, True),
    "empty 502": (502, "text/html", "", TribooServerError, True),
    "JSON 520": (520, "application/json", '{"detail": "odd"}', TribooServerError, True),
}


def test_every_api_method_of_the_hook_is_swept() -> None:
    public = {
        name
        for owner in TribooHook.__mro__  # the hook and the client core's classes
        if owner.__module__.startswith("triboo_provider.")
        for name, member in vars(owner).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }
    swept = {name.split(" ")[0] for name in CALLS}
    # test_connection: below; call: the one path every method above goes through.
    assert public - swept == {"call", "close", "test_connection"}


def api_requests(server: HTTPServer) -> int:
    return sum(1 for request, _ in server.log if request.path.startswith("/api/"))


@pytest.mark.parametrize("answer", list(ANSWERS))
@pytest.mark.parametrize("call", list(CALLS))
def test_the_status_is_kept_whatever_the_body(
    call: str, answer: str, token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    status, content_type, body, error, retried = ANSWERS[answer]
    connect(token_endpoint.url_for("").rstrip("/"), max_retries=RETRIES, retry_max_wait=0.01)
    token_endpoint.expect_request(re.compile("^/api/")).respond_with_data(
        body, status=status, content_type=content_type, headers={"Retry-After": "0"}
    )
    hook = TribooHook()
    hook.sleep = lambda seconds: None
    try:
        with pytest.raises(error) as raised:
            CALLS[call](hook)
    finally:
        hook.close()
    assert raised.value.status_code == status
    assert "unreadable answer" in str(raised.value)
    # Where the generated parser failed (a status the spec documents), its error is kept.
    assert raised.value.__cause__ is None or isinstance(raised.value.__cause__, ValueError)
    sent = api_requests(token_endpoint)
    if not retried:
        assert sent == 1, f"a {status} was sent {sent} times"
    elif call != "create_user":  # a create is never re-posted: its user is looked up
        assert sent == RETRIES + 1


@pytest.mark.parametrize(
    ("call", "status"),
    [(c, 200) for c in CALLS if c != "create_user"] + [("create_user", 201)],
)
def test_an_undecodable_success_is_a_server_error_with_its_status(
    call: str, status: int, token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(token_endpoint.url_for("").rstrip("/"), max_retries=0)
    token_endpoint.expect_request(re.compile("^/api/")).respond_with_data(
        "<html>maintenance</html>", status=status, content_type="text/html"
    )
    hook = TribooHook()
    try:
        with pytest.raises(TribooAPIError) as raised:
            CALLS[call](hook)
    finally:
        hook.close()
    if call == "create_user":
        # The lost answer is followed by a look-up, which got the same page (a 201 where a
        # list answers 200): that look-up's error is the one raised.
        assert raised.value.status_code == 201
    else:
        assert isinstance(raised.value, TribooServerError)
        assert raised.value.status_code == 200


def test_the_issue_example_one_request_and_a_not_found(
    token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    """A 2021 build does not route users_by_email: its HTML 404 page is a 404."""
    connect(token_endpoint.url_for("").rstrip("/"))
    token_endpoint.expect_request(
        f"{V1}/users_by_email/jane@example.com/", method="PATCH"
    ).respond_with_data("<!DOCTYPE html><h1>Page not found</h1>", 404, content_type="text/html")
    hook = TribooHook()
    try:
        with pytest.raises(TribooNotFoundError) as raised:
            hook.update_user(by="email", identifier="jane@example.com", fields={"city": "Lyon"})
    finally:
        hook.close()
    assert str(raised.value) == (
        "Triboo partialUpdateUserByEmail failed with HTTP 404: "
        "unreadable answer: a text/html body, not JSON"
    )
    assert isinstance(raised.value.__cause__, ValueError)  # the JSON decoder's error
    assert api_requests(token_endpoint) == 1


def test_test_connection_reports_the_status(
    token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(token_endpoint.url_for("").rstrip("/"))
    token_endpoint.expect_request(f"{V1}/courses/").respond_with_data(
        "<h1>Forbidden</h1>", 403, content_type="text/html"
    )
    ok, message = TribooHook().test_connection()
    assert not ok
    assert "HTTP 403" in message


@pytest.mark.parametrize("bug", [KeyError, TypeError, ValueError, AttributeError])
def test_our_own_bug_is_raised_as_itself_once(
    bug: type[Exception],
    token_endpoint: HTTPServer,
    connect: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failure before any answer arrived is not an unreadable answer: never retried."""
    connect(token_endpoint.url_for("").rstrip("/"), max_retries=3)
    calls = []

    def broken(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        raise bug("a bug in the request's construction")

    monkeypatch.setattr(list_users, "sync_detailed", broken)
    hook = TribooHook()
    try:
        with pytest.raises(bug, match="a bug in the request"):
            hook.find_users(usernames=["a"])
    finally:
        hook.close()
    assert calls == [1]
    assert api_requests(token_endpoint) == 0
