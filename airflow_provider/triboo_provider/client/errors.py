"""The client's one error tree (the provider's output errors extend it in
:mod:`triboo_provider.exceptions`, the documented import path).

::

    TribooError(AirflowException)
    ├── TribooConfigError          the triboo connection is        no task retry
    │                              misconfigured (no call made)
    ├── TribooConnectionError      network failure, timeout;       retried by the hook
    │                              names the URL tried
    ├── TribooInputError           bad operator input, no call     no task retry
    ├── TribooPolicyError          the caller's own policy refused no task retry
    │                              (e.g. if_exists="fail"); no call
    ├── TribooPaginationError      the list kept changing while    the task retry reads
    │                              it was read page by page        it again
    └── TribooAPIError             unexpected answer; .status_code .operation .detail
        │                          .retry_after (429, 503)
        ├── TribooServerError      5xx, or an unreadable 2xx       retried (safe calls)
        ├── TribooRateLimitError   429                             retried after Retry-After
        ├── TribooAuthError        401/403                         no task retry
        ├── TribooNotFoundError    404
        ├── TribooConflictError    409; .reason (username_taken,   the operator decides
        │                          email_taken, user_inactive, ...)
        └── TribooValidationError  400; .field_errors              no task retry

Messages name the operation and status and carry the server's short ``detail``; they
never carry a token, a secret or a request body.

**The one Airflow reference of** :mod:`triboo_provider.client`: when Airflow is importable,
the bases are Airflow's ``AirflowException``, and ``AirflowFailException`` for the classes
marked "no task retry"; else plain ``Exception`` subclasses of the same shape, so the
client runs without Airflow. The base cannot be put on at the hook's boundary instead:
Airflow's task runner fails a task at once only when the error ``isinstance``
``AirflowFailException``, and operators *and* ``@task`` code call the hook's (the
client's) methods directly, so a translation layer at each boundary would miss the
latter. ``DEPRECATION`` is likewise ``AirflowProviderDeprecationWarning`` or, without
Airflow, ``DeprecationWarning``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from airflow.exceptions import AirflowProviderDeprecationWarning as DEPRECATION
    from airflow.sdk.exceptions import AirflowException, AirflowFailException
else:
    try:
        from airflow.exceptions import AirflowProviderDeprecationWarning as DEPRECATION
        from airflow.sdk.exceptions import AirflowException, AirflowFailException
    except ImportError:  # the client core used without Airflow

        class AirflowException(Exception):
            """Stands for Airflow's base exception when Airflow is not installed."""

        class AirflowFailException(AirflowException):
            """Stands for Airflow's no-retry exception when Airflow is not installed."""

        DEPRECATION = DeprecationWarning

__all__ = [
    "DEPRECATION",
    "AirflowException",
    "AirflowFailException",
    "ConflictReason",
    "TribooAPIError",
    "TribooAuthError",
    "TribooConfigError",
    "TribooConflictError",
    "TribooConnectionError",
    "TribooError",
    "TribooInputError",
    "TribooNotFoundError",
    "TribooPaginationError",
    "TribooPolicyError",
    "TribooRateLimitError",
    "TribooServerError",
    "TribooValidationError",
]

ConflictReason = Literal[
    "username_taken", "email_taken", "user_inactive", "already_inactive", "superuser", "unknown"
]


class TribooError(AirflowException):
    """Base of every error this provider raises."""


class TribooConfigError(TribooError, AirflowFailException):
    """The ``triboo`` connection is misconfigured: a missing host, login or password, an
    unknown extra, a value of the wrong type or out of range, a scheme or port that is not
    one, or fields that contradict each other.

    No retry can fix it, so the task fails at once (``AirflowFailException``); raised
    before any request. Messages name the field, never a secret.
    """


class TribooConnectionError(TribooError):
    """The server could not be reached, timed out, or cut the answer short; the message
    names the URL tried (scheme, host, port and base path: never a credential)."""


class TribooInputError(TribooError, AirflowFailException):
    """Operator input is invalid; ``problems`` lists every ``row N, field F: message``.

    Raised before any API call, unless ``after`` says what was done first (e.g. a
    ``fail_on_missing`` check, which needs the server's answers).
    """

    def __init__(self, problems: list[str], *, limit: int = 50, after: str | None = None) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:limit])
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        when = after or "no API call was made"
        super().__init__(f"{len(problems)} input problem(s), {when}:\n  {shown}{more}")


class TribooPolicyError(TribooError, AirflowFailException):
    """The caller's own policy refused to go on, not the server: e.g. ``if_exists="fail"``
    and some users already exist. ``problems`` lists what the policy found; what was done
    before the decision (a look-up) is in the message. No retry can change it."""

    def __init__(self, problems: list[str], *, limit: int = 50, done: str = "") -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:limit])
        more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
        when = f" ({done})" if done else ""
        super().__init__(f"{len(problems)} refused by policy{when}:\n  {shown}{more}")


class TribooPaginationError(TribooError):
    """A list kept changing while it was read page by page, restart after restart.

    ``operation`` is the list operation, ``restarts`` how many times it was read again from
    page 1, ``change`` what the last walk saw change.
    """

    def __init__(self, operation: str, restarts: int, change: str) -> None:
        self.operation = operation
        self.restarts = restarts
        self.change = change
        super().__init__(
            f"Triboo {operation}: the list changed while it was read page by page ({change}), "
            f"still after {restarts} restart(s) from page 1. A retry reads it again."
        )


class TribooAPIError(TribooError):
    """The server answered with a status the operation did not expect.

    ``retry_after`` is the wait in seconds the answer asked for (``Retry-After`` of a 429
    or a 503, in seconds or as an HTTP-date), None when it asked for none or the header
    could not be read; ``retry_after_header`` keeps the header as received.
    """

    # AirflowException types this as HTTPStatus; 0 means no usable status was received.
    status_code: int  # type: ignore[assignment]

    def __init__(
        self,
        operation: str,
        status_code: int,
        detail: str = "",
        *,
        retry_after: float | None = None,
        retry_after_header: str | None = None,
    ) -> None:
        self.operation = operation
        self.status_code = status_code
        self.detail = detail
        self.retry_after = retry_after
        self.retry_after_header = retry_after_header
        suffix = f": {detail}" if detail else ""
        super().__init__(f"Triboo {operation} failed with HTTP {status_code}{suffix}")


class TribooServerError(TribooAPIError):
    """5xx, or a 2xx whose body is not the JSON the operation documents."""


class TribooRateLimitError(TribooAPIError):
    """429, or the token endpoint's per-IP throttle (an HTML 403)."""


class TribooAuthError(TribooAPIError, AirflowFailException):
    """401/403: wrong credentials or an API user without staff, superuser and organisation."""


class TribooNotFoundError(TribooAPIError):
    """404: no such object in the organisation (or a page past the end)."""


class TribooConflictError(TribooAPIError):
    """409: username or e-mail already used, user inactive or already inactive, or a
    superuser. ``reason`` says which, read once from either server generation's body
    (``{"detail": "User inactive"}`` on current builds, ``{"status": "user_inactive"}`` on
    2021 builds): match on it, never on the message text. Also the 500 a current build
    answers when the e-mail is another organisation's user's (MySQL's duplicate entry on
    the e-mail index): ``reason`` ``email_taken``, ``status_code`` 500, never retried.
    """

    def __init__(
        self,
        operation: str,
        status_code: int = 409,
        detail: str = "",
        *,
        reason: ConflictReason = "unknown",
    ) -> None:
        self.reason: ConflictReason = reason
        super().__init__(operation, status_code, detail)


class TribooValidationError(TribooAPIError, AirflowFailException):
    """400; ``field_errors`` maps field names to the server's messages."""

    def __init__(
        self,
        operation: str,
        status_code: int,
        detail: str = "",
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        self.field_errors = field_errors or {}
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.field_errors.items())
        super().__init__(operation, status_code, detail or fields)
