"""The Triboo API as a Starlette application, behaving like the current server generation.

Routes, status codes, bodies and traps follow ``openapi/triboo.yaml`` and the server
behaviour notes. Handlers are ``async`` and never await while they change the store, so
the single event loop serialises every change.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Route

from triboo_sandbox.faults import FaultMiddleware, Faults
from triboo_sandbox.fields import (
    SUPER_ADMIN,
    ServerCrash,
    bool_error,
    char_problem,
    clean_user_fields,
    django_date,
    drf_bool,
    py2_int,
)
from triboo_sandbox.fields import is_email as valid_email
from triboo_sandbox.generations import resolve
from triboo_sandbox.limits import RateLimiter
from triboo_sandbox.store import ApiClient, Store, User, fold

V1 = "/api/extended/v1"
QUIRKS = ("legacy-errors", "legacy-roles")
# A course key as opaque-keys parses one: course-v1:<org>+<course>+<run>, of [\w.~:-].
COURSE_KEY = re.compile(r"^course-v1:[\w.~:-]+\+[\w.~:-]+\+[\w.~:-]+$", re.ASCII)
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="api"'}
NOT_FOUND = {"detail": "Not found."}
HTML_404 = "<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"
HTML_403 = "<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>"
NO_IDENTIFIERS = "A username or email or user_id must be provided"
HTML_500 = "<!DOCTYPE html><html><body><h1>Server Error (500)</h1></body></html>"

Handler = Callable[[Request, ApiClient], Awaitable[Response]]


class CourseKeyConvertor(Convertor[str]):
    """Django's ``[^/.]+`` detail lookup: a course key with ``.`` or ``/`` is no route."""

    regex = "[^/.]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("course_key", CourseKeyConvertor())


class LookupConvertor(CourseKeyConvertor):
    """The fork's ``lookup_value_regex`` for username and e-mail detail routes
    (``extended_api/views.py``): a value holding ``%&',;=?$"`` matches no route."""

    regex = "[^/%&',;=?$\"]+"


register_url_convertor("detail", CourseKeyConvertor())  # DRF's default: [^/.]+
register_url_convertor("lookup", LookupConvertor())


@dataclass(slots=True)
class Token:
    client_id: str
    kind: str  # "Bearer" or "JWT"
    expires_at: float


@dataclass
class Sandbox:
    """Everything a running sandbox knows; tests reach it through :class:`SandboxServer`."""

    store: Store
    limiter: RateLimiter = field(default_factory=RateLimiter)
    faults: Faults = field(default_factory=Faults)
    quirks: frozenset[str] = frozenset()
    generation: str = "current"  # "current" or "2021": see triboo_sandbox.generations
    token_ttl: int | None = None  # seconds; None: the generation's (36000, 2021 31535999)
    tokens: dict[str, Token] = field(default_factory=dict)
    token_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(limits={"token": 120}))
    requests: int = 0  # API requests answered, faults included (for benchmarks)
    throttled: int = 0  # 429s sent by the rate limiter
    # Called after every change, before the answer is sent: `serve --state FILE` saves the
    # state there, as the real server's database commits before it answers.
    on_change: Callable[[Sandbox], None] | None = field(default=None, repr=False, compare=False)

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)

    def expire_tokens(self) -> int:
        """Expire every issued token now; return how many there were."""
        for token in self.tokens.values():
            token.expires_at = 0.0
        return len(self.tokens)

    def issue(self, client: ApiClient, kind: str) -> tuple[str, int]:
        raw = secrets.token_urlsafe(24)
        if kind == "JWT":
            header = _b64({"alg": "HS256", "typ": "JWT"})
            payload = _b64({"sub": client.username, "iss": "triboo-sandbox", "jti": raw})
            signature = base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())
            raw = f"{header}.{payload}.{signature.decode().rstrip('=')}"
        ttl = resolve(self.generation).token_ttl if self.token_ttl is None else self.token_ttl
        self.tokens[raw] = Token(client.client_id, kind, time.monotonic() + ttl)
        return raw, ttl


def _b64(data: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


# Python 2's names of the types a JSON body may parse to (a JSON string is ``unicode``).
PY2_TYPE_NAMES = {str: "unicode", int: "int", float: "float", bool: "bool", list: "list"}


class UnsupportedMediaType(Exception):
    """A body Django REST framework has no parser for (its 415)."""

    def __init__(self, content_type: str) -> None:
        super().__init__(f'Unsupported media type "{content_type}" in request.')


def _media_type(header: str) -> str:
    """A media type without its parameters, lowercased as Django's ``parse_header`` does."""
    return header.split(";", 1)[0].strip().lower()


def _media_match(ours: str, theirs: str) -> bool:
    """Django REST framework's ``media_type_matches``: type and subtype equal, or either
    side ``*``."""
    pairs = zip(ours.partition("/")[::2], _media_type(theirs).partition("/")[::2], strict=True)
    return all(a == "*" or b in ("*", a) for a, b in pairs)


def accepts_json(request: Request) -> bool:
    """Whether DRF's content negotiation finds a renderer: the server renders JSON only, so
    an ``Accept`` naming no JSON-compatible type (``text/html``, an empty header) is a 406."""
    header = request.headers.get("accept", "*/*")
    return any(_media_match("application/json", token) for token in header.split(","))


async def read_body(request: Request) -> Any:
    """The body as Django REST framework parses it (``request.data``): JSON (any JSON
    value), form-urlencoded or multipart (a dict); an empty body is an empty dict; any
    other (or no) content type raises :class:`UnsupportedMediaType` (DRF's 415)."""
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if not raw:
        return {}
    if _media_match("application/json", content_type):
        try:
            data = json.loads(raw)
        except ValueError as problem:
            raise HTTPException(400, f"JSON parse error - {problem}") from problem
        return data
    if _media_match("application/x-www-form-urlencoded", content_type) or _media_match(
        "multipart/form-data", content_type
    ):
        return await read_form(request)
    raise UnsupportedMediaType(content_type)


def strptime_or_django(text: str) -> dt.date:
    """A report date: ``strptime(text, "%Y-%m-%d")``, else Django's reading of the text.

    :raises ValueError: with Django's message.
    """
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        return django_date(text)


def is_form(request: Request) -> bool:
    """Whether the body is HTML form input (form-urlencoded or multipart), which Django REST
    framework reads by its own rules."""
    kind = _media_type(request.headers.get("content-type", ""))
    return kind in ("application/x-www-form-urlencoded", "multipart/form-data")


async def read_form(request: Request) -> dict[str, Any]:
    """Django's ``request.POST``: a form-urlencoded or multipart body, anything else empty."""
    kind = _media_type(request.headers.get("content-type", ""))
    if kind == "application/x-www-form-urlencoded":
        return dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    if kind == "multipart/form-data":
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    return {}


def build_app(sandbox: Sandbox) -> Starlette:
    """The ASGI application serving ``sandbox``."""
    store = sandbox.store
    generation = resolve(sandbox.generation, sandbox.quirks)
    legacy_errors = generation.legacy_errors

    def error(current: str, legacy: str, status: int) -> JSONResponse:
        body = {"status": legacy} if legacy_errors else {"detail": current}
        return _json(body, status)

    def authenticate(request: Request, schemes: tuple[str, ...]) -> ApiClient | Response:
        """The API user a request's token stands for, or the 401/403 answer. The extended
        API takes Bearer tokens and wants staff, superuser and an organisation; the upstream
        bulk enroll takes a JWT or a Bearer token and wants staff only (``IsStaff``)."""
        header = request.headers.get("authorization", "")
        kind, _, value = header.partition(" ")
        if kind.lower() not in {scheme.lower() for scheme in schemes}:
            return _json(
                {"detail": "Authentication credentials were not provided."}, 401, WWW_AUTHENTICATE
            )
        if not value.strip():
            return _json(
                {
                    "error_code": "token_not_provided",
                    "developer_message": "No access token was provided.",
                },
                401,
                WWW_AUTHENTICATE,
            )
        token = sandbox.tokens.get(value.strip())
        if token is None or token.kind.lower() != kind.lower():
            return _json(
                {
                    "error_code": "token_nonexistent",
                    "developer_message": "The access token provided does not exist.",
                },
                401,
                WWW_AUTHENTICATE,
            )
        if token.expires_at <= time.monotonic():
            return _json(
                {
                    "error_code": "token_expired",
                    "developer_message": "The access token provided is expired.",
                },
                401,
                WWW_AUTHENTICATE,
            )
        client = store.clients[token.client_id]
        allowed = client.is_staff if "JWT" in schemes else client.is_staff and client.is_superuser
        if not (allowed and client.org):
            return _json({"detail": "You do not have permission to perform this action."}, 403)
        return client

    def initial(request: Request, scope: str, schemes: tuple[str, ...]) -> ApiClient | Response:
        """DRF's ``APIView.initial``, run before any handler and before a 405: content
        negotiation (406), authentication and permissions (401/403), throttling (429, the
        request counted). The API user, or the answer that ends the request."""
        sandbox.requests += 1
        if not accepts_json(request):
            return _json({"detail": "Could not satisfy the request Accept header."}, 406)
        client = authenticate(request, schemes)
        if isinstance(client, Response):
            return client
        throttled = sandbox.limiter.check(client.username, scope)
        if throttled is not None:
            sandbox.throttled += 1
            headers = {} if throttled.wait is None else {"Retry-After": str(throttled.wait)}
            return _json({"detail": throttled.detail}, 429, headers)
        return client

    def api(
        scope: str, scheme: str | tuple[str, ...] = "Bearer"
    ) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
        schemes = (scheme,) if isinstance(scheme, str) else scheme

        def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                client = initial(request, scope, schemes)
                if isinstance(client, Response):
                    return client
                try:
                    return await handler(request, client)
                except UnsupportedMediaType as unsupported:
                    return _json({"detail": str(unsupported)}, 415)
                except ServerCrash as crash:
                    if generation.html_crashes:
                        return HTMLResponse(HTML_500, 500)
                    return _json({"api_error_message": str(crash)}, 500)
                finally:
                    if request.method not in ("GET", "HEAD"):
                        sandbox.changed()

            endpoint.drf_view = (scope, schemes)  # type: ignore[attr-defined]
            return endpoint

        return wrap

    # -- pagination ------------------------------------------------------------------------

    def paginate(
        request: Request, items: list[Any], render: Callable[[Any], dict[str, Any]]
    ) -> Response:
        # DRF's get_page_size: int() of the text, 0, negatives and junk fall back to 10.
        size = py2_int(request.query_params.get("page_size", ""))
        size = min(size if size and size > 0 else 10, generation.page_size_cap)
        pages = max(1, -(-len(items) // size))
        # Django's paginator: int() of the text ("last" is the last page), else no page.
        raw_page = request.query_params.get("page", "1")
        page = pages if raw_page == "last" else py2_int(raw_page)
        if page is None or not 1 <= page <= pages:
            return _json({"detail": "Invalid page."}, 404)
        start = (page - 1) * size
        url = request.url
        next_url = str(url.include_query_params(page=page + 1)) if page < pages else None
        previous_url = None
        if page == 2:
            previous_url = str(url.remove_query_params("page"))
        elif page > 2:
            previous_url = str(url.include_query_params(page=page - 1))
        return _json(
            {
                "count": len(items),
                "num_pages": pages,
                "current_page": page,
                "start": start,
                "next": next_url,
                "previous": previous_url,
                "results": [render(item) for item in items[start : start + size]],
            }
        )

    # -- users -------------------------------------------------------------------------------

    def user_body(user: User) -> dict[str, Any]:
        return {**user.as_dict(generation), "user_id": user.user_id}

    def written_fields(user: User) -> dict[str, Any]:
        """What create and update answer: the profile without ``user_id``, and without
        ``is_active`` on 2021 builds."""
        body = user.as_dict(generation)
        if not generation.active_in_answers:
            del body["is_active"]
        return body

    def filter_values(request: Request) -> tuple[str, list[Any]] | None:
        """The one list filter a users route applies, as ``UserFilterMixin`` reads it:
        values stripped, empty ones and non-numeric ids dropped, and the first non-empty
        of ``user_id``, ``username``, ``email`` wins; None when none is left (no filter).
        The values come in request order, repeats kept."""
        params = request.query_params

        def values(name: str) -> list[str]:
            return [v.strip() for v in params.get(name, "").split(",") if v.strip()]

        ids = [py2_int(v) for v in values("user_id") if v.isdigit()]
        if None in ids:  # int() refuses a digit that is no decimal ("²"): uncaught
            raise ServerCrash("invalid literal for int() with base 10")
        if ids:
            return "user_id", ids
        for name in ("username", "email"):
            if values(name):
                return name, values(name)
        return None

    def filtered_users(request: Request, client: ApiClient) -> list[User]:
        users = store.org_users(client.org)
        chosen = filter_values(request)
        if chosen is None:
            return users
        name, given = chosen
        if name == "user_id":
            return [u for u in users if u.user_id in set(given)]
        wanted = {fold(v) for v in given}  # `__in` on MySQL: case ignored
        return [u for u in users if fold(getattr(u, name)) in wanted]

    @api("users")
    async def list_users(request: Request, client: ApiClient) -> Response:
        return paginate(request, filtered_users(request, client), user_body)

    def lookup(request: Request, client: ApiClient) -> User | None:
        params = request.path_params
        if "user_id" in params:
            # The router takes any [^/.]+ segment; the look-up int()s it, and one that is no
            # number finds nobody (get_object_or_404 turns the ValueError into a 404).
            user_id = py2_int(params["user_id"])
            user = None if user_id is None else store.find(client.org, user_id=user_id)
        elif "username" in params:
            user = store.find(client.org, username=params["username"])
        else:
            user = store.find(client.org, email=params["email"])
        # get_object() looks in the filtered queryset: users/5/?user_id=6 finds nobody.
        filtered = request.url.path.startswith(f"{V1}/users")
        if user is not None and filtered and user not in filtered_users(request, client):
            return None
        return user

    @api("users")
    async def get_user(request: Request, client: ApiClient) -> Response:
        user = lookup(request, client)
        return _json(user_body(user)) if user else _json(NOT_FOUND, 404)

    def held_by_another(index: dict[str, int], value: str, user: User | None) -> bool:
        """Whether another user than ``user`` (any organisation) holds ``value``."""
        holder = index.get(fold(value))
        return holder is not None and (user is None or holder != user.user_id)

    def check_unique(
        clean: dict[str, Any], errors: dict[str, list[str]], user: User | None = None
    ) -> None:
        """The serializer's ``UniqueValidator`` on the stripped username (every organisation,
        the user itself excluded): a 400. The e-mail has no such check: auth_user's unique
        index refuses it in the database (a 500), raised only once validation passed."""
        if "username" in clean and held_by_another(store.by_username, clean["username"], user):
            errors.setdefault("username", []).append("A user with that username already exists.")
        if (
            not errors
            and "email" in clean
            and held_by_another(store.by_email, clean["email"], user)
        ):
            # MySQL 5.7's words, the entry quoted (a person's e-mail, in the answer).
            raise ServerCrash(f"(1062, \"Duplicate entry '{clean['email']}' for key 'email'\")")

    def fields_of(data: Any, method: str) -> dict[str, Any]:
        """A user write's body: the view calls ``request.data.copy()`` (create) or
        ``.get()`` (update) first, so a JSON body that is no object crashes it."""
        if not isinstance(data, dict):
            raise ServerCrash(
                f"'{PY2_TYPE_NAMES.get(type(data), 'NoneType')}' object has no attribute '{method}'"
            )
        return data

    @api("users")
    async def create_user(request: Request, client: ApiClient) -> Response:
        data = fields_of(await read_body(request), "copy")
        username, email = str(data.get("username", "")), str(data.get("email", ""))
        # check_status first (the organisation's users only), then the serializer.
        if store.find(client.org, username=username):
            return error("Username already used", "username_already_used", 409)
        if store.find(client.org, email=email):
            return error("Email already used", "email_already_used", 409)
        clean, errors = clean_user_fields(
            data, creating=True, generation=generation, form=is_form(request)
        )
        check_unique(clean, errors)
        if errors:
            return _json(errors, 400)
        profile = {k: v for k, v in clean.items() if k not in ("username", "email")}
        user = store.add_user(
            client.org,
            clean["username"],
            clean["email"],
            profile,
            superuser=profile.get("platform_role") == SUPER_ADMIN,
        )
        body = written_fields(user) | {"status": "user_created"}
        if generation.password_reset_link:
            reset = f"password_reset_confirm/{user.user_id}/{secrets.token_urlsafe(8)}/"
            body["password_reset_link"] = f"{request.base_url}{reset}"
        return _json(body, 201)

    @api("users")
    async def update_user(request: Request, client: ApiClient) -> Response:
        user = lookup(request, client)
        if user is None:
            return error("Not found.", "user_not_found", 404)
        data = fields_of(await read_body(request), "get")
        # The current view reactivates on any truthy raw is_active ("false" too) before any
        # check, and keeps it even when the request then fails; 2021 builds do not read it.
        reactivate = generation.update_reactivates and data.get("is_active")
        if reactivate and not user.is_active and not user.is_superuser:
            user.is_active = True
        if not user.is_active:
            return error("User inactive", "user_inactive", 409)
        if user.is_superuser:
            return _json({"detail": "User is superuser"}, 409)
        # check_status compares with the organisation's users, the user itself included:
        # resending an unchanged username or e-mail is a 409.
        if "username" in data and store.find(client.org, username=str(data["username"])):
            return error("Username already used", "username_already_used", 409)
        if "email" in data and store.find(client.org, email=str(data["email"])):
            return error("Email already used", "email_already_used", 409)
        clean, errors = clean_user_fields(
            data, creating=False, generation=generation, form=is_form(request)
        )
        check_unique(clean, errors, user)
        if errors:
            return _json(errors, 400)
        store.rename(user, username=clean.pop("username", None), email=clean.pop("email", None))
        if "is_active" in clean:
            user.is_active = clean.pop("is_active")
        if request.method == "PUT" and generation.put_resets_role and "platform_role" not in data:
            clean["platform_role"] = "Learner"  # 2021: a PUT without a role demotes
        if clean.get("platform_role") == SUPER_ADMIN:
            user.is_superuser = True  # 2021 builds grant super admin: staff and superuser
        user.profile.update(clean)
        body = written_fields(user)
        return _json({**body, "status": "user_updated"})

    def deactivate(user: User) -> str:
        if user.is_superuser:
            return "user_is_superuser"
        if not user.is_active:
            return "user_already_inactive"
        user.is_active = False
        return "user_deactivated"

    @api("users")
    async def deactivate_one(request: Request, client: ApiClient) -> Response:
        user = lookup(request, client)
        if user is None:
            return _json(NOT_FOUND, 404)
        status = deactivate(user)
        if status == "user_is_superuser":
            return _json({"detail": "User is superuser"}, 409)
        if status == "user_already_inactive" and not legacy_errors:
            return _json({"detail": "User already inactive"}, 409)
        return _json({"user_id": user.user_id, "username": user.username, "status": status})

    @api("users")
    async def deactivate_many(request: Request, client: ApiClient) -> Response:
        """``bulk_destroy``: every matched user but superusers is deactivated, then one entry
        per requested id or username is built from a snapshot taken before, by exact key.

        So a username in another case is deactivated (the database ignores case) but
        reported ``user_not_found`` (the snapshot does not), a repeated id reports its
        first state twice, and an ``email`` filter deactivates and reports nothing (``[]``).
        """
        chosen = filter_values(request)
        if chosen is None:
            return _json({"detail": "You cannot deactivate all users."}, 400)
        name, given = chosen
        matched = filtered_users(request, client)
        before = {u.user_id: u.is_active for u in matched}
        superusers = {u.user_id for u in matched if u.is_superuser}
        by_name = {u.username: u.user_id for u in matched}
        by_id = {u.user_id: u.username for u in matched}
        for user in matched:
            if not user.is_superuser:
                user.is_active = False
        statuses = {True: "user_deactivated", False: "user_already_inactive"}
        results: list[dict[str, Any]] = []
        for value in given if name != "email" else []:
            # The fork's `'id' == 'id' and u or mapping.get(u)`: an id of 0 reads as null.
            user_id = (value or None) if name == "user_id" else by_name.get(value)
            results.append(
                {
                    "user_id": user_id,
                    "username": by_id.get(value, "") if name == "user_id" else value,
                    "status": "user_is_superuser"
                    if user_id in superusers
                    else statuses.get(before.get(user_id), "user_not_found"),  # type: ignore[arg-type]
                }
            )
        return _json(results)

    # -- courses and reports ---------------------------------------------------------------

    @api("reports")
    async def list_courses(request: Request, client: ApiClient) -> Response:
        courses = [c for c in store.courses.values() if c.org == client.org]
        origin = str(request.base_url).rstrip("/")
        return paginate(request, courses, lambda course: course.as_dict(origin, generation))

    def report_of(user: User) -> dict[str, Any]:
        return store.user_report(user, with_email=generation.email_in_reports)

    @api("reports")
    async def list_user_reports(request: Request, client: ApiClient) -> Response:
        # Both generations ignore user_id, username, email and supervisor here: every
        # user of the organisation comes back (a client must filter for itself).
        return paginate(request, store.org_users(client.org), report_of)

    @api("reports")
    async def get_user_report(request: Request, client: ApiClient) -> Response:
        user = lookup(request, client)
        return _json(report_of(user)) if user else _json(NOT_FOUND, 404)

    @api("reports")
    async def course_report(request: Request, client: ApiClient) -> Response:
        key = request.path_params["course_id"]
        if not COURSE_KEY.match(key):
            return _json(NOT_FOUND, 400)
        course = store.courses.get(key)
        if course is None or course.org != client.org:
            return _json(NOT_FOUND, 404)
        # CourseProgressSerializer: strptime('%Y-%m-%d'), its ValueError swallowed (the text
        # is kept), then "to" without "from" refused, then a date filter reads what is left
        # as Django does, its ValidationError a 400.
        params = request.query_params
        given = [params.get("from") or None, params.get("to") or None]
        if given[1] and not given[0]:
            return _json({"detail": "From date is missing"}, 400)
        try:
            start, end = (None if text is None else strptime_or_django(text) for text in given)
        except ValueError as problem:
            return _json({"detail": str(problem)}, 400)
        return _json(store.course_report(course, start, end))

    # -- enrollments -------------------------------------------------------------------------

    def courses_of(value: Any) -> list[str]:
        """Both bulk enrolls' ``StringListField``: a falsy value is no course, an array is
        reduced to its first item, which is split on commas (empty items kept: each must be
        a course key). A first item that is no text crashes the serializer (``.split``)."""
        if not value:
            return []
        first = value[0] if isinstance(value, list) else value
        if not isinstance(first, str):
            raise ServerCrash(f"'{PY2_TYPE_NAMES.get(type(first), 'dict')}' has no 'split'")
        return first.split(",")

    def serializer_errors(
        data: dict[str, Any], chars: dict[str, bool], booleans: tuple[str, ...]
    ) -> dict[str, list[str]]:
        """A bulk enroll serializer's field errors (Django REST framework 3.6): ``action``
        a choice, ``chars`` text fields (name -> required), ``booleans``, and each course
        key well formed."""
        errors: dict[str, list[str]] = {}
        action = data.get("action", ...)
        if action is ...:
            errors["action"] = ["This field is required."]
        elif action is None:
            errors["action"] = ["This field may not be null."]
        elif action not in ("enroll", "unenroll"):
            errors["action"] = [f'"{action}" is not a valid choice.']
        for name, required in chars.items():
            problem = char_problem(data.get(name, ...), required)
            if problem:
                errors[name] = [problem]
        courses = data.get("courses", ...)
        if courses is ... or courses is None:
            errors["courses"] = [char_problem(courses, required=True) or ""]
        for name in booleans:
            if name in data and drf_bool(data[name]) is None:
                errors[name] = [
                    "This field may not be null." if data[name] is None else bool_error(data[name])
                ]
        if "courses" not in errors:
            bad = [k for k in courses_of(data["courses"]) if not COURSE_KEY.match(k)]
            if bad:
                errors["courses"] = [f"Course key not valid: {bad[0]}"]
        return errors

    def not_an_object(data: Any) -> dict[str, list[str]]:
        """A serializer given a JSON body that is no object (DRF 3.6's root errors)."""
        if data is None:
            return {"non_field_errors": ["No data provided"]}
        name = PY2_TYPE_NAMES.get(type(data), type(data).__name__)
        return {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {name}."]}

    def course_known(key: str) -> bool:
        """Global staff may enroll into any course (require_level('staff') passes for
        them): bulk enroll is not scoped to the caller's organisation."""
        return key in store.courses

    @api("bulk_enroll", scheme=("JWT", "Bearer"))
    async def bulk_enroll(request: Request, client: ApiClient) -> Response:
        data = await read_body(request)
        if not isinstance(data, dict):
            return _json(not_an_object(data), 400)
        errors = serializer_errors(
            data,
            chars={"identifiers": True},
            booleans=("auto_enroll", "email_students"),
        )
        if errors:
            return _json(errors, 400)
        keys = courses_of(data["courses"])
        auto = drf_bool(data.get("auto_enroll", False)) is True
        # students_update_enrollment's _split_input_list: commas and line breaks only.
        identifiers = [
            i.strip() for i in re.split(r"[\n\r,]", str(data["identifiers"])) if i.strip()
        ]
        result: dict[str, Any] = {
            "action": data["action"],
            "courses": {},
            "email_students": drf_bool(data.get("email_students", False)) is True,
            "auto_enroll": auto,
        }
        for key in keys:  # one course after another: a 404 leaves the earlier ones done
            if not course_known(key):
                return _json(NOT_FOUND, 404)
            rows = [enroll_identifier(key, i, data["action"], auto) for i in identifiers]
            result["courses"][key] = {
                "action": data["action"],
                "results": rows,
                "auto_enroll": auto,
            }
        return _json(result)

    def enroll_identifier(key: str, identifier: str, action: str, auto: bool) -> dict[str, Any]:
        """One upstream result. Users are found in every organisation, by e-mail or by
        username (``get_user_by_username_or_email``); an unknown identifier is taken for
        an e-mail to pre-enroll, or is invalid."""
        user = store.find_anywhere(email=identifier) or store.find_anywhere(username=identifier)
        if user is None and not ("@" in identifier and valid_email(identifier)):
            return {"identifier": identifier, "invalidIdentifier": True}
        email = fold(user.email if user else identifier)
        allowed = store.allowed.get(email, {})
        before = {
            "enrollment": bool(user and store.is_enrolled(user.user_id, key)),
            "allowed": key in allowed,
            "user": user is not None,
            "auto_enroll": allowed.get(key, False),
        }
        if user is not None:
            (store.enroll if action == "enroll" else store.unenroll)(user.user_id, key)
        elif action == "enroll":
            store.allowed.setdefault(email, {})[key] = auto
        else:
            allowed.pop(key, None)
        after_allowed = store.allowed.get(email, {})
        after = {
            "enrollment": bool(user and store.is_enrolled(user.user_id, key)),
            "allowed": key in after_allowed,
            "user": user is not None,
            "auto_enroll": after_allowed.get(key, False),
        }
        return {"identifier": identifier, "before": before, "after": after}

    @api("bulk_enroll")
    async def extended_bulk_enroll(request: Request, client: ApiClient) -> Response:
        data = await read_body(request)
        if not isinstance(data, dict):
            return _json(not_an_object(data), 400)
        # The serializer runs first, then the identifiers check; only then does a form body
        # crash (the view writes into the immutable QueryDict).
        chars = {"usernames": False, "emails": False, "user_ids": False}
        errors = serializer_errors(data, chars=chars, booleans=("email_students",))
        if errors:
            return _json(errors, 400)
        action = data["action"]
        wanted = [
            (kind, value.strip())
            for kind in ("usernames", "emails", "user_ids")
            for value in re.split(r"[,\r\n]", str(data.get(kind) or ""))
            if value.strip()
        ]
        if not wanted:
            return _json(
                {
                    "action": action,
                    "results": [
                        {
                            "error": True,
                            "message": "A username or email or user_id must be provided",
                        }
                    ],
                },
                400,
            )
        if not _media_match("application/json", request.headers.get("content-type", "")):
            raise ServerCrash("This QueryDict instance is immutable")
        courses: dict[str, Any] = {}
        for key in courses_of(data["courses"]):  # a 404 leaves the earlier courses done
            if not course_known(key):
                return _json(NOT_FOUND, 404)
            courses[key] = {
                "action": action,
                "results": [extended_row(key, kind, value, action) for kind, value in wanted],
            }
        return _json(
            {
                "email_students": drf_bool(data.get("email_students", False)) is True,
                "action": action,
                "courses": courses,
            }
        )

    def extended_row(key: str, kind: str, value: str, action: str) -> dict[str, Any]:
        """One extended result. The fork's students_bulk_enroll finds users in every
        organisation, usernames and e-mails alike (by e-mail or username): the key given
        says nothing."""
        label = {"usernames": "username", "emails": "email", "user_ids": "user_id"}[kind]
        if kind == "user_ids":
            user_id = py2_int(value)  # User.objects.get(id=...): a ValueError is invalid
            user = None if user_id is None else store.find_anywhere(user_id=user_id)
        else:
            user = store.find_anywhere(email=value) or store.find_anywhere(username=value)
        row: dict[str, Any] = {"identifier": {label: value}}
        if user is None:
            row["invalidIdentifier"] = True
        elif not user.is_active:
            row["inactiveUser"] = True
        else:
            before = store.is_enrolled(user.user_id, key)
            (store.enroll if action == "enroll" else store.unenroll)(user.user_id, key)
            row["before"] = {"user": True, "enrollment": before}
            row["after"] = {"user": True, "enrollment": store.is_enrolled(user.user_id, key)}
        return row

    # -- auth ----------------------------------------------------------------------------------

    async def access_token(request: Request) -> Response:
        host = request.client.host if request.client else "?"
        if sandbox.token_limiter.check(host, "token") is not None:
            return HTMLResponse(HTML_403, 403)
        # Django OAuth Toolkit reads request.POST: a form body only. A JSON body is not read,
        # so it is a request without a grant type.
        data = await read_form(request)
        if not data.get("grant_type"):
            return _json(
                {"error": "invalid_request", "error_description": "Missing grant type."}, 400
            )
        if data["grant_type"] != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        # The view picks its backend by the body's client_id (HTTP Basic alone fails); Django
        # OAuth Toolkit then authenticates HTTP Basic first, the body's secret second.
        client = store.clients.get(str(data.get("client_id", "")))
        if client is None:
            return _json({"error": "invalid_client"}, 400)
        authenticated = basic_client(request)
        if authenticated is None:
            secret = str(data.get("client_secret", ""))
            if not secrets.compare_digest(secret.encode(), client.client_secret.encode()):
                return _json({"error": "invalid_client"}, 401)
            authenticated = client
        kind = "JWT" if str(data.get("token_type", "")).lower() == "jwt" else "Bearer"
        token, ttl = sandbox.issue(authenticated, kind)
        sandbox.changed()
        body = {
            "access_token": token,
            "token_type": kind,
            "expires_in": ttl,
            "scope": "read write email profile",
        }
        return _json(body)

    def basic_client(request: Request) -> ApiClient | None:
        """The client HTTP Basic credentials authenticate, as Django OAuth Toolkit reads
        them (URL-encoded id and secret), or None."""
        kind, _, encoded = request.headers.get("authorization", "").partition(" ")
        if kind.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        client_id, colon, secret = decoded.partition(":")
        client = store.clients.get(unquote_plus(client_id))
        if not colon or client is None:
            return None
        given = unquote_plus(secret).encode()
        return client if secrets.compare_digest(given, client.client_secret.encode()) else None

    # -- admin (not part of the Triboo API) --------------------------------------------------------

    async def admin_faults(request: Request) -> Response:
        if request.method == "DELETE":
            sandbox.faults.reset()
        elif request.method == "POST":
            try:
                sandbox.faults.update(json.loads(await request.body() or b"{}"))
            except (ValueError, TypeError) as problem:
                return _json({"detail": str(problem)}, 400)
        return _json(sandbox.faults.settings())

    def expire_tokens() -> int:
        expired = sandbox.expire_tokens()
        sandbox.changed()
        return expired

    async def admin_expire_tokens(request: Request) -> Response:
        return _json({"expired": expire_tokens()})

    async def admin_health(request: Request) -> Response:
        return _json(
            {
                "status": "ok",
                "users": len(store.users),
                "requests": sandbox.requests,
                "throttled": sandbox.throttled,
            }
        )

    async def disabled(request: Request) -> Response:
        return HTMLResponse(HTML_404, 404)

    # The three prefixes are one ModelViewSet each: list, create and bulk deactivation on
    # the list route; read, update and deactivation on the detail route. 2021 builds route
    # nothing by e-mail: those paths are Django's HTML 404.
    by_email = generation.email_routes
    user_routes = [
        route
        for prefix in ("users", "users_by_username", *(("users_by_email",) if by_email else ()))
        for route in (
            Route(f"{V1}/{prefix}/", list_users, methods=["GET"]),
            Route(f"{V1}/{prefix}/", create_user, methods=["POST"]),
            Route(f"{V1}/{prefix}/", deactivate_many, methods=["DELETE"]),
        )
    ]
    for prefix, param in (
        ("users", "{user_id:detail}"),
        ("users_by_username", "{username:lookup}"),
        *((("users_by_email", "{email:lookup}"),) if by_email else ()),
    ):
        path = f"{V1}/{prefix}/{param}/"
        user_routes += [
            Route(path, get_user, methods=["GET"]),
            Route(path, update_user, methods=["PUT", "PATCH"]),
            Route(path, deactivate_one, methods=["DELETE"]),
        ]
    report_routes = [Route(f"{V1}/courses/", list_courses, methods=["GET"])]
    for prefix, param in (
        ("user_progress_report", "{user_id:detail}"),
        ("user_progress_report_by_username", "{username:lookup}"),
        *((("user_progress_report_by_email", "{email:lookup}"),) if by_email else ()),
    ):
        report_routes += [
            Route(f"{V1}/{prefix}/", list_user_reports, methods=["GET"]),
            Route(f"{V1}/{prefix}/{param}/", get_user_report, methods=["GET"]),
        ]
    report_routes.append(
        Route(
            f"{V1}/course_progress_report/{{course_id:course_key}}/", course_report, methods=["GET"]
        )
    )
    routes = [
        Route("/oauth2/access_token", access_token, methods=["POST"]),
        Route("/oauth2/access_token/", access_token, methods=["POST"]),
        *user_routes,
        *report_routes,
        Route("/api/bulk_enroll/v1/bulk_enroll", bulk_enroll, methods=["POST"]),
        Route("/api/bulk_enroll/v1/bulk_enroll/", bulk_enroll, methods=["POST"]),
        Route(f"{V1}/bulk_enroll", extended_bulk_enroll, methods=["POST"]),
        Route(f"{V1}/bulk_enroll/", extended_bulk_enroll, methods=["POST"]),
        Route("/api/enrollment/v1/enrollment", disabled, methods=["POST"]),
        Route("/__sandbox__/faults", admin_faults, methods=["GET", "POST", "DELETE"]),
        Route("/__sandbox__/expire-tokens", admin_expire_tokens, methods=["POST"]),
        Route("/__sandbox__/health", admin_health, methods=["GET"]),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 400 and isinstance(exc, HTTPException):
            return _json({"detail": exc.detail}, 400)
        if status == 405 and request.url.path.startswith("/oauth2/"):
            # A plain Django view (not DRF): an empty 405 naming its methods.
            return Response(status_code=405, headers={"Allow": "POST, OPTIONS"})
        if status == 405:
            matching = [r for r in routes if r.matches(request.scope)[0] is not Match.NONE]
            views = [getattr(r.endpoint, "drf_view", None) for r in matching]
            view = next((v for v in views if v is not None), None)
            if view is not None:  # DRF checks the method only after APIView.initial
                ended = initial(request, *view)
                if isinstance(ended, Response):
                    return ended
            methods = {method for route in matching for method in route.methods or ()}
            allow = {"Allow": ", ".join(sorted(methods))}
            return _json({"detail": f'Method "{request.method}" not allowed.'}, 405, allow)
        if not request.url.path.endswith("/"):
            scope = {**request.scope, "path": request.url.path + "/"}
            if any(route.matches(scope)[0] is Match.FULL for route in routes):
                return RedirectResponse(str(request.url.replace(path=request.url.path + "/")), 301)
        return HTMLResponse(HTML_404, 404)

    app = Starlette(
        routes=routes, exception_handlers={400: http_error, 404: http_error, 405: http_error}
    )
    app.router.redirect_slashes = False
    app.add_middleware(
        FaultMiddleware,
        faults=sandbox.faults,
        expire_tokens=expire_tokens,
        leave=store.leave,
        rejoin=store.rejoin,
    )
    return app
