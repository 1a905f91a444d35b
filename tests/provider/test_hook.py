"""TribooHook against a local HTTP server: exact requests, every error, retries, guards, masking."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from pytest_httpserver import HTTPServer
from triboo_provider.exceptions import (
    TribooAPIError,
    TribooAuthError,
    TribooConfigError,
    TribooConflictError,
    TribooNotFoundError,
    TribooRateLimitError,
    TribooServerError,
    TribooValidationError,
)
from triboo_provider.hooks.triboo import TribooHook
from werkzeug import Request, Response

from tests.provider.conftest import CLIENT_SECRET, TOKEN

V1 = "/api/extended/v1"


def page(
    results: list[dict[str, Any]],
    *,
    num_pages: int = 1,
    current: int = 1,
    next_url: str | None = None,
) -> dict[str, Any]:
    return {
        "count": len(results),
        "num_pages": num_pages,
        "current_page": current,
        "start": 0,
        "next": next_url,
        "previous": None,
        "results": results,
    }


def user(user_id: int, username: str) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "username": username,
        "email": f"{username}@example.com",
        "is_active": True,
    }


def requests_to(server: HTTPServer, path: str) -> list[Request]:
    return [request for request, _ in server.log if request.path == path]


def test_token_is_fetched_once_form_encoded_and_sent_as_bearer(
    hook: TribooHook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{V1}/users/").respond_with_json(page([]))
    hook.find_users(usernames=["a"])
    hook.find_users(usernames=["b"])
    (token_request,) = requests_to(httpserver, "/oauth2/access_token")
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_request.form.to_dict() == {
        "grant_type": "client_credentials",
        "client_id": "client-id",
        "client_secret": CLIENT_SECRET,
    }
    calls = requests_to(httpserver, f"{V1}/users/")
    assert [c.headers["Authorization"] for c in calls] == [f"Bearer {TOKEN}"] * 2


def test_user_ids_are_sent_as_one_comma_separated_value(
    hook: TribooHook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{V1}/users/").respond_with_json(page([user(1, "a")]))
    assert [u["username"] for u in hook.find_users(user_ids=[1, 2, 3])] == ["a"]
    (call,) = requests_to(httpserver, f"{V1}/users/")
    assert call.args.getlist("user_id") == ["1,2,3"]
    assert call.args["page_size"] == "1000"


def test_lookups_are_batched(hook: TribooHook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{V1}/users/").respond_with_json(page([]))
    hook.find_users(usernames=[f"user{n}" for n in range(250)])
    calls = requests_to(httpserver, f"{V1}/users/")
    assert [len(c.args["username"].split(",")) for c in calls] == [100, 100, 50]


def test_pages_are_followed_until_num_pages(hook: TribooHook, httpserver: HTTPServer) -> None:
    base = httpserver.url_for(f"{V1}/users/")
    for number in (1, 2, 3):
        httpserver.expect_oneshot_request(
            f"{V1}/users/", query_string={"username": "a", "page": str(number), "page_size": "1000"}
        ).respond_with_json(
            page(
                [user(number, "a")],
                num_pages=3,
                current=number,
                next_url=f"{base}?page={number + 1}" if number < 3 else None,
            )
        )
    assert [u["user_id"] for u in hook.find_users(usernames=["a"])] == [1, 2, 3]


def test_a_next_link_to_another_host_is_never_followed(
    hook: TribooHook, httpserver: HTTPServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Pages are asked of the connection's host by number; a foreign link is only logged
    (an Open edX behind a TLS proxy writes http:// links)."""
    elsewhere = "https://elsewhere.example/api/extended/v1/users/?page=2"
    for number in (1, 2):
        httpserver.expect_oneshot_request(
            f"{V1}/users/", query_string={"username": "a", "page": str(number), "page_size": "1000"}
        ).respond_with_json(
            page(
                [user(number, "a")],
                num_pages=2,
                current=number,
                next_url=elsewhere if number == 1 else None,
            )
            | {"count": 2}
        )
    assert [u["user_id"] for u in hook.find_users(usernames=["a"])] == [1, 2]
    assert len(requests_to(httpserver, f"{V1}/users/")) == 2
    assert "next-page links point to https://elsewhere.example:443" in "".join(capfd.readouterr())


def test_redirects_are_not_followed(hook: TribooHook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{V1}/users/").respond_with_response(
        Response(status=301, headers={"Location": "https://elsewhere.example/steal"})
    )
    # Named by operation (the path could hold a person's e-mail; the operation cannot).
    with pytest.raises(
        TribooAPIError,
        match=r"^Triboo listUsers failed with HTTP 301: redirect to elsewhere\.example refused",
    ):
        hook.find_users(usernames=["a"])


def test_a_redirected_token_request_is_named_as_such(
    httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    httpserver.expect_request("/oauth2/access_token").respond_with_response(
        Response(status=302, headers={"Location": "/login/"})
    )
    connect(httpserver.url_for("").rstrip("/"))
    with (
        TribooHook() as hook,
        pytest.raises(TribooAPIError, match=r"^Triboo getAccessToken .* 302"),
    ):
        hook.find_users(usernames=["a"])


def test_expired_token_is_renewed_once(hook: TribooHook, httpserver: HTTPServer) -> None:
    expired = {
        "error_code": "token_expired",
        "developer_message": "The access token provided is expired.",
    }
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(expired, status=401)
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(page([user(1, "a")]))
    assert hook.find_users(usernames=["a"])[0]["user_id"] == 1
    assert len(requests_to(httpserver, "/oauth2/access_token")) == 2


def test_a_token_refused_twice_is_an_auth_error(hook: TribooHook, httpserver: HTTPServer) -> None:
    body = {
        "error_code": "token_nonexistent",
        "developer_message": "The access token provided does not exist.",
    }
    httpserver.expect_request(f"{V1}/users/").respond_with_json(body, status=401)
    with pytest.raises(TribooAuthError, match="HTTP 401: token_nonexistent"):
        hook.find_users(usernames=["a"])
    assert len(requests_to(httpserver, f"{V1}/users/")) == 2


def test_retry_after_is_honoured(hook: TribooHook, httpserver: HTTPServer) -> None:
    throttled = {"detail": "Request was throttled. Expected available in 7 seconds."}
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(
        throttled, status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(page([]))
    hook.find_users(usernames=["a"])
    (wait,) = hook.waits  # type: ignore[attr-defined]
    assert 7 <= wait <= 7.5


def test_server_errors_are_retried_on_reads(hook: TribooHook, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_data(
        "<h1>502</h1>", status=502, content_type="text/html"
    )
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(
        {"api_error_message": "x"}, status=500
    )
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(page([user(4, "d")]))
    assert hook.find_users(usernames=["d"])[0]["user_id"] == 4
    assert len(hook.waits) == 2  # type: ignore[attr-defined]


def test_retries_give_up_with_the_last_error(
    hook: TribooHook, httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=2)
    fresh = TribooHook()
    fresh.sleep = lambda _: None
    httpserver.expect_request(f"{V1}/users/").respond_with_json(
        {"api_error_message": "boom"}, status=500
    )
    with pytest.raises(TribooServerError, match="HTTP 500: boom"):
        fresh.find_users(usernames=["a"])
    assert len(requests_to(httpserver, f"{V1}/users/")) == 3


CREATE = {
    "username": "new.user",
    "email": "new.user@example.com",
    "first_name": "N",
    "last_name": "U",
    "name": "N U",
}


def test_create_is_not_re_posted_when_the_lookup_finds_the_user(
    hook: TribooHook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{V1}/users/", method="POST").respond_with_json(
        {"api_error_message": "lost"}, status=500
    )
    httpserver.expect_request(f"{V1}/users/", method="GET").respond_with_json(
        page([user(9, "new.user")])
    )
    assert hook.create_user(CREATE)["user_id"] == 9
    posts = [r for r in requests_to(httpserver, f"{V1}/users/") if r.method == "POST"]
    assert len(posts) == 1
    assert json.loads(posts[0].get_data()) == CREATE


def test_create_is_retried_only_after_a_lookup_proves_it_did_not_happen(
    hook: TribooHook, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request(f"{V1}/users/", method="POST").respond_with_json(
        {"api_error_message": "x"}, status=503
    )
    httpserver.expect_oneshot_request(f"{V1}/users/", method="GET").respond_with_json(page([]))
    httpserver.expect_oneshot_request(f"{V1}/users/", method="POST").respond_with_json(
        {**CREATE, "status": "user_created"}, status=201
    )
    httpserver.expect_oneshot_request(f"{V1}/users/", method="GET").respond_with_json(
        page([user(9, "new.user")])
    )
    assert hook.create_user(CREATE)["user_id"] == 9
    methods = [r.method for r in requests_to(httpserver, f"{V1}/users/")]
    assert methods == ["POST", "GET", "POST", "GET"]


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (
            400,
            {"city": ["This field may not be blank."]},
            TribooValidationError,
            "city: This field may not be blank.",
        ),
        (401, {"detail": "Authentication credentials were not provided."}, TribooAuthError, "401"),
        (
            403,
            {"detail": "You do not have permission to perform this action."},
            TribooAuthError,
            "403",
        ),
        (404, {"detail": "Not found."}, TribooNotFoundError, "Not found."),
        (404, {"status": "user_not_found"}, TribooNotFoundError, "user_not_found"),
        (409, {"detail": "User inactive"}, TribooConflictError, "User inactive"),
        (409, {"status": "username_already_used"}, TribooConflictError, "username_already_used"),
    ],
)
def test_statuses_map_to_the_error_tree(
    hook: TribooHook,
    httpserver: HTTPServer,
    status: int,
    body: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    httpserver.expect_request(f"{V1}/users/7/", method="PATCH").respond_with_json(
        body, status=status
    )
    with pytest.raises(error, match=message) as raised:
        hook.update_user(by="id", identifier=7, fields={"city": "Paris"})
    assert raised.value.status_code == status  # type: ignore[attr-defined]


def test_field_errors_are_kept(hook: TribooHook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{V1}/users/7/").respond_with_json(
        {"city": ["bad"], "email": ["worse"]}, status=400
    )
    with pytest.raises(TribooValidationError) as raised:
        hook.update_user(by="id", identifier=7, fields={"city": "x"})
    assert raised.value.field_errors == {"city": ["bad"], "email": ["worse"]}


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        (520, "text/plain", "odd"),
        (200, "text/html", "<html>maintenance</html>"),
        (200, "application/json", '{"count": 1, "num_pa'),
    ],
)
def test_unreadable_answers_are_server_errors(
    hook: TribooHook,
    httpserver: HTTPServer,
    connect: Callable[..., None],
    status: int,
    content_type: str,
    body: str,
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=0)
    fresh = TribooHook()
    httpserver.expect_request(f"{V1}/users/").respond_with_data(
        body, status=status, content_type=content_type
    )
    with pytest.raises(TribooServerError, match="unreadable answer"):
        fresh.find_users(usernames=["a"])


def test_rate_limit_error_carries_retry_after(
    hook: TribooHook, httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=0)
    fresh = TribooHook()
    httpserver.expect_request(f"{V1}/users/").respond_with_json(
        {"detail": "Request was throttled. Expected available in 12.0 seconds."},
        status=429,
        headers={"Retry-After": "12"},
    )
    with pytest.raises(TribooRateLimitError) as raised:
        fresh.find_users(usernames=["a"])
    assert raised.value.retry_after == 12


@pytest.mark.parametrize(
    ("status", "error"), [(401, TribooAuthError), (400, TribooAuthError), (503, TribooServerError)]
)
def test_token_failures(
    httpserver: HTTPServer, connect: Callable[..., None], status: int, error: type[Exception]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=0)
    httpserver.expect_request("/oauth2/access_token").respond_with_json(
        {"error": "invalid_client"}, status=status
    )
    with pytest.raises(error, match="getAccessToken") as raised:
        TribooHook().find_users(usernames=["a"])
    assert CLIENT_SECRET not in str(raised.value)


def test_test_connection(hook: TribooHook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        f"{V1}/courses/", query_string={"page": "1", "page_size": "1"}
    ).respond_with_json({**page([]), "count": 36})
    port = httpserver.port
    assert hook.test_connection() == (
        True,
        f"Connected to http://127.0.0.1:{port}: 36 course(s) visible to this API client",
    )


def test_test_connection_failure_reveals_no_secret(
    httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"))
    httpserver.expect_request("/oauth2/access_token").respond_with_json(
        {"error": "invalid_client"}, status=401
    )
    ok, message = TribooHook().test_connection()
    assert not ok
    assert "HTTP 401: invalid_client" in message
    assert CLIENT_SECRET not in message


def test_tokens_are_masked_and_never_logged(
    hook: TribooHook,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json({"detail": "x"}, status=503)
    httpserver.expect_oneshot_request(f"{V1}/users/").respond_with_json(page([]))
    with mock.patch("triboo_provider.hooks.triboo.mask_secret") as masked:
        fresh = TribooHook()
        fresh.sleep = lambda _: None
        fresh.find_users(usernames=["a"])
    masked.assert_any_call(TOKEN)
    masked.assert_any_call(CLIENT_SECRET)
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    assert "retry 1 of 5" in logged  # the retry was logged, so the logs were captured
    assert TOKEN not in logged
    assert CLIENT_SECRET not in logged


def test_unknown_connection_extra_is_refused(
    httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), page_sise=10)
    with pytest.raises(
        TribooConfigError, match="unknown extra 'page_sise' \\(did you mean page_size"
    ):
        TribooHook().settings  # noqa: B018


def test_tls_verification_off_is_logged(
    httpserver: HTTPServer, connect: Callable[..., None], capfd: pytest.CaptureFixture[str]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), verify_ssl="false")
    hook = TribooHook()
    assert hook.settings.verify_ssl is False
    hook.api  # noqa: B018
    assert "TLS certificate verification is OFF" in "".join(capfd.readouterr())
    hook.close()


def test_close_closes_both_clients_is_safe_twice_and_the_hook_is_a_context_manager(
    token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(token_endpoint.url_for("").rstrip("/"))
    with TribooHook() as hook:
        clients = [hook.api.get_httpx_client(), hook.jwt_api.get_httpx_client()]
        assert not any(client.is_closed for client in clients)
    assert all(client.is_closed for client in clients)
    hook.close()  # again: nothing left to close, no error
    hook.close()


def test_close_after_a_failed_call_closes_the_clients(
    httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=0)
    hook = TribooHook()
    client = hook.api.get_httpx_client()
    with pytest.raises(TribooServerError):  # no token endpoint there: a 500
        hook.find_users(usernames=["a"])
    hook.close()
    assert client.is_closed
    hook.close()
