"""Which accounts a roster sync owns: the scope.

A sync may update, reactivate and deactivate only the accounts in its scope. By default
that is every account of the organisation except superusers, staff and the API user
itself. The list route answers neither ``is_staff`` nor ``is_superuser`` on either server
generation (the spec's ``User``: the profile plus ``user_id`` and ``is_active``), so the
role stands in for them:

- a **superuser** is an account whose ``platform_role`` is the super admin role (either
  spelling: ``Platform Super Admin``, 2021's ``Super Platform Admin``), or whose answer
  says ``is_superuser: true`` (a server newer than the spec may send it). Always outside:
  the server refuses to update or deactivate a superuser anyway (409);
- **staff** are the accounts with an admin role (``Studio Admin``, ``Studio Super Admin``,
  ``Platform Admin``, or a role this provider does not know) or ``is_staff: true``: only
  roles listed in :attr:`Scope.roles` are in scope, ``Learner`` by default (a blank role
  is ``Learner``, the server's default). Erring this way only leaves an admin alone.

:attr:`Scope.where` narrows the scope by field equality (``{"lt_company": "Acme"}``),
compared by :func:`~triboo_provider.sync.compare.same_value`. Pure Python.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from triboo_provider.exceptions import TribooInputError
from triboo_provider.identifiers import match_key
from triboo_provider.sync.compare import SUPER_ADMIN_ROLES, same_value
from triboo_provider.validation import ENUMS, WRITABLE, validate_users

__all__ = ["DEFAULT_ROLES", "Scope", "as_scope"]

DEFAULT_ROLES = frozenset({"Learner"})
KNOWN_ROLES = frozenset(ENUMS["platform_role"]) | SUPER_ADMIN_ROLES
_NAME = re.compile(r"[a-z_]{1,38}[0-9]{0,2}")


@dataclass(frozen=True, slots=True)
class Scope:
    """The accounts a sync owns.

    :param where: field name to value; an account is in scope only if every field equals
        its value (``None`` or ``""``: the field is blank). Names are the writable user
        fields (``lt_company``, ``lt_department``, ``country``...).
    :param roles: the ``platform_role`` values in scope (default ``Learner`` only). The
        super admin role is never in scope, even if listed.
    """

    where: Mapping[str, Any] = field(default_factory=dict)
    roles: frozenset[str] = DEFAULT_ROLES

    def account_outside(self, account: Mapping[str, Any], api_username: str) -> str | None:
        """Why ``account`` is outside the scope (a short reason, no value), or None.

        Reasons: ``api user``, ``superuser``, ``staff``, ``role``, ``field <name>``.
        """
        if match_key("username", account.get("username")) == match_key("username", api_username):
            return "api user"
        role = account.get("platform_role") or "Learner"
        if account.get("is_superuser") is True or role in SUPER_ADMIN_ROLES:
            return "superuser"
        if account.get("is_staff") is True:
            return "staff"
        if role not in self.roles:
            return "role"
        for name, value in self.where.items():
            if not same_value(name, account.get(name), value):
                return f"field {name}"
        return None

    def row_outside(self, row: Mapping[str, Any]) -> str | None:
        """Why a roster row says its person is outside the scope (a role or a ``where``
        field it carries with another value), or None. A field the row does not carry
        says nothing."""
        role = row.get("platform_role")
        if role is not None and (role in SUPER_ADMIN_ROLES or role not in self.roles):
            return "role"
        for name, value in self.where.items():
            if name in row and not same_value(name, row[name], value):
                return f"field {name}"
        return None

    def takes_in(self, account: Mapping[str, Any], row: Mapping[str, Any], reason: str) -> bool:
        """Whether a row adopts ``account``, outside the scope for ``reason``
        (:meth:`account_outside`): the account is outside only by ``where`` fields, and
        the row carries each field it differs in with the scope's value (an account that
        moves in, e.g. a transfer between two countries' syncs). Adopting updates those
        fields, so the account is in scope afterwards; staff, superusers, other roles and
        the API user are never adopted, and neither is an account whose answer lacks a
        differing field (the change could never be read back)."""
        if not reason.startswith("field ") or self.row_outside(row) is not None:
            return False
        return all(
            name in account and name in row and same_value(name, row[name], value)
            for name, value in self.where.items()
            if not same_value(name, account.get(name), value)
        )

    def missing_on_create(self, row: Mapping[str, Any]) -> list[str]:
        """The ``where`` fields an account created from ``row`` would lack: created
        without them, it would fall outside the scope at once (and never be deactivated
        by the sync). A blank ``where`` value needs no column."""
        return [
            name
            for name, value in self.where.items()
            if name not in row and not same_value(name, None, value)
        ]


def as_scope(value: Scope | Mapping[str, Any] | None) -> Scope:
    """A :class:`Scope` from a Scope, a ``where`` mapping or None (the default scope).

    :raises TribooInputError: a ``where`` name that is no writable user field, a value
        that is not text, an integer, a boolean or None or that breaks the field's rule
        (``{"country": "it"}``: codes are upper case), or an unknown role; every problem is
        listed. Values are coerced as roster cells are (``"yes"`` is True, text stripped).
    """
    scope = Scope() if value is None else value if isinstance(value, Scope) else None
    if scope is None:
        if not isinstance(value, Mapping):
            raise TribooInputError([f"scope: a {type(value).__name__}, not a mapping of fields"])
        scope = Scope(where=dict(value))
    problems = []
    for name, wanted in scope.where.items():
        if not isinstance(name, str) or name not in WRITABLE:
            problems.append(f"scope: {_shown(name)} is no writable user field")
        elif not _scalar(wanted):
            problems.append(f"scope field {name}: a {type(wanted).__name__}, not a value")
    problems += [
        f"scope roles: {role!r} is not a platform_role"
        for role in sorted(scope.roles, key=str)
        if role not in KNOWN_ROLES
    ]
    if not problems:
        # Compared exactly, a value no account can hold ({"country": "it"}) would own
        # nothing: each is checked and coerced by the field's rule, as a roster cell is.
        checked = validate_users([dict(scope.where)], creating=False, labels=["scope"])
        problems = checked.problems
        scope = dataclasses.replace(scope, where={**scope.where, **checked.rows[0]})
    if problems:
        raise TribooInputError(problems)
    return scope


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | bool)


def _shown(name: Any) -> str:
    """A field name as a message may repeat it: only one that looks like a field name
    (the extra-name rule: a value pasted in the wrong place stays out of logs)."""
    return repr(name) if isinstance(name, str) and _NAME.fullmatch(name) else "a name"
