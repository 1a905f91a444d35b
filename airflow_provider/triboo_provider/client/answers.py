"""How an unexpected answer becomes one typed error, and how long to wait before a retry.

No generated model is needed to read an answer, and nothing here imports Airflow beyond
the error tree (:mod:`triboo_provider.client.errors`).

Every status keeps its number whatever the body: :func:`api_error` types a documented
answer, :func:`unreadable` one the generated parser could not read, :func:`undocumented` a
status the spec does not document for the operation, :func:`token_error` a refused token
request. How long to wait and what to retry is :mod:`triboo_provider.client.retry`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import TypeVar

import httpx
import orjson

from triboo_provider.client.auth import TokenError
from triboo_provider.client.errors import (
    ConflictReason,
    TribooAPIError,
    TribooAuthError,
    TribooConflictError,
    TribooNotFoundError,
    TribooRateLimitError,
    TribooServerError,
    TribooValidationError,
)
from triboo_provider.client.http_rules import retry_after_seconds

M = TypeVar("M")
T = TypeVar("T")
E = TypeVar("E", bound=TribooAPIError)

# The error type of each 4xx status the server documents; 5xx are TribooServerError.
ERRORS: dict[int, type[TribooAPIError]] = {
    400: TribooValidationError,
    401: TribooAuthError,
    403: TribooAuthError,
    404: TribooNotFoundError,
    409: TribooConflictError,
    429: TribooRateLimitError,
}


# The server's conflict reasons, as current builds word them (``detail``) and as 2021 builds
# code them (``status``); see the spec's 409 answers.
CONFLICT_REASONS: dict[str, ConflictReason] = {
    "username already used": "username_taken",
    "username_already_used": "username_taken",
    "email already used": "email_taken",
    "email_already_used": "email_taken",
    "user inactive": "user_inactive",
    "user_inactive": "user_inactive",
    "user already inactive": "already_inactive",
    "user_already_inactive": "already_inactive",
    "user is superuser": "superuser",
    "user_is_superuser": "superuser",
}


# MySQL's duplicate-key error (1062) on auth_user's unique e-mail index, as current builds
# answer it (500 {"api_error_message": str(IntegrityError)}): an e-mail another
# organisation's user holds passes every check of the view and fails in the database
# (spec: createUser and the user updates). MySQL 8 names the key "auth_user.email", older
# ones "email"; the entry's value is quoted between them. Deterministic: no retry helps.
_EMAIL_KEY = re.compile(r"for key '(?:\w+\.)?email'", re.IGNORECASE)


def _duplicate_email(parsed: object) -> bool:
    """Whether a 500's body is that duplicate e-mail (read whole: a long e-mail puts the
    key's name past the 200 characters kept as ``detail``)."""
    name = "api_error_message"
    value = parsed.get(name) if isinstance(parsed, dict) else getattr(parsed, name, None)
    # Substring tests and one anchored pattern: linear in the message, however long.
    return (
        isinstance(value, str)
        and "1062" in value
        and "duplicate entry" in value.lower()
        and _EMAIL_KEY.search(value) is not None
    )


def conflict_reason(detail: str) -> ConflictReason:
    """The typed reason of a 409 from its ``detail`` (current) or ``status`` (2021)."""
    return CONFLICT_REASONS.get(detail.strip().casefold(), "unknown")


def detail_of(parsed: object) -> str:
    """The server's short reason, from either error generation; never a body dump."""
    for name in ("detail", "status", "error", "error_code", "api_error_message"):
        value = parsed.get(name) if isinstance(parsed, dict) else getattr(parsed, name, None)
        if isinstance(value, str) and value:
            return value[:200]
    return ""


def api_error(  # noqa: PLR0911 - one return per kind of answer
    operation: str, status: int, headers: Mapping[str, str], parsed: object, detail: str = ""
) -> TribooAPIError:
    """The typed error for an unexpected ``status``, whatever its body said (or failed to)."""
    detail = detail or detail_of(parsed)
    header = headers.get("Retry-After")
    if status == 429:
        return TribooRateLimitError(
            operation,
            status,
            detail,
            retry_after=retry_after_seconds(header),
            retry_after_header=header,
        )
    if 200 <= status < 300:
        # A success the operation does not document (a 204 where a page was due): nothing
        # usable came back, as with an unreadable 2xx.
        return TribooServerError(operation, status, detail or "an undocumented success")
    if status == 400:
        fields = (
            parsed if isinstance(parsed, dict) else getattr(parsed, "additional_properties", {})
        )
        errors = {k: [str(m) for m in v] for k, v in fields.items() if isinstance(v, list)}
        return TribooValidationError(operation, status, detail, errors)
    if status == 500 and _duplicate_email(parsed):
        # A conflict told as a crash: typed as one (not retried), the status kept as sent.
        return TribooConflictError(operation, status, detail, reason="email_taken")
    if status >= 500:
        # RFC 9110: a 503's Retry-After says how long the service expects to be down.
        if status != 503:
            header = None
        return TribooServerError(
            operation,
            status,
            detail,
            retry_after=retry_after_seconds(header),
            retry_after_header=header,
        )
    if status == 409:
        return TribooConflictError(operation, status, detail, reason=conflict_reason(detail))
    return ERRORS.get(status, TribooAPIError)(operation, status, detail)


# What stands for a value we sent when the server's answer repeats it.
SCRUBBED = "<value>"


def scrub_text(text: str, sent: Iterable[str]) -> str:
    """``text`` with every occurrence of a ``sent`` value replaced by :data:`SCRUBBED`.

    Values are matched ignoring case, longest first (an e-mail before the name inside
    it), and only where they stand as a value does: not inside a longer word (``"m"`` sent
    as a gender leaves ``"email"`` alone, a quoted ``"m"`` goes). Blank values are ignored.
    """
    values = sorted({v for v in sent if v.strip()}, key=len, reverse=True)
    if not values or not text:
        return text
    pattern = "|".join(_bounded(value) for value in values)
    return re.sub(pattern, SCRUBBED, text, flags=re.IGNORECASE)


def _bounded(value: str) -> str:
    before = r"(?<![^\W_])" if value[0].isalnum() else ""
    after = r"(?![^\W_])" if value[-1].isalnum() else ""
    return before + re.escape(value) + after


def scrubbed(error: E, sent: Iterable[str]) -> E:
    """``error`` (an answer to a request whose body carried ``sent``) without any of those
    values in its ``detail`` or ``field_errors``: a server may repeat a refused value
    (2021: ``"\"boss@acme.example.com\" is not a valid boolean"``), and a person's
    value must not reach a task log. Same class, operation, status and other attributes;
    its ``__cause__`` is kept unless that repeats a value too. Raise it outside the
    ``except`` block that caught ``error``, or the original is chained as its context.
    """
    values = list(sent)
    clean = _rebuilt(error, scrub_text(error.detail, values), values)
    cause = error.__cause__
    if cause is not None and scrub_text(str(cause), values) == str(cause):
        clean.__cause__ = cause
    return clean


def scrubbing(attempt: Callable[[], T], sent: Sequence[str]) -> Callable[[], T]:
    """``attempt``, raising every :class:`TribooAPIError` :func:`scrubbed` of ``sent``
    (with no unscrubbed context), so that no retry warning shows a value either."""
    if not sent:
        return attempt

    def clean_attempt() -> T:
        try:
            return attempt()
        except TribooAPIError as refused:
            error = refused
        raise scrubbed(error, sent)

    return clean_attempt


def _rebuilt(error: E, detail: str, values: list[str]) -> E:
    if isinstance(error, TribooValidationError):
        errors = {
            name: [scrub_text(message, values) for message in messages]
            for name, messages in error.field_errors.items()
        }
        return type(error)(error.operation, error.status_code, detail, errors)
    if isinstance(error, TribooConflictError):
        return type(error)(error.operation, error.status_code, detail, reason=error.reason)
    return type(error)(
        error.operation,
        error.status_code,
        detail,
        retry_after=error.retry_after,
        retry_after_header=error.retry_after_header,
    )


def unreadable(operation: str, answer: httpx.Response, problem: Exception) -> TribooAPIError:
    """An answer the generated parser could not read, typed by its own status.

    A 2xx that cannot be read is a server fault (retried on safe calls); any other status
    keeps its meaning (a 404 HTML page is a not-found, never retried), with a short reason.
    """
    status = answer.status_code
    if status not in HTTPStatus._value2member_map_:
        reason = "a status HTTP does not define"
    else:
        reason = _body_kind(answer)
    if 200 <= status < 300:
        return TribooServerError(operation, status, f"unreadable answer: {reason}")
    return api_error(operation, status, answer.headers, None, f"unreadable answer: {reason}")


def undocumented(operation: str, answer: httpx.Response) -> TribooAPIError:
    """The error for a status the spec does not document for ``operation``: the body is
    read as plain JSON for its reason and field errors, or named by its kind."""
    try:
        body = orjson.loads(answer.content)
    except orjson.JSONDecodeError:
        body = None
    if isinstance(body, dict):
        return api_error(operation, answer.status_code, answer.headers, body)
    reason = _body_kind(answer) if body is None else "JSON of an unexpected shape"
    return api_error(
        operation, answer.status_code, answer.headers, None, f"unreadable answer: {reason}"
    )


def _body_kind(answer: httpx.Response) -> str:
    """What is wrong with a body the parser refused, in a few words (never its content)."""
    kind = answer.headers.get("content-type", "").split(";")[0].strip() or "untyped"
    if not answer.content:
        return "an empty body"
    try:
        orjson.loads(answer.content)
    except orjson.JSONDecodeError:
        return "JSON that cannot be decoded" if "json" in kind else f"a {kind} body, not JSON"
    return "JSON of an unexpected shape"


# What a token endpoint that is not one (404, 405, an HTML page, a 200 without a token)
# usually means: the request went to the wrong URL.
WRONG_URL_HINT = "check the Base URL (with its path) and the extra oauth2_path"


def token_error(problem: TokenError) -> TribooAPIError:
    """The error for a refused token request, typed like any other answer by its status.

    The message names the token URL tried (scheme, host, port, path: never a credential
    or a query); unless the answer is a refusal of the credentials, a throttle or a server
    error, it says to check the Base URL and ``oauth2_path``.
    """
    status = problem.status_code
    at = f" (token URL {problem.url})" if problem.url else ""
    if status in (400, 401):
        return TribooAuthError("getAccessToken", status, problem.error + at)
    if status == 403 and not problem.from_body:  # the per-IP throttle's HTML 403 page
        return TribooRateLimitError(
            "getAccessToken", 403, "token endpoint throttled" + at, retry_after=60.0
        )
    detail = problem.error + at + ("" if status >= 500 else f"; {WRONG_URL_HINT}")
    if 200 <= status < 300:  # a success without a usable token: the server's fault
        return TribooServerError("getAccessToken", status, detail)
    headers = {"Retry-After": problem.retry_after} if problem.retry_after is not None else {}
    return api_error("getAccessToken", status, headers, None, detail)


def expect_type(operation: str, parsed: object, kind: type[M]) -> M:
    """``parsed`` (an expected status's answer) as the model the operation documents.

    :raises TribooServerError: it is another model (never seen: the generated parser
        reads each status as one model), so a 2xx that cannot be used.
    """
    if isinstance(parsed, kind):
        return parsed
    raise TribooServerError(operation, 200, f"unreadable answer: not a {kind.__name__}")
