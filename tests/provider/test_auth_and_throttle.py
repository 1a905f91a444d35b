"""The httpx extension points on their own: token lifecycle and request scopes."""

from __future__ import annotations

import httpx
import pytest
from triboo_provider.client.auth import ClientCredentialsAuth, TokenError
from triboo_provider.client.budget import Budget, LocalHistory
from triboo_provider.client.throttle import Pacer, scope_of


class Server:
    """An httpx MockTransport handler: a token endpoint and one API route."""

    def __init__(self, lifetime: int = 1000) -> None:
        self.lifetime = lifetime
        self.issued = 0
        self.seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/access_token":
            self.issued += 1
            return httpx.Response(
                200, json={"access_token": f"t{self.issued}", "expires_in": self.lifetime}
            )
        self.seen.append(request.headers["Authorization"])
        return httpx.Response(200, json={})


def client(server: Server, auth: ClientCredentialsAuth) -> httpx.Client:
    return httpx.Client(base_url="http://triboo", auth=auth, transport=httpx.MockTransport(server))


def test_token_is_refreshed_before_it_expires() -> None:
    now = [0.0]
    server = Server(lifetime=1000)
    auth = ClientCredentialsAuth(
        "http://triboo/oauth2/access_token", "id", "secret", clock=lambda: now[0]
    )
    with client(server, auth) as http:
        http.get("/api/x")
        now[0] = 899.0  # a tenth of the lifetime before expiry: still fine
        http.get("/api/x")
        now[0] = 901.0
        http.get("/api/x")
    assert server.seen == ["Bearer t1", "Bearer t1", "Bearer t2"]


def test_jwt_tokens_use_the_jwt_prefix_and_ask_for_a_jwt() -> None:
    bodies: list[bytes] = []
    server = Server()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth2/access_token":
            bodies.append(request.content)
        return server(request)

    auth = ClientCredentialsAuth("http://triboo/oauth2/access_token", "id", "s", token_type="jwt")
    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as http:
        http.post("http://triboo/api/bulk_enroll/v1/bulk_enroll")
    assert server.seen == ["JWT t1"]
    assert bodies == [b"grant_type=client_credentials&client_id=id&client_secret=s&token_type=jwt"]


def test_on_token_sees_every_new_token() -> None:
    seen: list[str] = []
    auth = ClientCredentialsAuth(
        "http://triboo/oauth2/access_token", "id", "s", on_token=seen.append
    )
    with client(Server(), auth) as http:
        http.get("/api/x")
        auth.invalidate()
        http.get("/api/x")
    assert seen == ["t1", "t2"]


def test_refused_token_raises_without_the_secret() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    auth = ClientCredentialsAuth("http://triboo/oauth2/access_token", "id", "very-secret")
    with (
        httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as http,
        pytest.raises(TokenError, match="401: invalid_client") as raised,
    ):
        http.get("http://triboo/api/x")
    assert "very-secret" not in str(raised.value)
    assert "very-secret" not in repr(auth)


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("/api/extended/v1/users/", "users"),
        ("/api/extended/v1/users_by_username/a/", "users"),
        ("/api/extended/v1/users_by_email/", "users"),
        ("/api/extended/v1/courses/", "reports"),
        ("/api/extended/v1/user_progress_report_by_email/a@b.c/", "reports"),
        ("/api/extended/v1/course_progress_report/course-v1:a+b+c/", "reports"),
        ("/api/extended/v1/bulk_enroll", "bulk_enroll"),
        ("/api/bulk_enroll/v1/bulk_enroll", "bulk_enroll"),
        ("/oauth2/access_token", None),
    ],
)
def test_scopes_follow_the_server(path: str, scope: str | None) -> None:
    assert scope_of(path) == scope


def test_a_zero_budget_is_no_limit() -> None:
    budget = Budget(LocalHistory(), "triboo:budget:test", {"users": 0})
    auth = ClientCredentialsAuth(
        "http://triboo/oauth2/access_token", "id", "secret", pace=Pacer(budget)
    )
    with client(Server(), auth) as http:
        for _ in range(50):
            assert http.get("http://triboo/api/extended/v1/users/").status_code == 200
