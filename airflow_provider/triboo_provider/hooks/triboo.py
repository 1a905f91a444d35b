"""TribooHook: the one module that talks to the generated ``triboo_client``.

Everything generated stays here: operators get plain dicts and lists, never attrs models,
``UNSET`` or raw responses. Every call goes through :meth:`TribooHook._call`, which maps
answers to the error tree of :mod:`triboo_provider.exceptions` (:mod:`triboo_provider.answers`)
and retries what is safe; list routes are read by :mod:`triboo_provider.paging`.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cached_property, partial
from http import HTTPStatus
from typing import Any, Literal, overload

import httpx
import orjson
from airflow.sdk import BaseHook
from airflow.sdk.log import mask_secret
from tenacity import Retrying, retry_if_exception, stop_after_attempt
from triboo_client import AuthenticatedClient, models
from triboo_client.api.courses import list_courses
from triboo_client.api.enrollments import bulk_enroll, extended_bulk_enroll
from triboo_client.api.reports import get_course_progress_report, list_user_progress_reports
from triboo_client.api.users import (
    create_user,
    deactivate_users_by_id,
    deactivate_users_by_username,
    list_users,
    partial_update_user,
    partial_update_user_by_email,
    partial_update_user_by_username,
)
from triboo_client.types import UNSET, Response

from triboo_provider import answers
from triboo_provider.auth import ClientCredentialsAuth, TokenError
from triboo_provider.exceptions import (
    TribooAPIError,
    TribooAuthError,
    TribooConfigError,
    TribooConnectionError,
    TribooError,
    TribooInputError,
    TribooServerError,
)
from triboo_provider.http_rules import origin, same_origin, shown_url
from triboo_provider.identifiers import list_problems
from triboo_provider.paging import Envelope, consistent_pages
from triboo_provider.params import as_texts
from triboo_provider.settings import MAX_PAGE_SIZE, TribooSettings
from triboo_provider.throttle import RateLimitedTransport

__all__ = ["MAX_PAGE_SIZE", "TribooHook", "TribooSettings"]

_UNSENDABLE = re.compile(r"[,\s]")  # what the server splits identifier lists on
FILTER_BATCH = 100  # identifiers per comma-separated filter: keeps URLs well under 8 KB
_UPDATE_BY: dict[str, Any] = {
    "id": partial_update_user,
    "username": partial_update_user_by_username,
    "email": partial_update_user_by_email,
}


class TribooHook(BaseHook):
    """Talk to a Triboo tenant through a ``triboo`` connection.

    :param triboo_conn_id: the connection: host = base URL, login = client id,
        password = client secret, extras as in :class:`TribooSettings`.

    Nothing is read or sent in ``__init__``: the connection and the HTTP clients are
    built on first use. Tokens are fetched and refreshed by
    :class:`~triboo_provider.auth.ClientCredentialsAuth` and masked in Airflow's logs.
    """

    conn_name_attr = "triboo_conn_id"
    default_conn_name = "triboo_default"
    conn_type = "triboo"
    hook_name = "Triboo"

    def __init__(self, triboo_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.triboo_conn_id = triboo_conn_id
        self.requests_sent = 0
        self.sleep: Callable[[float], None] = time.sleep  # tests record waits instead
        # The last answer received by each thread (the prefetch has its own): when the
        # generated parser fails on it, its status and headers are still known.
        self._received = threading.local()
        self._next_noted = False  # a next link to another origin was logged

    # -- clients --

    @cached_property
    def settings(self) -> TribooSettings:
        """The connection read by :meth:`TribooSettings.from_connection`.

        :raises TribooConfigError: the connection is misconfigured (the task fails at once).
        """
        conn = self.get_connection(self.triboo_conn_id)
        if conn.password:
            mask_secret(conn.password)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                settings = TribooSettings.from_connection(
                    conn.host,
                    conn.login,
                    conn.password,
                    conn.extra_dejson,
                    schema=conn.schema,
                    port=conn.port,
                )
            except TribooConfigError as problem:
                raise TribooConfigError(f"connection {self.triboo_conn_id}: {problem}") from None
        for warning in caught:  # in the task log, and to the warnings machinery as usual
            self.log.warning("connection %s: %s", self.triboo_conn_id, warning.message)
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
        return settings

    def _client(self, token_type: str) -> AuthenticatedClient:
        settings = self.settings
        if not settings.verify_ssl:
            self.log.warning(
                "TLS certificate verification is OFF for connection %s", self.triboo_conn_id
            )
        auth = ClientCredentialsAuth(
            settings.token_url,
            settings.client_id,
            settings.client_secret,
            token_type=token_type,
            on_token=mask_secret,
        )
        transport = RateLimitedTransport(
            httpx.HTTPTransport(verify=settings.verify_ssl, retries=0),
            settings.limits,
            settings.rate_window_seconds,
        )
        http = httpx.Client(
            base_url=settings.base_url,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            event_hooks={
                "request": [self._count],
                "response": [self._remember, self._refuse_redirects],
            },
        )
        # The token field of AuthenticatedClient is unused: `auth` signs every request.
        client = AuthenticatedClient(base_url=settings.base_url, token="")
        return client.set_httpx_client(http)

    @cached_property
    def api(self) -> AuthenticatedClient:
        """The generated client with Bearer tokens (every extended-API call)."""
        return self._client("bearer")

    @cached_property
    def jwt_api(self) -> AuthenticatedClient:
        """The generated client with JWTs (the upstream Open edX bulk enroll)."""
        return self._client("jwt")

    def close(self) -> None:
        for name in ("api", "jwt_api"):
            if name in self.__dict__:
                self.__dict__.pop(name).get_httpx_client().close()

    def _count(self, request: httpx.Request) -> None:
        self.requests_sent += 1

    def _remember(self, response: httpx.Response) -> None:
        self._received.last = response

    @staticmethod
    def _refuse_redirects(response: httpx.Response) -> None:
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

    # -- the one response helper --

    def _call(
        self,
        operation: str,
        send: Callable[[], Response[Any]],
        *,
        expect: Sequence[int] = (200,),
        safe: bool = True,
    ) -> Any:
        """Send with retries, then return the parsed answer or raise one typed error.

        ``safe`` calls (reads, updates, deactivations, enrollments) are retried on
        connection errors, 5xx and 429; unsafe ones (a create) only on 429, which the
        server answers before doing anything. A ``Retry-After`` (429, 503) is waited in
        full, unless it asks for more than ``retry_after_max``: then the error is raised at
        once, and the task's own retry comes back later instead of holding a worker.
        """
        settings = self.settings
        retrying = Retrying(
            retry=retry_if_exception(
                lambda problem: answers.retryable(
                    problem,
                    safe=safe,
                    longest_wait=settings.retry_after_max,
                    log=self.log,
                )
            ),
            stop=stop_after_attempt(settings.max_retries + 1),
            wait=lambda state: answers.wait(state, settings.retry_max_wait, self.log),
            before_sleep=lambda state: self.log.warning(
                "Triboo %s: %s; retry %d of %d",
                operation,
                state.outcome.exception() if state.outcome else "",
                state.attempt_number,
                settings.max_retries,
            ),
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(self._attempt, operation, send, expect)

    def _attempt(
        self, operation: str, send: Callable[[], Response[Any]], expect: Sequence[int]
    ) -> Any:
        self._received.last = None
        try:
            response = send()
        except TokenError as problem:
            raise answers.token_error(problem) from None
        except httpx.TransportError as problem:
            raise self._unreachable(operation, problem) from problem
        except (ValueError, KeyError, TypeError, AttributeError) as problem:
            received: httpx.Response | None = getattr(self._received, "last", None)
            if received is None:
                raise  # not a problem with an answer: our own bug, never retried as one
            # An answer arrived and the generated parser could not read it: an undocumented
            # status (HTTPStatus raises), an HTML page, a truncated or reshaped JSON body.
            raise answers.unreadable(operation, received, problem) from problem
        status = int(response.status_code)
        if status in expect:
            return response.parsed
        if response.parsed is None and self._received.last is not None:
            # A status the spec does not document for this operation: read the body here.
            raise answers.undocumented(operation, self._received.last)
        raise answers.api_error(operation, status, response.headers, response.parsed)

    def _unreachable(self, operation: str, problem: httpx.TransportError) -> TribooConnectionError:
        """The error for a request that got no answer, naming the URL tried: the token URL
        when the token request failed, else the connection's (scheme, host, port, base
        path: never a credential, nor an API request's path and query, which can hold a
        person's data)."""
        settings = self.settings
        try:
            request: httpx.Request | None = problem.request
        except RuntimeError:  # raised outside a client's send: no request attached
            request = None
        url, check = settings.endpoint, ""
        if request is not None and request.url == httpx.URL(settings.token_url):
            operation, url = "getAccessToken", shown_url(request.url)
            check = f"; {answers.WRONG_URL_HINT}"
        if "SSL" in str(problem) and settings.base_url.startswith("https:"):
            check = "; is it served over plain http? then set the connection's schema to http"
        why = f"{type(problem).__name__}: {problem}{check}"
        return TribooConnectionError(f"Triboo {operation}: could not reach {url} ({why})")

    # -- pagination --

    def _pages(
        self,
        operation: str,
        fetch: Callable[[int, int], Response[Any]],
        key: Callable[[Any], Hashable | None],
        page_size: int | None = None,
    ) -> Iterator[list[Any]]:
        """The items of every page of a list route, each once, at the largest page size.

        Pages are requested by number (see :mod:`triboo_provider.paging` for what happens
        when the list changes meanwhile); the server's ``next`` link only says whether there
        is one, and must point at the connection's own host.
        """
        size = page_size or self.settings.page_size
        return consistent_pages(
            lambda number: self._call(operation, partial(fetch, number, size)),
            key,
            operation=operation,
            check_next=self._check_next,
            log=self.log,
        )

    def _check_next(self, link: str | None) -> None:
        """Say once per hook when a ``next`` link names another origin.

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
            self.log.warning(
                "the server's next-page links point to %s, not to the connection's %s; "
                "pages are requested from the connection's host by number, so the links "
                "are not followed (is the server behind a proxy that rewrites them?)",
                "an unreadable URL" if target is None else _host_port(target),
                _host_port(base),
            )

    def _raw_pages(
        self,
        operation: str,
        module: Any,
        key: Callable[[Any], Hashable | None],
        page_size: int | None = None,
        **params: Any,
    ) -> Iterator[list[dict[str, Any]]]:
        """:meth:`_pages` with 200 answers decoded as plain JSON, no models: the export path.

        Parsing a page into models costs about 2.5 times ``json.loads`` alone, and
        orjson decodes about three times faster than ``json``; exports only need the
        JSON. Errors still go through the generated parser and ``_call``.
        """
        api = self.api

        def fetch(number: int, size: int) -> Response[Any]:
            raw = api.get_httpx_client().request(
                **module.request_kwargs(page=number, page_size=size, **params)
            )
            if raw.status_code == 200:
                # Read the envelope here, inside the attempt: a page of another shape is
                # then an unreadable answer (a retried server error), not a bare KeyError.
                parsed = Envelope.of(orjson.loads(raw.content))
            else:
                parsed = module.parse_response(client=api, response=raw)
            return Response(
                status_code=HTTPStatus(raw.status_code),
                content=b"",
                headers=raw.headers,
                parsed=parsed,
            )

        return self._pages(operation, fetch, key, page_size)

    # -- domain methods --

    def test_connection(self) -> tuple[bool, str]:
        """Airflow's Test button and ``airflow connections test``: one token request and one
        cheap read (the catalogue's first page), tried once, no retries.

        Returns ``(False, message)`` naming what failed: the misconfigured field, the URL that
        could not be reached, or the refused credentials; never a secret.
        """
        try:
            self.__dict__["settings"] = replace(self.settings, max_retries=0)
            page = self._call(
                "listCourses", lambda: list_courses.sync_detailed(client=self.api, page_size=1)
            )
        except TribooAuthError as problem:
            return False, (
                f"{problem} (check login = client id and password = client secret, and that "
                "the API user is staff or superuser in an organisation)"
            )
        except TribooError as problem:
            return False, str(problem)
        finally:
            self.close()
        return True, (
            f"Connected to {self.settings.endpoint}: {page.count} course(s) visible to this "
            "API client"
        )

    def find_users(
        self,
        *,
        usernames: Iterable[str] = (),
        emails: Iterable[str] = (),
        user_ids: Iterable[int] = (),
    ) -> list[dict[str, Any]]:
        """Existing users among the given identifiers, each user once, in batched look-ups.

        Each argument follows :func:`triboo_provider.params.as_texts` (a bare string is
        never read as characters). The server matches usernames and e-mails ignoring case
        (MySQL's collation), so ``"Jane.Doe"`` finds ``jane.doe``: match the answers with
        :func:`triboo_provider.identifiers.match_key`.
        """
        found: list[dict[str, Any]] = []
        seen: set[Hashable] = set()
        for name, values in (
            ("user_id", _filter_values(user_ids, "user_ids")),
            ("username", _filter_values(usernames, "usernames")),
            ("email", _filter_values(emails, "emails")),
        ):
            for start in range(0, len(values), FILTER_BATCH):
                chunk = ",".join(values[start : start + FILTER_BATCH])
                for users in self._pages(
                    "listUsers", partial(self._users_page, name, chunk), _user_id
                ):
                    for user in users:
                        if user.user_id not in seen:
                            seen.add(user.user_id)
                            found.append(_user(user))
        return found

    def _users_page(self, field: str, values: str, number: int, size: int) -> Response[Any]:
        """One page of users; a page of another shape, or a user without an integer id,
        raises here, inside the attempt, so it is an unreadable answer (a server error)."""
        response = list_users.sync_detailed(
            client=self.api, page=number, page_size=size, **{field: values}
        )
        if response.status_code == HTTPStatus.OK:
            page = Envelope.of(response.parsed)
            if not all(_int_id(user.user_id) for user in page.results):
                raise ValueError("a user without an integer user_id")
        return response

    @overload
    def create_user(
        self, fields: dict[str, Any], *, resolve: Literal[True] = True
    ) -> dict[str, Any]: ...

    @overload
    def create_user(self, fields: dict[str, Any], *, resolve: Literal[False]) -> None: ...

    def create_user(self, fields: dict[str, Any], *, resolve: bool = True) -> dict[str, Any] | None:
        """Create one user; return it with its ``user_id``, looked up (create answers none).

        With ``resolve=False`` nothing is looked up after success and None is returned:
        callers creating many users resolve their ids in one batched :meth:`find_users`.
        A connection error or 5xx is never answered by a blind second POST: the user is
        looked up first, and created again only if absent.
        """
        body = models.UserCreate.from_dict(fields)
        username = fields["username"]
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                self._call(
                    "createUser",
                    lambda: create_user.sync_detailed(client=self.api, body=body),
                    expect=(201,),
                    safe=False,
                )
                break
            except (TribooConnectionError, TribooServerError) as problem:
                if self.find_users(usernames=[username]):
                    self.log.warning("createUser: answer lost (%s) but the user exists", problem)
                    break
                settings = self.settings
                if attempt == attempts or not answers.retryable(
                    problem, safe=True, longest_wait=settings.retry_after_max, log=self.log
                ):
                    raise
                self.sleep(answers.wait_after(problem, attempt, settings.retry_max_wait, self.log))
        if not resolve:
            return None
        found = self.find_users(usernames=[username])
        if not found:
            raise TribooServerError("createUser", 201, "the created user is not found by username")
        return found[0]

    def update_user(
        self, *, by: str, identifier: str | int, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """PATCH only the given fields of a user found by ``id``, ``username`` or ``email``."""
        body = models.UserUpdate.from_dict(fields)
        module = _UPDATE_BY.get(by)
        if module is None:
            raise ValueError(f"by must be one of {sorted(_UPDATE_BY)}, not {by!r}")
        key = int(identifier) if by == "id" else str(identifier)

        def send() -> Response[Any]:
            return module.sync_detailed(key, client=self.api, body=body)  # type: ignore[no-any-return]

        operation = (
            "partialUpdateUser" + {"id": "", "username": "ByUsername", "email": "ByEmail"}[by]
        )
        updated: dict[str, Any] = self._call(operation, send).to_dict()
        return updated

    def deactivate_users(
        self, *, user_ids: Sequence[int] = (), usernames: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Deactivate in batches; one ``{"user_id", "username", "status"}`` per identifier.

        Both arguments follow :func:`triboo_provider.params.as_texts`. By username, the
        server deactivates a name in any case but reports one whose case differs from the
        account's as ``user_not_found`` (``bulk_destroy`` maps its answer back by exact
        name): prefer ids, as :class:`TribooDeactivateUsersOperator` does after a look-up.
        """
        ids = _filter_values(user_ids, "user_ids")
        names = _filter_values(usernames, "usernames")
        outcomes: list[dict[str, Any]] = []
        for start in range(0, len(ids), FILTER_BATCH):
            chunk = ",".join(ids[start : start + FILTER_BATCH])
            results = self._call(
                "deactivateUsersById",
                partial(deactivate_users_by_id.sync_detailed, client=self.api, user_id=chunk),
            )
            outcomes.extend(r.to_dict() for r in results)
        for start in range(0, len(names), FILTER_BATCH):
            chunk = ",".join(names[start : start + FILTER_BATCH])
            results = self._call(
                "deactivateUsersByUsername",
                partial(
                    deactivate_users_by_username.sync_detailed, client=self.api, username=chunk
                ),
            )
            outcomes.extend(r.to_dict() for r in results)
        return outcomes

    def bulk_enroll(
        self,
        *,
        identifiers: Sequence[str],
        courses: Sequence[str],
        action: Literal["enroll", "unenroll"] = "enroll",
        auto_enroll: bool = False,
        email_students: bool = False,
        endpoint: str = "upstream",
    ) -> list[dict[str, Any]]:
        """Enroll or unenroll; one ``{"identifier", "course_id", "outcome"}`` per pair.

        ``endpoint="upstream"`` is the documented Open edX bulk enroll (JWT; e-mails or
        usernames; pre-enrolls unknown e-mails with ``auto_enroll``). ``"extended"`` is
        Triboo's own (Bearer; identifiers with ``@`` go as e-mails, the rest as usernames;
        reports inactive users, cannot pre-enroll). ``identifiers`` and ``courses`` follow
        :func:`triboo_provider.params.as_texts`.
        """
        identifiers = _filter_values(identifiers, "identifiers")
        joined = ",".join(_filter_values(courses, "courses"))
        if endpoint == "upstream":
            body = models.BulkEnrollRequest(
                action=action,
                courses=joined,
                identifiers=",".join(identifiers),
                auto_enroll=auto_enroll,
                email_students=email_students,
            )
            answer = self._call(
                "bulkEnroll", lambda: bulk_enroll.sync_detailed(client=self.jwt_api, body=body)
            )
        elif endpoint == "extended":
            emails = [i for i in identifiers if "@" in i]
            names = [i for i in identifiers if "@" not in i]
            ext = models.ExtendedBulkEnrollRequest(
                action=action,
                courses=joined,
                usernames=",".join(names) if names else UNSET,
                emails=",".join(emails) if emails else UNSET,
                email_students=email_students,
            )
            answer = self._call(
                "extendedBulkEnroll",
                lambda: extended_bulk_enroll.sync_detailed(client=self.api, body=ext),
            )
        else:
            raise ValueError(f"endpoint must be upstream or extended, not {endpoint!r}")
        operation = "bulkEnroll" if endpoint == "upstream" else "extendedBulkEnroll"
        try:
            outcomes = [
                {
                    "identifier": _identifier_of(row.to_dict()),
                    "course_id": course_id,
                    "outcome": _enrollment_outcome(row.to_dict(), action),
                }
                for course_id, result in answer.courses.additional_properties.items()
                for row in result.results
            ]
        except (KeyError, TypeError, AttributeError) as problem:
            raise TribooServerError(
                operation, 200, "unreadable answer: JSON of an unexpected shape"
            ) from problem
        # One outcome per identifier and course, or some were dropped without a word.
        expected = len(identifiers) * len(set(joined.split(",")))
        if len(outcomes) != expected:
            raise TribooServerError(
                operation,
                200,
                f"the answer covers {len(outcomes)} of {expected} identifier-course pairs",
            )
        return outcomes

    def iter_courses(self) -> Iterator[dict[str, Any]]:
        """Every course of the catalogue once, as plain JSON."""
        for courses in self._raw_pages("listCourses", list_courses, _json_key("id")):
            yield from courses

    def iter_user_progress(self, page_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Every user progress report of the organisation once, page by page, as plain JSON."""
        for reports in self._raw_pages(
            "listUserProgressReports", list_user_progress_reports, _json_key("user_id"), page_size
        ):
            yield from reports

    def course_progress(
        self, course_id: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> dict[str, Any]:
        report = self._call(
            "getCourseProgressReport",
            lambda: get_course_progress_report.sync_detailed(
                course_id, client=self.api, from_=start or UNSET, to=end or UNSET
            ),
        )
        plain: dict[str, Any] = report.to_dict()
        return plain


# -- helpers (module level: no state) -----------------------------------------------------------


def _user(user: models.User) -> dict[str, Any]:
    """A user as a plain dict (``to_dict`` gives JSON-able values and keeps unknown fields)."""
    return user.to_dict()


def _int_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _user_id(user: models.User) -> Hashable:
    return user.user_id


def _json_key(name: str) -> Callable[[dict[str, Any]], Hashable | None]:
    def key(item: dict[str, Any]) -> Hashable | None:
        value = item.get(name)
        return value if isinstance(value, Hashable) else None

    return key


def _filter_values(values: Any, name: str) -> list[str]:
    """Identifiers for one comma-separated parameter, by the list rule.

    :raises TribooInputError: ``values`` is no list, an item is not text or an integer,
        or an item is blank or holds a comma or whitespace (the server splits on both);
        for ``user_ids``, an item is not a positive integer.
    """
    items = as_texts(values, name, integers=name == "user_ids")
    bad = [
        f"{name} item {n}: blank or holds a comma or whitespace"
        for n, v in enumerate(items, 1)
        if not v or _UNSENDABLE.search(v)
    ]
    if name == "user_ids":
        bad += list_problems(items, name, "user_id")
    if bad:
        raise TribooInputError(bad)
    return items


def _host_port(url: httpx.URL) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


def _identifier_of(row: dict[str, Any]) -> str:
    """The identifier of a bulk enroll result: a string (upstream), or a one-key object
    such as ``{"email": …}`` (extended)."""
    identifier = row["identifier"]
    if isinstance(identifier, dict):
        identifier = next(iter(identifier.values()), "")
    return str(identifier)


def _enrollment_outcome(row: dict[str, Any], action: str) -> str:  # noqa: PLR0911 - a table
    if row.get("invalidIdentifier"):
        return "invalid"
    if row.get("inactiveUser"):
        return "inactive"
    if row.get("error"):
        return "error"
    before, after = row.get("before") or {}, row.get("after") or {}
    if action == "unenroll":
        return "unenrolled" if before.get("enrollment") else "not_enrolled"
    if before.get("enrollment"):
        return "already_enrolled"
    if after.get("enrollment"):
        return "enrolled"
    if after.get("allowed"):
        return "pre_enrolled"
    return "error"
