"""The one retry engine (tenacity) and its policies: which failures a call tries again,
after how long, and when a failure is no failure at all.

- :class:`Idempotent`: reads, updates, deactivations, enrollments. A connection error, a
  5xx and a 429 are retried.
- :class:`NotIdempotent`: a request that must not be sent twice blindly. Only a 429 is
  retried (the server answers it before doing anything).
- :class:`Recoverable`: a create whose effect can be looked up. After a connection error
  or a 5xx its ``check`` runs first: when it finds the effect (the answer was lost, the
  work was done), the call is done; else it is retried as an idempotent one.
- :class:`Once`: sent once, whatever the failure (the connection test reports the first).

A ``Retry-After`` (429, 503) is waited in full, unless it asks for more than
``retry_after_max``: then the error is raised at once, and the task's own retry comes back
later instead of holding a worker. Other waits are exponential backoff with full jitter,
capped at ``retry_max_wait``. At most ``max_retries`` retries per call.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from triboo_provider.client.errors import (
    TribooAPIError,
    TribooConnectionError,
    TribooRateLimitError,
    TribooServerError,
)
from triboo_provider.client.protocols import Log
from triboo_provider.client.settings import TribooSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Idempotent:
    """Retry connection errors, 5xx and 429: sending twice does no harm."""

    safe = True

    def recovered(self, problem: BaseException) -> bool:
        return False


@dataclass(frozen=True)
class NotIdempotent:
    """Retry only a 429: a lost answer may hide work done, so no blind second send."""

    safe = False

    def recovered(self, problem: BaseException) -> bool:
        return False


@dataclass(frozen=True)
class Recoverable:
    """Before re-sending after a connection error or a 5xx, ask ``check`` whether the work
    was done anyway (e.g. look the created user up): True ends the call as done.

    ``check`` runs after every such failure, also the last; its own errors go up as they
    are (the failure that led to it is their ``__context__``).
    """

    check: Callable[[], bool]
    done: str = "its work is done"  # for the log: what the check found
    safe = True

    def recovered(self, problem: BaseException) -> bool:
        return isinstance(problem, TribooConnectionError | TribooServerError) and self.check()


@dataclass(frozen=True)
class Once:
    """No retry at all, not even a 429's: a one-off policy for this call only, so the
    client's settings (``max_retries``) stay as they are for the calls after it."""

    safe = False

    def recovered(self, problem: BaseException) -> bool:
        return False


Policy = Idempotent | NotIdempotent | Recoverable | Once
IDEMPOTENT = Idempotent()
NOT_IDEMPOTENT = NotIdempotent()
ONCE = Once()


def run(
    attempt: Callable[[], T],
    *,
    operation: str,
    policy: Policy,
    settings: TribooSettings,
    sleep: Callable[[float], None],
    log: Log,
) -> T | None:
    """``attempt()`` until it returns, or raises what the policy does not retry.

    :returns: what ``attempt`` returned; None only when a :class:`Recoverable` policy's
        check found the work done after a failure.
    :raises TribooError: the last failure (a :class:`TribooAPIError` subclass or
        :class:`TribooConnectionError`), once the policy gives up or ``max_retries``
        retries are spent.
    """
    recovered: list[BaseException] = []

    def again(problem: BaseException) -> bool:
        if policy.recovered(problem):
            recovered.append(problem)
            return False
        if isinstance(policy, Once):
            return False
        return retryable(problem, safe=policy.safe, longest_wait=settings.retry_after_max, log=log)

    def before_sleep(state: RetryCallState) -> None:
        log.warning(
            "Triboo %s: %s; retry %d of %d",
            operation,
            state.outcome.exception() if state.outcome else "",
            state.attempt_number,
            settings.max_retries,
        )

    retrying = Retrying(
        retry=retry_if_exception(again),
        stop=stop_after_attempt(settings.max_retries + 1),
        wait=lambda state: wait(state, settings.retry_max_wait, log),
        before_sleep=before_sleep,
        sleep=sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except (TribooConnectionError, TribooServerError) as problem:
        if not recovered or recovered[-1] is not problem:
            raise
        done = policy.done if isinstance(policy, Recoverable) else ""
        log.warning("%s: answer lost (%s) but %s", operation, problem, done)
        return None


def retryable(problem: BaseException, *, safe: bool, longest_wait: float, log: Log) -> bool:
    """Whether a try that raised ``problem`` is tried again.

    A 429 always, after its ``Retry-After``; a connection error or a server error only for
    a ``safe`` call. A ``Retry-After`` (429, 503) longer than ``longest_wait`` seconds is
    not waited for: the error goes up at once (and ``time.sleep`` never sees an absurd
    value).
    """
    wait_for = problem.retry_after if isinstance(problem, TribooAPIError) else None
    if wait_for is not None and wait_for > longest_wait:
        log.warning(
            "Triboo %s: the server asks to wait %.0f s, more than retry_after_max (%.0f s); "
            "not waiting",
            problem.operation if isinstance(problem, TribooAPIError) else "call",
            wait_for,
            longest_wait,
        )
        return False
    if isinstance(problem, TribooRateLimitError):
        return True
    return safe and isinstance(problem, TribooConnectionError | TribooServerError)


def backoff(attempt: int, cap: float) -> float:
    """Seconds before try ``attempt + 1``: exponential backoff with full jitter, at most
    ``cap``."""
    return random.uniform(0, min(cap, 2.0**attempt))  # noqa: S311 - jitter, not security


def wait(state: RetryCallState, cap: float, log: Log) -> float:
    """:func:`wait_after` for a tenacity retry state."""
    problem = state.outcome.exception() if state.outcome else None
    return wait_after(problem, state.attempt_number, cap, log)


def wait_after(problem: BaseException | None, attempt: int, cap: float, log: Log) -> float:
    """Seconds before try ``attempt + 1``: the answer's ``Retry-After`` (429, 503) plus up
    to half a second of jitter, else :func:`backoff` capped at ``cap`` (with a warning when
    the answer had a ``Retry-After`` that could not be read)."""
    if isinstance(problem, TribooAPIError):
        if problem.retry_after is not None:
            # The server's word, within retry_after_max: sooner only earns another refusal.
            return problem.retry_after + random.uniform(0, 0.5)  # noqa: S311
        if problem.retry_after_header is not None:
            log.warning(
                "Triboo %s: Retry-After %r is neither seconds nor an HTTP-date; "
                "backing off instead",
                problem.operation,
                problem.retry_after_header[:64],
            )
    return backoff(attempt, cap)
