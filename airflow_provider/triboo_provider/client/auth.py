"""OAuth2 client credentials as an ``httpx.Auth``: fetch, cache, refresh, re-authenticate once.

Plain httpx, no Airflow import: the hook injects it into the generated client's httpx
client, so every generated call is authenticated without wrappers. The token request is
yielded from the auth flow, so it goes through the same transport (timeouts, TLS settings)
as every other request. Pacing happens here too, before a request is signed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Generator
from contextlib import AbstractContextManager, nullcontext

import httpx

from triboo_provider.client.http_rules import shown_url

# 401 bodies that mean "get a new token"; anything else (wrong scheme, no credentials at
# all) would fail again with a fresh token.
REFRESHABLE = frozenset({"token_expired", "token_nonexistent"})


class TokenError(Exception):
    """The token endpoint refused or failed; carries no secret.

    ``retry_after`` is the answer's ``Retry-After`` header as received (or None);
    ``from_body`` says whether ``error`` is the server's own (a JSON ``error``), not ours;
    ``url`` is the token URL tried, as :func:`~triboo_provider.client.http_rules.shown_url` shows
    it (scheme, host, port and path: never a credential or a query), or "" when not known.
    """

    def __init__(
        self,
        status_code: int,
        error: str,
        retry_after: str | None = None,
        *,
        from_body: bool = False,
        url: str = "",
    ) -> None:
        self.status_code = status_code
        self.error = error
        self.retry_after = retry_after
        self.from_body = from_body
        self.url = url
        at = f" at {url}" if url else ""
        super().__init__(f"token request{at} failed with HTTP {status_code}: {error}")


class ClientCredentialsAuth(httpx.Auth):
    """Sign requests with a client-credentials token, fetched when missing or about to expire.

    ``token_type="jwt"`` asks for a JWT and sends ``Authorization: JWT <token>``, as the
    upstream Open edX bulk enroll wants. ``on_token`` sees every new token (the hook masks
    it in Airflow's logs). ``pace`` (e.g. a :class:`~triboo_provider.client.throttle.Pacer`)
    gives the context each API request is signed, sent and answered in: it may wait for a
    rate-limit budget first, so a token is read only after that wait.
    """

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        token_type: str = "bearer",
        on_token: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        pace: Callable[[httpx.Request], AbstractContextManager[object]] | None = None,
    ) -> None:
        self.token_url = token_url
        self.token_type = token_type
        self.prefix = "JWT" if token_type == "jwt" else "Bearer"
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        if token_type == "jwt":
            self._form["token_type"] = "jwt"
        self._on_token = on_token
        self._clock = clock
        self._pace = pace or _unpaced
        self._lock = threading.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self.tokens_fetched = 0

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsAuth(token_url={self.token_url!r}, token_type={self.token_type!r})"
        )

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # Paced first, then signed: the token is read (or fetched) after the wait.
        with self._pace(request):
            with self._lock:
                token = self._token if self._clock() < self._refresh_at else None
            if token is None:
                token = yield from self._fetch(request)
            request.headers["Authorization"] = f"{self.prefix} {token}"
            response = yield request
        if response.status_code == 401 and _error_code(response) in REFRESHABLE:
            # Expired early or revoked: one new token, one more try, never more.
            with self._pace(request):
                token = yield from self._fetch(request)
                request.headers["Authorization"] = f"{self.prefix} {token}"
                yield request

    def _fetch(self, signed: httpx.Request) -> Generator[httpx.Request, httpx.Response, str]:
        # The client's timeouts are an extension its build_request gives each request; a
        # request made here has none unless copied (it would wait forever for an answer).
        request = httpx.Request(
            "POST",
            self.token_url,
            data=self._form,
            headers={"Accept": "application/json"},
            extensions={k: v for k, v in signed.extensions.items() if k == "timeout"},
        )
        response = yield request
        try:
            body, is_json = json.loads(response.content) if response.content else None, True
        except ValueError:
            body, is_json = None, False
        token_value = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code != 200 or not _usable(token_value):
            error = body.get("error") if isinstance(body, dict) else None
            raise TokenError(
                response.status_code,
                str(error or _no_token(response, body, is_json=is_json))[:100],
                response.headers.get("Retry-After"),
                from_body=bool(error),
                url=shown_url(request.url),
            )
        token = str(token_value)  # _usable: already a str
        if self._on_token is not None:
            self._on_token(token)
        lifetime = _seconds(
            body.get("expires_in") if isinstance(body, dict) else None, default=3600.0
        )
        with self._lock:
            self._token = token
            # Refresh a little early: a tenth of the lifetime, at most five minutes.
            self._refresh_at = self._clock() + lifetime - min(300.0, lifetime / 10)
            self.tokens_fetched += 1
        return token


def _unpaced(request: httpx.Request) -> AbstractContextManager[object]:
    return nullcontext()


def _seconds(value: object, *, default: float) -> float:
    """A positive number of seconds from a JSON value, else ``default``."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return seconds if 0 < seconds < float("inf") else default


def _no_token(response: httpx.Response, body: object, *, is_json: bool) -> str:
    """Why an answer of the token endpoint holds no token, in a few words (never its body)."""
    if not response.content:
        return "an empty answer"
    if not is_json:  # an HTML error page, a proxy's answer, another server
        kind = response.headers.get("content-type", "").split(";")[0].strip() or "untyped"
        return f"a {kind[:40]} answer, not JSON"
    if not isinstance(body, dict):
        return "JSON of an unexpected shape"
    return "no usable access token in the answer"


def _usable(token: object) -> bool:
    """A token that can go in a header: non-empty printable ASCII with no whitespace."""
    return (
        isinstance(token, str)
        and token != ""
        and token.isascii()
        and token.isprintable()
        and not any(c.isspace() for c in token)
    )


def _error_code(response: httpx.Response) -> str | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    code = body.get("error_code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None
