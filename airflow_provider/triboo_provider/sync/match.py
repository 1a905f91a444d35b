"""How a roster row finds its account, and when it cannot say which one (a conflict).

A row is matched by its ``match_on`` column, folded by the project's identifier rules
(:func:`triboo_provider.identifiers.match_key`: usernames and e-mails ignore case and
surrounding spaces, as the server's MySQL collation does; employee ids are folded the same
way, the profile column sharing that collation). Its other identifying columns
(``username``, ``email``, ``lt_employee_id``, whichever it carries) must point at the same
account or at none: a row whose e-mail is account A's and whose employee id is account B's
is reported, not guessed. Pure Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from triboo_provider.identifiers import match_key

__all__ = [
    "KEYS",
    "AccountIndex",
    "ConflictKind",
    "Match",
    "MatchOn",
    "fold",
    "match_row",
    "repeated_keys",
]

MatchOn = Literal["email", "username", "lt_employee_id"]
KEYS: tuple[MatchOn, ...] = ("email", "username", "lt_employee_id")
ConflictKind = Literal[
    "blank_key",  # the row has no value in the match_on column
    "duplicate_key",  # several rows share a key (username, e-mail or employee id)
    "ambiguous_key",  # several accounts share the row's match_on value (employee ids)
    "other_account",  # another of the row's keys is a different account's
    "leaves_scope",  # the row matches an account in scope but says it is outside it
    "outside_scope",  # an account created from the row would be outside the scope
]


def fold(kind: MatchOn, value: Any) -> str | None:
    """The key under which ``value`` of column ``kind`` matches, None for a blank one."""
    if value is None or isinstance(value, bool):
        return None
    folded = match_key(kind, value) if kind != "lt_employee_id" else str(value).strip().casefold()
    return str(folded) if folded else None


def user_id(account: Mapping[str, Any]) -> int:
    """An account's id (the list route's answers always carry an integer one)."""
    return int(account["user_id"])


class AccountIndex:
    """The organisation's accounts by each identifying column's folded value."""

    def __init__(self, accounts: Iterable[Mapping[str, Any]]) -> None:
        self.by: dict[MatchOn, dict[str, list[Mapping[str, Any]]]] = {
            kind: defaultdict(list) for kind in KEYS
        }
        for account in accounts:
            for kind in KEYS:
                key = fold(kind, account.get(kind))
                if key is not None:
                    self.by[kind][key].append(account)

    def find(self, kind: MatchOn, value: Any) -> list[Mapping[str, Any]]:
        """The accounts whose ``kind`` matches ``value`` (none for a blank value)."""
        key = fold(kind, value)
        return list(self.by[kind].get(key, ())) if key is not None else []


@dataclass(slots=True)
class Match:
    """What a row's keys found.

    :param target: the account the row acts on, None to create one (or on a conflict).
    :param held: the ids of every account any key of the row points at: none of them may
        be deactivated, whatever the row's outcome (a conflict holds them until resolved).
    :param conflict: why the row cannot be acted on, or None.
    :param note: for a conflict, which accounts (by id) and keys disagree; never a value.
    """

    target: Mapping[str, Any] | None = None
    held: set[int] = field(default_factory=set)
    conflict: ConflictKind | None = None
    note: str | None = None


def repeated_keys(roster: Iterable[Mapping[str, Any]]) -> dict[MatchOn, set[str]]:
    """Per identifying column, the folded values more than one roster row carries.

    ``validate_users`` already refuses rows repeating a username or an e-mail; a repeated
    employee id, or rows that were not validated, are caught here.
    """
    seen: dict[MatchOn, set[str]] = {kind: set() for kind in KEYS}
    repeated: dict[MatchOn, set[str]] = {kind: set() for kind in KEYS}
    for row in roster:
        for kind in KEYS:
            key = fold(kind, row.get(kind))
            if key is not None:
                (repeated if key in seen[kind] else seen)[kind].add(key)
    return repeated


def match_row(
    row: Mapping[str, Any],
    match_on: MatchOn,
    index: AccountIndex,
    repeated: Mapping[MatchOn, set[str]],
) -> Match:
    """Find ``row``'s account by ``match_on`` and check its other keys agree.

    :param repeated: :func:`repeated_keys` of the whole roster: a row sharing any key
        with another row is a conflict (both would act on, or create, one account).
    """
    found = {kind: index.find(kind, row.get(kind)) for kind in KEYS}
    held = {user_id(account) for accounts in found.values() for account in accounts}
    primary = fold(match_on, row.get(match_on))
    if primary is None:
        return Match(held=held, conflict="blank_key", note=f"no {match_on}")
    shared = [kind for kind in KEYS if fold(kind, row.get(kind)) in repeated[kind]]
    if shared:
        note = f"{' and '.join(shared)} on several rows"
        return Match(held=held, conflict="duplicate_key", note=note)
    hits = found[match_on]
    if len(hits) > 1:
        ids = ", ".join(str(user_id(account)) for account in hits)
        return Match(held=held, conflict="ambiguous_key", note=f"{match_on} of users {ids}")
    target = hits[0] if hits else None
    others = [
        f"its {kind} is user {user_id(account)}'s"
        for kind in KEYS
        if kind != match_on
        for account in found[kind]
        if account is not target
    ]
    if others:
        head = f"{match_on} is user {user_id(target)}'s, " if target is not None else ""
        note = head + "; ".join(others)
        return Match(target=target, held=held, conflict="other_account", note=note)
    return Match(target=target, held=held)
