"""The ``httpx.Client`` under the generated client: OAuth2, pacing, and what is seen.

One client per token type (Bearer for Triboo's extended API, JWT for the upstream bulk
enroll), each with :class:`~triboo_provider.client.auth.ClientCredentialsAuth` pacing its
requests on the client's one budget (shared by both) before signing them, no transport-level
retries (the retry engine decides), and no redirects: a 3xx is refused as an error, so a
token is never sent where the connection did not say. :class:`Traffic` counts requests
and keeps each thread's last answer, so an answer the generated parser cannot read still
has its status and headers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
from triboo_client import AuthenticatedClient

from triboo_provider.client.answers import WRONG_URL_HINT
from triboo_provider.client.auth import ClientCredentialsAuth
from triboo_provider.client.budget import Budget
from triboo_provider.client.errors import TribooAPIError, TribooConnectionError
from triboo_provider.client.http_rules import same_origin, shown_url
from triboo_provider.client.settings import TribooSettings
from triboo_provider.client.throttle import Pacer


class Traffic:
    """Requests sent by a client's HTTP clients, and the last answer of each thread (the
    page prefetch has its own thread)."""

    def __init__(self) -> None:
        self.sent = 0
        self._local = threading.local()

    def count(self, request: httpx.Request) -> None:
        self.sent += 1

    def remember(self, response: httpx.Response) -> None:
        self._local.last = response

    def forget(self) -> None:
        self._local.last = None

    @property
    def last(self) -> httpx.Response | None:
        """This thread's last answer since :meth:`forget`, or None."""
        last: httpx.Response | None = getattr(self._local, "last", None)
        return last


def generated_client(
    settings: TribooSettings,
    token_type: str,
    traffic: Traffic,
    on_token: Callable[[str], None] | None = None,
    *,
    budget: Budget,
) -> AuthenticatedClient:
    """The generated client over a new ``httpx.Client`` for ``token_type`` (``"bearer"`` or
    ``"jwt"``); ``on_token`` sees every token fetched (the hook masks it); every request of
    a limited scope takes a slot of ``budget`` first (both clients of one hook share one).
    Close it with ``.get_httpx_client().close()``: the budget stays open for its owner."""
    auth = ClientCredentialsAuth(
        settings.token_url,
        settings.client_id,
        settings.client_secret,
        token_type=token_type,
        on_token=on_token,
        pace=Pacer(budget),
    )
    http = httpx.Client(
        base_url=settings.base_url,
        auth=auth,
        transport=httpx.HTTPTransport(verify=settings.verify_ssl, retries=0),
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        event_hooks={
            "request": [traffic.count],
            "response": [traffic.remember, refuse_redirects],
        },
    )
    # The token field of AuthenticatedClient is unused: `auth` signs every request.
    client = AuthenticatedClient(base_url=settings.base_url, token="")
    return client.set_httpx_client(http)


def refuse_redirects(response: httpx.Response) -> None:
    """Raise :class:`TribooAPIError` (status 3xx) for a redirect, naming its target's host
    only when it is another one; never followed, so no token goes with it."""
    if response.is_redirect:
        url = response.request.url
        try:
            location = url.join(response.headers.get("location", ""))
        except httpx.InvalidURL:
            location = url
        target = "the same host" if same_origin(location, url) else location.netloc.decode()
        # Named by method only: a path such as users_by_email/<e-mail>/ is a person's data.
        raise TribooAPIError(
            f"{response.request.method} request",
            response.status_code,
            f"redirect to {target} refused (the token is never sent on a redirect)",
        )


def unreachable(
    operation: str, problem: httpx.TransportError, settings: TribooSettings
) -> TribooConnectionError:
    """The error for a request that got no answer, naming the URL tried: the token URL
    when the token request failed, else the connection's (scheme, host, port, base path:
    never a credential, nor an API request's path and query, which can hold a person's
    data)."""
    try:
        request: httpx.Request | None = problem.request
    except RuntimeError:  # raised outside a client's send: no request attached
        request = None
    url, check = settings.endpoint, ""
    if request is not None and request.url == httpx.URL(settings.token_url):
        operation, url = "getAccessToken", shown_url(request.url)
        check = f"; {WRONG_URL_HINT}"
    if "SSL" in str(problem) and settings.base_url.startswith("https:"):
        check = "; is it served over plain http? then set the connection's schema to http"
    why = f"{type(problem).__name__}: {problem}{check}"
    return TribooConnectionError(f"Triboo {operation}: could not reach {url} ({why})")
