"""A running sandbox and clients for it, shared by tests/sandbox and tests/clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from triboo_client import AuthenticatedClient
from triboo_sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer, make_sandbox

TODAY = dt.date(2026, 11, 1)


def fetch_token(
    base_url: str,
    kind: str = "bearer",
    client_id: str = DEMO_CLIENT_ID,
    secret: str = DEMO_CLIENT_SECRET,
) -> str:
    answer = httpx.post(
        f"{base_url}/oauth2/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "token_type": kind,
        },
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """A fresh small sandbox per test: tests change its state."""
    with SandboxServer(make_sandbox(users=200, today=TODAY)) as running:
        yield running


@pytest.fixture
def api(server: SandboxServer) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=server.url, token=fetch_token(server.url)) as client:
        yield client


@pytest.fixture
def raw(server: SandboxServer) -> Iterator[httpx.Client]:
    """A plain httpx client with a Bearer token, for requests the generated client cannot make."""
    headers = {"Authorization": f"Bearer {fetch_token(server.url)}"}
    with httpx.Client(base_url=server.url, headers=headers) as client:
        yield client
