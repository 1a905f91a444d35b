"""The client core: settings, the two HTTP clients, the one call path, and paging.

Every request goes through :meth:`ClientCore.call`: it sends with the retry engine
(:mod:`triboo_provider.client.retry`) and returns the parsed answer of an expected status,
or raises one typed error (:mod:`triboo_provider.client.answers`). List routes are read
by :mod:`triboo_provider.client.paging`. The domain methods are in ``users``,
``enrollments`` and ``reports``; :class:`~triboo_provider.client.TribooClient` joins them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import ExitStack
from functools import cached_property, partial
from http import HTTPStatus
from types import TracebackType
from typing import Self, TypeVar, overload

import httpx
import orjson
from triboo_client import AuthenticatedClient
from triboo_client.types import Response

from triboo_provider.client import answers, retry
from triboo_provider.client.auth import TokenError
from triboo_provider.client.budget import Budget
from triboo_provider.client.budget_stores import open_budget
from triboo_provider.client.errors import (
    TribooAPIError,
    TribooConfigError,
    TribooInputError,
    TribooServerError,
)
from triboo_provider.client.http_rules import origin, same_origin
from triboo_provider.client.paging import Envelope, Item, consistent_pages
from triboo_provider.client.protocols import JSONObject, Log, PagedEndpoint
from triboo_provider.client.settings import TribooSettings
from triboo_provider.client.transport import Traffic, generated_client, unreachable

T = TypeVar("T")
P = TypeVar("P")


class ClientCore:
    """Settings, HTTP clients and the call path; no Airflow in it.

    :param settings: the connection's settings; None only for a subclass that reads them
        on first use (the hook overrides :meth:`_read_settings`).
    :param log: where retries, waits and oddities are logged (default: the
        ``triboo_provider.client`` logger).
    :param on_token: sees every access token fetched, and the password of a Redis
        ``rate_limit_store`` (the hook masks them in task logs).
    """

    def __init__(
        self,
        settings: TribooSettings | None = None,
        *,
        log: Log | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        if settings is not None:
            self.__dict__["settings"] = settings
        self._client_log: Log = log or logging.getLogger("triboo_provider.client")
        self._on_token = on_token
        self._traffic = Traffic()
        self.sleep: Callable[[float], None] = time.sleep  # tests record waits instead
        self._next_noted = False  # a next link to another origin was logged

    @cached_property
    def settings(self) -> TribooSettings:
        """The settings given, or read on first use by :meth:`_read_settings`."""
        return self._read_settings()

    def _read_settings(self) -> TribooSettings:
        raise TribooConfigError("no settings given")  # pragma: no cover - a subclass's bug

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, token requests included."""
        return self._traffic.sent

    def _client(self, token_type: str) -> AuthenticatedClient:
        if not self.settings.verify_ssl:
            self._client_log.warning(
                "TLS certificate verification is OFF for %s", self.settings.endpoint
            )
        return generated_client(
            self.settings, token_type, self._traffic, self._on_token, budget=self.budget
        )

    @cached_property
    def budget(self) -> Budget:
        """The API user's budget (``rate_limit_store``), shared by both HTTP clients."""
        return open_budget(self.settings, on_secret=self._on_token)

    @cached_property
    def api(self) -> AuthenticatedClient:
        """The generated client with Bearer tokens (every extended-API call)."""
        return self._client("bearer")

    @cached_property
    def jwt_api(self) -> AuthenticatedClient:
        """The generated client with JWTs (the upstream Open edX bulk enroll)."""
        return self._client("jwt")

    def close(self) -> None:
        """Close both HTTP clients and the budget's store connections; safe to call twice,
        after a failure, or before any request. The next call opens new ones."""
        # All are dropped first, so a close that raises leaves none half-open for the next,
        # and the ExitStack runs every close even when one raises (the budget's last).
        opened = [self.__dict__.pop(name, None) for name in ("budget", "jwt_api", "api")]
        with ExitStack() as closing:
            for one in filter(None, opened):
                closing.callback(
                    one.close if isinstance(one, Budget) else one.get_httpx_client().close
                )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        problem: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- the one call path --

    @overload
    def call(
        self,
        operation: str,
        send: Callable[[], Response[T]],
        *,
        expect: Sequence[int] = ...,
        policy: retry.Idempotent | retry.NotIdempotent | retry.Once = ...,
        sent: Sequence[str] = ...,
    ) -> T: ...

    @overload
    def call(
        self,
        operation: str,
        send: Callable[[], Response[T]],
        *,
        expect: Sequence[int] = ...,
        policy: retry.Recoverable,
        sent: Sequence[str] = ...,
    ) -> T | None: ...

    def call(
        self,
        operation: str,
        send: Callable[[], Response[T]],
        *,
        expect: Sequence[int] = (200,),
        policy: retry.Policy = retry.IDEMPOTENT,
        sent: Sequence[str] = (),
    ) -> T | None:
        """Send with retries (``policy``), then return the parsed answer of a status in
        ``expect``, or raise one typed error.

        :param sent: values of a person the request carries: an answer that repeats one
            shows ``<value>`` instead, in the retry warnings and in the error raised
            (:func:`~triboo_provider.client.answers.scrubbed`).
        :returns: the generated model of the answer; None only when a
            :class:`~triboo_provider.client.retry.Recoverable` policy found the work done.
        :raises TribooAPIError: an unexpected status (its subclass by status), or an
            answer that cannot be read (:class:`TribooServerError` for a 2xx).
        :raises TribooConnectionError: no answer, after the retries.
        """
        return retry.run(
            answers.scrubbing(partial(self._attempt, operation, send, expect), sent),
            operation=operation,
            policy=policy,
            settings=self.settings,
            sleep=self.sleep,
            log=self._client_log,
        )

    def _attempt(self, operation: str, send: Callable[[], Response[T]], expect: Sequence[int]) -> T:
        traffic = self._traffic
        traffic.forget()
        try:
            response = send()
        except TokenError as problem:
            # Not chained: the token endpoint's answer, kept on the cause, may echo the
            # client secret or a token.
            raise answers.token_error(problem) from None
        except httpx.TransportError as problem:
            raise unreachable(operation, problem, self.settings) from problem
        except httpx.InvalidURL:  # not chained: its message may quote a person's identifier
            raise TribooInputError([f"{operation}: the arguments make no sendable URL"]) from None
        except TribooAPIError as problem:
            # Raised inside send() only by the transport's redirect refusal, which names the
            # method (it cannot know the operation): name the operation or the token request.
            last = traffic.last
            token = last is not None and last.request.url == httpx.URL(self.settings.token_url)
            named = "getAccessToken" if token else operation
            raise TribooAPIError(named, problem.status_code, problem.detail) from problem
        except (ValueError, KeyError, TypeError, AttributeError) as problem:
            received = traffic.last
            if received is None:
                raise  # not a problem with an answer: our own bug, never retried as one
            # An answer arrived and the generated parser could not read it: an undocumented
            # status (HTTPStatus raises), an HTML page, a truncated or reshaped JSON body.
            raise answers.unreadable(operation, received, problem) from problem
        status = int(response.status_code)
        if status in expect:
            if response.parsed is None:
                raise TribooServerError(operation, status, "unreadable answer: no body")
            return response.parsed
        if response.parsed is None and traffic.last is not None:
            # A status the spec does not document for this operation: read the body here.
            raise answers.undocumented(operation, traffic.last)
        raise answers.api_error(operation, status, response.headers, response.parsed)

    # -- pagination --

    def _pages(
        self,
        operation: str,
        fetch: Callable[[int, int], Response[P]],
        envelope: Callable[[P], Envelope[Item]],
        key: Callable[[Item], Hashable | None],
        page_size: int | None = None,
    ) -> Iterator[list[Item]]:
        """The items of every page of a list route, each once, at the largest page size.

        Pages are requested by number (see :mod:`triboo_provider.client.paging` for what
        happens when the list changes meanwhile); the server's ``next`` link only says
        whether there is one, and must point at the connection's own host. ``envelope``
        reads a parsed 200 answer's page fields.
        """
        size = page_size or self.settings.page_size
        return consistent_pages(
            lambda number: envelope(self.call(operation, partial(fetch, number, size))),
            key,
            operation=operation,
            check_next=self._check_next,
            log=self._client_log,
        )

    def _check_next(self, link: str | None) -> None:
        """Say once per client when a ``next`` link names another origin.

        The link is never followed (pages are requested by number from the connection's
        host), so it cannot send a token elsewhere; but an Open edX behind a TLS proxy that
        does not forward the scheme writes ``http://`` links, and a proxy that rewrites the
        host writes its own: worth a line in the log, not a failed export.
        """
        if not link or self._next_noted:
            return
        base = httpx.URL(self.settings.base_url)
        try:
            target: httpx.URL | None = base.join(link)
        except httpx.InvalidURL:
            target = None
        if target is None or not same_origin(target, base):
            self._next_noted = True
            self._client_log.warning(
                "the server's next-page links point to %s, not to the connection's %s; "
                "pages are requested from the connection's host by number, so the links "
                "are not followed (is the server behind a proxy that rewrites them?)",
                "an unreadable URL" if target is None else _host_port(target),
                _host_port(base),
            )

    def _raw_pages(
        self,
        operation: str,
        module: PagedEndpoint[object],
        key: Callable[[JSONObject], Hashable | None],
        page_size: int | None = None,
    ) -> Iterator[list[JSONObject]]:
        """:meth:`_pages` with 200 answers decoded as plain JSON, no models: the export path.

        Parsing a page into models costs about 2.5 times ``json.loads`` alone, and
        orjson decodes about three times faster than ``json``; exports only need the
        JSON. Other statuses still go through the generated parser and :meth:`call`.
        """
        api = self.api

        def fetch(number: int, size: int) -> Response[object]:
            raw = api.get_httpx_client().request(
                **module.request_kwargs(page=number, page_size=size)
            )
            parsed: object
            if raw.status_code == 200:
                # Read the envelope here, inside the attempt: a page of another shape is
                # then an unreadable answer (a retried server error), not a bare KeyError.
                parsed = Envelope.of_json(orjson.loads(raw.content))
            else:
                parsed = module.parse_response(client=api, response=raw)
            return Response[object](
                status_code=HTTPStatus(raw.status_code),
                content=b"",
                headers=raw.headers,
                parsed=parsed,
            )

        def envelope(parsed: object) -> Envelope[JSONObject]:
            return answers.expect_type(operation, parsed, Envelope)

        return self._pages(operation, fetch, envelope, key, page_size)


def _host_port(url: httpx.URL) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"
