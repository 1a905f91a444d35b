"""The roster sync's plan: what to do to make the LMS accounts equal to the HR roster.

:func:`compute_plan` reads the roster (validated rows) and the organisation's accounts
(one paged read of the list route) and decides, without any request:

==============  ===========================================================================
``create``      a row with no account
``update``      a row whose active account differs in the row's own columns (changed
                fields only, compared by :mod:`~triboo_provider.sync.compare`)
``reactivate``  a row whose account is inactive (with its changed fields, if any); noted
                ``cannot reactivate`` when ``can_reactivate=False``: the 2021 generation
                does not read ``is_active`` in an update (an inactive user's update is a 409)
``deactivate``  an active account in scope that no row points at
``unchanged``   a row whose active account already equals it
``excluded``    a row whose account is outside the scope (never touched), or a row that
                says its person is outside it (``scope``'s role or fields) and has no account;
                but an account outside only by ``where`` fields that the row sets to the
                scope's values is adopted (``update``/``reactivate``, ``moves into scope``)
``conflict``    a row that cannot be acted on without guessing (kinds in
                :data:`~triboo_provider.sync.match.ConflictKind`); nothing is done for it
==============  ===========================================================================

Every roster row is in the plan once, and so is every active account in scope; inactive
or out-of-scope accounts no row points at are not (nothing is done to them). An account
any key of any row points at is never deactivated, even when the row is a conflict: if no
line names it otherwise, it is ``unchanged`` with the note ``held by a conflict: row N``.

The plan's table (:meth:`Plan.rows`) holds, per row, the action, the matching key as the
roster or the account has it (needed to act on it: a plan file is as private as the
roster), the user id, the NAMES of the fields that change, the roster row's label and a
note; never a field's value. Pure Python.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from triboo_provider.exceptions import TribooInputError, TribooPolicyError
from triboo_provider.sync.compare import changed_fields
from triboo_provider.sync.match import (
    AccountIndex,
    Match,
    MatchOn,
    match_row,
    repeated_keys,
    user_id,
)
from triboo_provider.sync.safety import DEFAULT_MAX_DEACTIVATIONS, refusals
from triboo_provider.sync.scope import Scope, as_scope

__all__ = ["ACTIONS", "PLAN_COLUMNS", "Action", "Plan", "PlanRow", "compute_plan"]

Action = Literal[
    "create", "update", "reactivate", "deactivate", "unchanged", "excluded", "conflict"
]
ACTIONS: tuple[Action, ...] = get_args(Action)
PLAN_COLUMNS = ("action", "key", "user_id", "fields", "row", "note")
CANNOT_REACTIVATE = "cannot reactivate: this server generation ignores is_active in updates"
MOVES_IN = "moves into scope"


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One line of the plan.

    :param action: what to do (:data:`Action`).
    :param key: the ``match_on`` value, as the roster row (or, for ``deactivate``, the
        account) has it; None when blank.
    :param user_id: the account acted on; None for ``create`` and for a conflict that
        found none.
    :param fields: the names of the fields to send (``create``: the row's columns), in the
        row's order.
    :param row: the roster row's label (``row 12``, ``line 13``...); None for ``deactivate``.
    :param note: the conflict kind and which accounts (by id), why a row is excluded, or
        that a reactivation is not possible; None otherwise.
    :param send: the values to send, for applying only: never written, logged or shown
        (``repr`` leaves it out).
    """

    action: Action
    key: str | None
    user_id: int | None
    fields: tuple[str, ...] = ()
    row: str | None = None
    note: str | None = None
    send: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The row as a table line (:data:`PLAN_COLUMNS`); ``fields`` comma-separated."""
        return {
            "action": self.action,
            "key": self.key,
            "user_id": self.user_id,
            "fields": ",".join(self.fields),
            "row": self.row,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """A computed plan: its lines, and what the safety stop found.

    :param items: roster rows first, in roster order, then deactivations by user id.
    :param match_on: the matching column.
    :param in_scope_active: the active accounts in scope (the base of a fractional
        ``max_deactivations``).
    :param refused: why the safety stop refuses the plan (empty: it may be applied).
    """

    items: tuple[PlanRow, ...]
    match_on: MatchOn
    in_scope_active: int
    refused: tuple[str, ...] = ()

    def rows(self) -> list[dict[str, Any]]:
        """The plan as a table: one dict per line, keys :data:`PLAN_COLUMNS`."""
        return [item.as_dict() for item in self.items]

    def counts(self) -> dict[str, int]:
        """Lines per action, every action present (zero included), in :data:`ACTIONS`'
        order."""
        counted = Counter(item.action for item in self.items)
        return {action: counted.get(action, 0) for action in ACTIONS}

    def of(self, action: Action) -> list[PlanRow]:
        """The lines of one action, in plan order."""
        return [item for item in self.items if item.action == action]

    def enforce(self) -> None:
        """Raise the safety stop's refusal, if any; call before the first change.

        :raises TribooPolicyError: listing each reason with the override to pass.
        """
        if self.refused:
            raise TribooPolicyError(
                list(self.refused), done="the organisation's users were read; nothing changed"
            )


def compute_plan(
    roster: Sequence[Mapping[str, Any]],
    accounts: Iterable[Mapping[str, Any]],
    *,
    labels: Sequence[str] | None = None,
    match_on: MatchOn = "email",
    scope: Scope | Mapping[str, Any] | None = None,
    api_username: str | None = None,
    max_deactivations: int | float = DEFAULT_MAX_DEACTIVATIONS,
    can_reactivate: bool = True,
    enforce: bool = True,
) -> Plan:
    """Plan the changes that make the accounts equal to the roster (module docstring).

    :param roster: validated rows (``validate_users(rows, creating=True)``'s ``rows``).
    :param accounts: every user of the organisation, as the list route answers them
        (dicts with ``user_id``, ``username``, ``email``, ``is_active`` and the profile).
    :param labels: each row's name in the plan (default ``row 1``, ``row 2``...).
    :param match_on: ``email`` (default), ``username`` or ``lt_employee_id``.
    :param scope: the accounts the sync owns (:class:`~triboo_provider.sync.scope.Scope`,
        or a ``where`` mapping such as ``{"lt_company": "Acme"}``); default: every
        account but superusers, staff (admin roles) and the API user.
    :param api_username: the API user's username, never in scope. The spec requires the
        API user to be a superuser, which is outside the scope anyway when its role says so.
    :param max_deactivations: a count (int) or a fraction (float, 0..1) of the in-scope
        active accounts (:mod:`~triboo_provider.sync.safety`).
    :param can_reactivate: False on the 2021 server generation (reactivations are noted).
    :param enforce: raise the safety stop here (default). With False, the caller writes
        the plan first and must call :meth:`Plan.enforce` before any change.
    :raises TribooInputError: a bad ``match_on``, ``scope`` or ``max_deactivations``, or
        labels that do not pair with the rows.
    :raises TribooPolicyError: the safety stop (with ``enforce``).
    """
    if match_on not in get_args(MatchOn):
        raise TribooInputError([f"match_on: one of {', '.join(get_args(MatchOn))}"])
    chosen = as_scope(scope)
    names = list(labels) if labels is not None else [f"row {n}" for n in range(1, len(roster) + 1)]
    if len(names) != len(roster):
        raise TribooInputError([f"labels: {len(names)} for {len(roster)} rows"])
    known = [account for account in accounts if account.get("user_id") is not None]
    index = AccountIndex(known)
    repeated = repeated_keys(roster)
    api = api_username or ""
    items: list[PlanRow] = []
    held: dict[int, list[str]] = {}
    for label, row in zip(names, roster, strict=True):
        match = match_row(row, match_on, index, repeated)
        for account_id in match.held:
            held.setdefault(account_id, []).append(label)
        items.append(
            _row_action(
                row,
                label,
                match,
                match_on=match_on,
                scope=chosen,
                api_username=api,
                can_reactivate=can_reactivate,
            )
        )
    active = sorted(
        (a for a in known if a.get("is_active") is True and not chosen.account_outside(a, api)),
        key=user_id,
    )
    listed = {item.user_id for item in items}
    items += [
        _unclaimed(account, match_on, held) for account in active if user_id(account) not in listed
    ]
    deactivations = sum(1 for item in items if item.action == "deactivate")
    plan = Plan(
        tuple(items),
        match_on,
        len(active),
        tuple(
            refusals(
                rows=len(roster),
                deactivations=deactivations,
                in_scope_active=len(active),
                max_deactivations=max_deactivations,
            )
        ),
    )
    if enforce:
        plan.enforce()
    return plan


def _row_action(  # noqa: PLR0911 - one return per outcome reads best
    row: Mapping[str, Any],
    label: str,
    match: Match,
    *,
    match_on: MatchOn,
    scope: Scope,
    api_username: str,
    can_reactivate: bool,
) -> PlanRow:
    key = _key(row.get(match_on))
    target = match.target
    target_id = user_id(target) if target is not None else None
    if match.conflict is not None:
        return PlanRow(
            "conflict", key, target_id, row=label, note=f"{match.conflict}: {match.note}"
        )
    if target is None:
        outside = scope.row_outside(row)
        if outside:
            return PlanRow("excluded", key, None, row=label, note=f"row outside scope: {outside}")
        missing = scope.missing_on_create(row)
        if missing:
            note = f"outside_scope: created without {', '.join(missing)}"
            return PlanRow("conflict", key, None, row=label, note=note)
        return PlanRow("create", key, None, tuple(row), label, send=dict(row))
    outside = scope.account_outside(target, api_username)
    adopted = bool(outside) and scope.takes_in(target, row, outside or "")
    if outside and not adopted:
        return PlanRow(
            "excluded", key, target_id, row=label, note=f"account outside scope: {outside}"
        )
    outside = scope.row_outside(row)
    if outside:
        return PlanRow("conflict", key, target_id, row=label, note=f"leaves_scope: {outside}")
    changes = changed_fields(row, target, key=match_on)
    notes = [MOVES_IN] if adopted else []
    if target.get("is_active") is False:
        remark = "; ".join(notes + ([] if can_reactivate else [CANNOT_REACTIVATE])) or None
        send = {**changes, "is_active": True}
        return PlanRow("reactivate", key, target_id, tuple(changes), label, remark, send)
    if changes:
        return PlanRow(
            "update", key, target_id, tuple(changes), label, MOVES_IN if adopted else None, changes
        )
    return PlanRow("unchanged", key, target_id, row=label)


def _unclaimed(
    account: Mapping[str, Any], match_on: MatchOn, held: dict[int, list[str]]
) -> PlanRow:
    """The line of an in-scope active account no row acts on: deactivated, unless a row's
    key points at it (a conflict holds it until resolved)."""
    key, account_id = _key(account.get(match_on)), user_id(account)
    if account_id in held:
        note = f"held by a conflict: {', '.join(held[account_id])}"
        return PlanRow("unchanged", key, account_id, note=note)
    return PlanRow("deactivate", key, account_id)


def _key(value: Any) -> str | None:
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    return text or None
