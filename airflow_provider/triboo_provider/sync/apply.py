"""Apply a roster sync's plan with the batched calls the client core has.

Order and calls, one per change plus the batched look-ups:

1. ``create``: one create per row, never answered by a blind second POST (the client's
   lost-answer rule looks the user up first). A 409 means the username or e-mail is taken:
   the row's account is looked up and the row planned again against it (it may now be an
   update, a reactivation, unchanged, or a conflict). The new accounts' ids are then read
   with one batched look-up.
2. ``update`` and ``reactivate``: one PATCH by id of the changed fields (a reactivation
   also sends ``is_active: true``). A 409 ``user_inactive`` on a reactivation is the 2021
   server generation, which ignores ``is_active`` in updates: ``cannot_reactivate``.
   A 404 (the account vanished since the read) is ``not_found``.
3. ``deactivate``: bulk deactivation by id, 100 ids per call.

A row the server refuses ends as a ``conflict`` for that line and the others go on: a
400 on create or update (a field the server reads differently, a username another
organisation holds), a 409 of any reason on an update (on a create, once planned again).
Nothing here decides whether to apply (the safety stop and ``dry_run`` are the
operator's). Every outcome is per line (:data:`OUTCOMES`); a systemic error (a refused
token or permission 401/403, a 5xx or 429 after the client's retries, no connection)
propagates and leaves the rest undone: a retried task plans again from the server's
state, so what was done is not done twice.
Logs carry counts and plan labels, never a person's fields. No Airflow, no HTTP import.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args

from triboo_provider.client.errors import (
    TribooConflictError,
    TribooNotFoundError,
    TribooValidationError,
)
from triboo_provider.client.protocols import JSONObject, Log
from triboo_provider.identifiers import match_key
from triboo_provider.sync.plan import PLAN_COLUMNS, Plan, PlanRow

__all__ = ["OUTCOMES", "RESULT_COLUMNS", "Applied", "Outcome", "SyncClient", "apply_plan"]

Outcome = Literal[
    "created",
    "updated",
    "reactivated",
    "deactivated",
    "unchanged",
    "excluded",
    "already_inactive",
    "cannot_reactivate",
    "superuser",
    "not_found",
    "conflict",
]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
RESULT_COLUMNS = (*PLAN_COLUMNS, "outcome")
PROGRESS_EVERY = 100  # rows between two progress lines of a long step
_DEACTIVATED: dict[str, Outcome] = {
    "user_deactivated": "deactivated",
    "user_already_inactive": "already_inactive",
    "user_is_superuser": "superuser",
    "user_not_found": "not_found",
}


class SyncClient(Protocol):
    """What applying needs of :class:`~triboo_provider.hooks.triboo.TribooHook`."""

    def find_users(
        self, *, usernames: Sequence[str] = ..., emails: Sequence[str] = ...
    ) -> list[JSONObject]: ...

    def create_user(self, fields: JSONObject, *, resolve: Literal[False]) -> None: ...

    def update_user(self, *, by: str, identifier: str | int, fields: JSONObject) -> JSONObject: ...

    def deactivate_users(self, *, user_ids: Sequence[int] = ...) -> list[JSONObject]: ...


# A create row planned again against the accounts a 409 pointed at: its one line.
Replan = Callable[[PlanRow, list[JSONObject]], PlanRow]


@dataclass(frozen=True, slots=True)
class Applied:
    """What applying did: each plan line (as finally planned) with its outcome.

    :param lines: in plan order; a create planned again after a 409 is its new line, a
        created account's line carries its ``user_id``; the outcome is None for lines
        nothing was sent for (``unchanged``, ``excluded``, ``conflict`` as planned).
    """

    lines: tuple[tuple[PlanRow, Outcome | None], ...]

    def counts(self) -> dict[str, int]:
        """Lines per outcome, every outcome present (zero included)."""
        counted = Counter(outcome or line.action for line, outcome in self.lines)
        return {outcome: counted.get(outcome, 0) for outcome in OUTCOMES}

    def conflicts(self) -> list[PlanRow]:
        """The lines that ended as conflicts (planned so, or refused by the server)."""
        return [line for line, outcome in self.lines if (outcome or line.action) == "conflict"]

    def rows(self) -> list[dict[str, Any]]:
        """The result as a table: :data:`RESULT_COLUMNS` per line, no field's value; a
        line nothing is sent for has its action as outcome (``unchanged``...), a change
        not sent yet (applying stopped first) an empty one."""
        return [
            {**line.as_dict(), "outcome": outcome or _unsent(line.action)}
            for line, outcome in self.lines
        ]


def _unsent(action: str) -> str | None:
    return None if action in ("create", "update", "reactivate", "deactivate") else action


def apply_plan(
    plan: Plan,
    client: SyncClient,
    *,
    replan: Replan,
    log: Log,
    stopped: Callable[[Applied], object] | None = None,
) -> Applied:
    """Send ``plan``'s changes (module docstring) and say what became of each line.

    :param replan: plans one create row again against the accounts a 409 pointed at.
    :param stopped: called with what was done so far when a systemic error stops
        applying, before it propagates (the operator rewrites the plan file with it); an
        error it raises is logged, and the first error propagates.
    :raises TribooAPIError: an error no line can absorb (after the client's retries).
    :raises TribooConnectionError: no answer, after the client's retries.
    """
    lines: list[tuple[PlanRow, Outcome | None]] = [(item, None) for item in plan.items]
    try:
        _send(client, lines, replan, log)
    except BaseException:
        if stopped is not None:
            try:
                stopped(Applied(tuple(lines)))
            except Exception as problem:  # the first error is the one to report
                kind = type(problem).__name__
                log.warning("sync: the outcomes so far could not be recorded (%s)", kind)
        raise
    return Applied(tuple(lines))


def _send(
    client: SyncClient, lines: list[tuple[PlanRow, Outcome | None]], replan: Replan, log: Log
) -> None:
    steps: list[tuple[str, Callable[[PlanRow], tuple[PlanRow, Outcome]]]] = [
        ("create", lambda item: _create(client, item, replan)),
        ("update", lambda item: _patch(client, item)),
        ("reactivate", lambda item: _patch(client, item)),
    ]
    for action, act in steps:
        todo = [n for n, (item, _) in enumerate(lines) if item.action == action]
        for done, n in enumerate(todo, 1):
            lines[n] = act(lines[n][0])
            if done % PROGRESS_EVERY == 0 or done == len(todo):
                log.info("sync %s: %d of %d rows sent", action, done, len(todo))
    _resolve_created(client, lines)
    _deactivate(client, lines, log)


def _create(client: SyncClient, item: PlanRow, replan: Replan) -> tuple[PlanRow, Outcome]:
    try:
        client.create_user(dict(item.send), resolve=False)
    except TribooConflictError as conflict:
        found = client.find_users(
            usernames=[str(item.send["username"])], emails=[str(item.send["email"])]
        )
        again = replan(item, found)
        if again.action == "create":  # taken, yet by no account of this organisation
            note = f"create refused ({conflict.reason}): the username or e-mail is taken"
            return dataclasses.replace(again, action="conflict", note=note, send={}), "conflict"
        if again.action in ("update", "reactivate"):
            return _patch(client, again)
        return again, again.action  # type: ignore[return-value]  # unchanged/excluded/conflict
    except TribooValidationError as refused:
        return _refused(item, refused), "conflict"
    return item, "created"


def _refused(item: PlanRow, refused: TribooValidationError) -> PlanRow:
    """The conflict line of a row the server refused with a 400: its fields break a rule
    the validation cannot know (``lt_ilt_supervisor`` is an e-mail on one server
    generation and a boolean on the other), or its username is another organisation's
    (the server's uniqueness check spans every organisation: a 400 on ``username``, a 409
    only for its own). Only field names are kept, never the server's words: they may
    repeat the value."""
    names = sorted(refused.field_errors)
    if names == ["username"]:
        note = f"{item.action} refused: the username is another organisation's"
    else:
        note = f"refused by the server: {', '.join(names) or f'HTTP {refused.status_code}'}"
    return dataclasses.replace(item, action="conflict", note=note, send={})


def _patch(client: SyncClient, item: PlanRow) -> tuple[PlanRow, Outcome]:
    assert item.user_id is not None
    try:
        client.update_user(by="id", identifier=item.user_id, fields=dict(item.send))
    except TribooConflictError as conflict:
        if item.action == "reactivate" and conflict.reason == "user_inactive":
            return item, "cannot_reactivate"
        note = f"{item.action} refused ({conflict.reason})"
        return dataclasses.replace(item, note=note), "conflict"
    except TribooNotFoundError:
        return item, "not_found"
    except TribooValidationError as refused:
        return _refused(item, refused), "conflict"
    return item, "updated" if item.action == "update" else "reactivated"


def _resolve_created(client: SyncClient, lines: list[tuple[PlanRow, Outcome | None]]) -> None:
    """The created accounts' ids, in one batched look-up (a create answers none)."""
    created = [n for n, (_, outcome) in enumerate(lines) if outcome == "created"]
    if not created:
        return
    names = [str(lines[n][0].send["username"]) for n in created]
    ids = {
        match_key("username", user.get("username")): int(user["user_id"])
        for user in client.find_users(usernames=names)
    }
    for n, name in zip(created, names, strict=True):
        line = lines[n][0]
        lines[n] = (
            dataclasses.replace(line, user_id=ids.get(match_key("username", name))),
            "created",
        )


def _deactivate(client: SyncClient, lines: list[tuple[PlanRow, Outcome | None]], log: Log) -> None:
    todo = [n for n, (item, _) in enumerate(lines) if item.action == "deactivate"]
    if not todo:
        return
    log.info("sync deactivate: %d accounts, 100 per call", len(todo))
    ids = [int(lines[n][0].user_id or 0) for n in todo]
    answers: Mapping[Any, JSONObject] = {
        answer.get("user_id"): answer for answer in client.deactivate_users(user_ids=ids)
    }
    for n, user_id in zip(todo, ids, strict=True):
        status = str(answers.get(user_id, {}).get("status", "user_not_found"))
        lines[n] = (lines[n][0], _DEACTIVATED.get(status, "not_found"))
