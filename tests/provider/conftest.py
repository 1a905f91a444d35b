"""Fixtures for provider tests: a triboo connection in the environment, a fake token endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from triboo_provider.hooks.triboo import TribooHook

CLIENT_SECRET = "s3cret-client-secret-value"
TOKEN = "tok-0123456789abcdef"


def connection_uri(
    url: str, login: str = "client-id", password: str = CLIENT_SECRET, **extra: Any
) -> str:
    return json.dumps(
        {"conn_type": "triboo", "host": url, "login": login, "password": password, "extra": extra}
    )


@pytest.fixture
def connect(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Point ``triboo_default`` at a URL, with extras (no rate limits unless given)."""

    def point(
        url: str, login: str = "client-id", password: str = CLIENT_SECRET, **extra: Any
    ) -> None:
        settings = {
            "users_per_minute": 0,
            "reports_per_minute": 0,
            "bulk_enroll_per_minute": 0,
            "retry_max_wait": 5,
            **extra,
        }
        monkeypatch.setenv(
            "AIRFLOW_CONN_TRIBOO_DEFAULT", connection_uri(url, login, password, **settings)
        )

    return point


@pytest.fixture
def token_endpoint(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/oauth2/access_token", method="POST").respond_with_json(
        {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 36000, "scope": "read"}
    )
    return httpserver


@pytest.fixture
def hook(token_endpoint: HTTPServer, connect: Callable[..., None]) -> Iterator[TribooHook]:
    connect(token_endpoint.url_for("").rstrip("/"))
    made = TribooHook()
    waits: list[float] = []
    made.sleep = waits.append
    made.waits = waits  # type: ignore[attr-defined]
    yield made
    made.close()


@pytest.fixture(params=["current", "2021"])
def sandbox(connect: Callable[..., None], request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh sandbox per test (tests change its state), wired to ``triboo_default``, of
    each server generation: every test that uses it runs against both."""
    import datetime as dt

    from triboo_sandbox.server import SandboxServer, make_sandbox

    made = make_sandbox(users=150, today=dt.date(2026, 11, 1), generation=request.param)
    with SandboxServer(made) as server:
        connect(server.url, "demo-client", "demo-secret", max_retries=2, retry_max_wait=0.1)
        yield server
