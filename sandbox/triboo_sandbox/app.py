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
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Route

from triboo_sandbox.faults import FaultMiddleware, Faults
from triboo_sandbox.fields import SUPER_ADMIN, ServerCrash, clean_user_fields
from triboo_sandbox.fields import is_email as valid_email
from triboo_sandbox.generations import resolve
from triboo_sandbox.limits import RateLimiter
from triboo_sandbox.store import ApiClient, Store, User, fold

V1 = "/api/extended/v1"
QUIRKS = ("legacy-errors", "legacy-roles")
COURSE_KEY = re.compile(r"^course-v1:[^+]+\+[^+]+\+[^+]+$")
WWW_AUTHENTICATE = {"WWW-Authenticate": 'Bearer realm="api"'}
NOT_FOUND = {"detail": "Not found."}
HTML_404 = "<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"
HTML_403 = "<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>"

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
    token_ttl: int = 36000
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
        self.tokens[raw] = Token(client.client_id, kind, time.monotonic() + self.token_ttl)
        return raw, self.token_ttl


def _b64(data: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


async def read_body(request: Request) -> dict[str, Any]:
    """JSON, form-urlencoded or multipart, as the server accepts all three."""
    content_type = request.headers.get("content-type", "")
    raw = await request.body()
    if content_type.startswith("application/json"):
        try:
            data = json.loads(raw or b"{}")
        except ValueError as problem:
            raise HTTPException(400, f"JSON parse error - {problem}") from problem
        return data if isinstance(data, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))
    if content_type.startswith("multipart/form-data"):
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

    def authenticate(request: Request, scheme: str) -> ApiClient | Response:
        header = request.headers.get("authorization", "")
        kind, _, value = header.partition(" ")
        if kind.lower() != scheme.lower():
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
        if token is None or token.kind.lower() != scheme.lower():
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
        if not (client.is_staff and client.is_superuser and client.org):
            return _json({"detail": "You do not have permission to perform this action."}, 403)
        return client

    def api(
        scope: str, scheme: str = "Bearer"
    ) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
        def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
            async def endpoint(request: Request) -> Response:
                sandbox.requests += 1
                client = authenticate(request, scheme)
                if isinstance(client, Response):
                    return client
                wait = sandbox.limiter.check(client.username, scope)
                if wait is not None:
                    sandbox.throttled += 1
                    return _json(
                        {"detail": f"Request was throttled. Expected available in {wait} seconds."},
                        429,
                        {"Retry-After": str(wait)},
                    )
                try:
                    return await handler(request, client)
                except ServerCrash as crash:
                    return _json({"api_error_message": str(crash)}, 500)
                finally:
                    if request.method not in ("GET", "HEAD"):
                        sandbox.changed()

            return endpoint

        return wrap

    # -- pagination ------------------------------------------------------------------------

    def paginate(
        request: Request, items: list[Any], render: Callable[[Any], dict[str, Any]]
    ) -> Response:
        size = _positive_int(request.query_params.get("page_size"), 10)
        size = min(size, generation.page_size_cap)
        pages = max(1, -(-len(items) // size))
        raw_page = request.query_params.get("page", "1")
        page = int(raw_page) if raw_page.isdigit() else (pages if raw_page == "last" else 0)
        if not 1 <= page <= pages:
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

    def filtered_users(request: Request, client: ApiClient) -> list[User]:
        params = request.query_params
        users = store.org_users(client.org)
        if params.get("user_id"):
            ids = {int(v) for v in params["user_id"].split(",") if v.strip().isdigit()}
            return [u for u in users if u.user_id in ids]
        if params.get("username"):
            names = {fold(n) for n in params["username"].split(",")}
            return [u for u in users if fold(u.username) in names]
        if params.get("email"):
            emails = {fold(e) for e in params["email"].split(",")}
            return [u for u in users if fold(u.email) in emails]
        return users

    @api("users")
    async def list_users(request: Request, client: ApiClient) -> Response:
        return paginate(request, filtered_users(request, client), user_body)

    def lookup(request: Request, client: ApiClient) -> User | None:
        params = request.path_params
        if "user_id" in params:
            # The router takes any [^/.]+ segment: one that is no number finds nobody.
            raw_id = params["user_id"]
            return store.find(client.org, user_id=int(raw_id)) if raw_id.isdigit() else None
        if "username" in params:
            return store.find(client.org, username=params["username"])
        return store.find(client.org, email=params["email"])

    @api("users")
    async def get_user(request: Request, client: ApiClient) -> Response:
        user = lookup(request, client)
        return _json(user_body(user)) if user else _json(NOT_FOUND, 404)

    @api("users")
    async def create_user(request: Request, client: ApiClient) -> Response:
        data = await read_body(request)
        username, email = str(data.get("username", "")), str(data.get("email", ""))
        if store.find(client.org, username=username):
            return error("Username already used", "username_already_used", 409)
        if store.find(client.org, email=email):
            return error("Email already used", "email_already_used", 409)
        clean, errors = clean_user_fields(data, creating=True, generation=generation)
        if fold(username) in store.by_username:
            errors.setdefault("username", []).append("A user with that username already exists.")
        if fold(email) in store.by_email:
            errors.setdefault("email", []).append("A user with that email already exists.")
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
        data = await read_body(request)
        clean, errors = clean_user_fields(data, creating=False, generation=generation)
        if user.is_superuser:
            return _json({"detail": "User is superuser"}, 409)
        if not user.is_active and clean.get("is_active") is not True:
            return error("User inactive", "user_inactive", 409)
        # The conflict check includes the user itself: an unchanged username is a 409.
        if "username" in clean and fold(clean["username"]) in store.by_username:
            return error("Username already used", "username_already_used", 409)
        if "email" in clean and fold(clean["email"]) in store.by_email:
            return error("Email already used", "email_already_used", 409)
        if errors:
            return _json(errors, 400)
        store.rename(user, username=clean.pop("username", None), email=clean.pop("email", None))
        if "is_active" in clean:
            user.is_active = clean.pop("is_active")
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
        params = request.query_params
        results: list[dict[str, Any]] = []
        ids = [int(v) for v in params.get("user_id", "").split(",") if v.strip().isdigit()]
        names = [v for v in params.get("username", "").split(",") if v]
        if ids:
            for user_id in ids:
                user = store.find(client.org, user_id=user_id)
                results.append(
                    {"user_id": user_id, "username": user.username, "status": deactivate(user)}
                    if user
                    else {"user_id": user_id, "username": "", "status": "user_not_found"}
                )
        elif names:
            for name in names:
                user = store.find(client.org, username=name)
                results.append(
                    {"user_id": user.user_id, "username": name, "status": deactivate(user)}
                    if user
                    else {"user_id": None, "username": name, "status": "user_not_found"}
                )
        else:
            return _json({"detail": "You cannot deactivate all users."}, 400)
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
        params = request.query_params
        if params.get("to") and not params.get("from"):
            return _json({"detail": "From date is missing"}, 400)
        try:
            start = dt.date.fromisoformat(params["from"]) if params.get("from") else None
            end = dt.date.fromisoformat(params["to"]) if params.get("to") else None
        except ValueError:
            return _json({"detail": "Invalid date format. Use YYYY-MM-DD."}, 400)
        return _json(store.course_report(course, start, end))

    # -- enrollments -------------------------------------------------------------------------

    def courses_of(value: Any, client: ApiClient) -> list[str] | Response:
        first = (
            value[0] if isinstance(value, list) and value else value
        )  # an array: first item only
        keys = [k for k in str(first or "").split(",") if k]
        if not keys:
            return _json({"courses": ["This field is required."]}, 400)
        for key in keys:
            course = store.courses.get(key)
            if course is None or course.org != client.org:
                return _json(NOT_FOUND, 404)
        return keys

    def field_errors(data: dict[str, Any], required: tuple[str, ...]) -> dict[str, list[str]]:
        """Django REST framework's field errors for a bulk enroll body."""
        errors = {f: ["This field is required."] for f in required if not data.get(f)}
        if data.get("action") and data["action"] not in ("enroll", "unenroll"):
            errors["action"] = [f'"{data["action"]}" is not a valid choice.']
        return errors

    @api("bulk_enroll", scheme="JWT")
    async def bulk_enroll(request: Request, client: ApiClient) -> Response:
        data = await read_body(request)
        errors = field_errors(data, required=("action", "courses", "identifiers"))
        if errors:
            return _json(errors, 400)
        keys = courses_of(data["courses"], client)
        if isinstance(keys, Response):
            return keys
        auto = _flag(data.get("auto_enroll"))
        identifiers = [i.strip() for i in re.split(r"[,\n]", str(data["identifiers"])) if i.strip()]
        result: dict[str, Any] = {
            "action": data["action"],
            "courses": {},
            "email_students": _flag(data.get("email_students")),
            "auto_enroll": auto,
        }
        for key in keys:
            rows = [enroll_identifier(client, key, i, data["action"], auto) for i in identifiers]
            result["courses"][key] = {
                "action": data["action"],
                "results": rows,
                "auto_enroll": auto,
            }
        return _json(result)

    def enroll_identifier(
        client: ApiClient, key: str, identifier: str, action: str, auto: bool
    ) -> dict[str, Any]:
        is_email = "@" in identifier
        user = (
            store.find(client.org, email=identifier)
            if is_email
            else store.find(client.org, username=identifier)
        )
        if user is None and not (is_email and valid_email(identifier)):
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
        if not request.headers.get("content-type", "").startswith("application/json"):
            return _json(
                {"api_error_message": "'QueryDict' object has no attribute 'get_list'"}, 500
            )
        data = await read_body(request)
        # The serializer runs first: action and courses are checked before any identifier.
        errors = field_errors(data, required=("action", "courses"))
        if errors:
            return _json(errors, 400)
        action = data["action"]
        wanted = [
            (kind, value.strip())
            for kind in ("usernames", "emails", "user_ids")
            for value in re.split(r"[,\n]", str(data.get(kind) or ""))
            if value.strip()
        ]
        if not wanted:
            return _json(
                {
                    "action": action,
                    "results": [
                        {
                            "error": True,
                            "message": "At least one of usernames, emails or user_ids is required.",
                        }
                    ],
                },
                400,
            )
        keys = courses_of(data.get("courses"), client)
        if isinstance(keys, Response):
            return keys
        courses: dict[str, Any] = {}
        for key in keys:
            rows = []
            for kind, value in wanted:
                label = {"usernames": "username", "emails": "email", "user_ids": "user_id"}[kind]
                # The fork's students_bulk_enroll looks usernames and e-mails up alike, by
                # e-mail or username (get_user_by_username_or_email): the key says nothing.
                if kind == "user_ids":
                    user = store.find(client.org, user_id=int(value)) if value.isdigit() else None
                else:
                    user = store.find(client.org, email=value) or store.find(
                        client.org, username=value
                    )
                row: dict[str, Any] = {"identifier": {label: value}}
                if user is None:
                    row["invalidIdentifier"] = True
                elif not user.is_active:
                    row["inactiveUser"] = True
                else:
                    before = store.is_enrolled(user.user_id, key)
                    (store.enroll if action == "enroll" else store.unenroll)(user.user_id, key)
                    row["before"] = {"user": True, "enrollment": before}
                    row["after"] = {
                        "user": True,
                        "enrollment": store.is_enrolled(user.user_id, key),
                    }
                rows.append(row)
            courses[key] = {"action": action, "results": rows}
        return _json(
            {
                "email_students": _flag(data.get("email_students")),
                "action": action,
                "courses": courses,
            }
        )

    # -- auth ----------------------------------------------------------------------------------

    async def access_token(request: Request) -> Response:
        host = request.client.host if request.client else "?"
        if sandbox.token_limiter.check(host, "token") is not None:
            return HTMLResponse(HTML_403, 403)
        # Django OAuth Toolkit reads request.POST: a form body only. A JSON body is not read,
        # so it is a request without a grant type.
        content_type = request.headers.get("content-type", "")
        data = {} if content_type.startswith("application/json") else await read_body(request)
        if not data.get("grant_type"):
            return _json(
                {"error": "invalid_request", "error_description": "Missing grant type."}, 400
            )
        if data["grant_type"] != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        client = store.clients.get(str(data.get("client_id", "")))
        if client is None:
            return _json({"error": "invalid_client"}, 400)
        if not secrets.compare_digest(str(data.get("client_secret", "")), client.client_secret):
            return _json({"error": "invalid_client"}, 401)
        kind = "JWT" if str(data.get("token_type", "")).lower() == "jwt" else "Bearer"
        token, ttl = sandbox.issue(client, kind)
        sandbox.changed()
        body = {
            "access_token": token,
            "token_type": kind,
            "expires_in": ttl,
            "scope": "read write email profile",
        }
        return _json(body)

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

    user_routes = [
        Route(f"{V1}/users/", list_users, methods=["GET"]),
        Route(f"{V1}/users/", create_user, methods=["POST"]),
        Route(f"{V1}/users/", deactivate_many, methods=["DELETE"]),
        Route(f"{V1}/users_by_username/", list_users, methods=["GET"]),
        Route(f"{V1}/users_by_username/", deactivate_many, methods=["DELETE"]),
    ]
    # 2021 builds route nothing by e-mail: those paths are Django's HTML 404.
    by_email = generation.email_routes
    if by_email:
        user_routes.append(Route(f"{V1}/users_by_email/", list_users, methods=["GET"]))
    for prefix, param in (
        ("users", "{user_id:detail}"),
        ("users_by_username", "{username:lookup}"),
        *((("users_by_email", "{email:lookup}"),) if by_email else ()),
    ):
        path = f"{V1}/{prefix}/{param}/"
        user_routes += [
            Route(path, get_user, methods=["GET"]),
            Route(path, update_user, methods=["PUT", "PATCH"]),
        ]
        if prefix != "users_by_email":
            user_routes.append(Route(path, deactivate_one, methods=["DELETE"]))
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
        if status == 405:
            methods = {
                method
                for route in routes
                if route.matches(request.scope)[0] is not Match.NONE
                for method in route.methods or ()
            }
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


def _positive_int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else default


def _flag(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1, "on", "yes")
