"""When a roster value and an account's value are the same: the project's comparison rules.

These are the rules of ``_changes`` in :mod:`triboo_provider.operators.users` (only the
fields that differ are sent; usernames and e-mails compared ignoring case, as the server's
"already used" check does), plus four a sync needs to reach a fixed point:

- employee ids ignore case too, as the sync matches them;
- the super admin role's two spellings (``Platform Super Admin`` on current builds,
  ``Super Platform Admin`` on 2021 builds and in the vendor document) are one role;
- a blank value (``None`` or ``""``) equals another blank: the server sends ``""`` for some
  unset profile fields and ``null`` for others;
- a field the account's answer does not carry at all is not compared: that server
  generation does not read it back (2021 builds send no ``linkedin_catalog_access``), so a
  change to it could never be seen as done and would be planned again on every run.

Pure Python: no Airflow, no HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from triboo_provider.identifiers import match_key

if TYPE_CHECKING:
    from triboo_provider.identifiers import Kind

__all__ = [
    "CURRENT_ONLY_FIELDS",
    "SUPER_ADMIN_ROLES",
    "changed_fields",
    "reactivates",
    "same_value",
]

SUPER_ADMIN_ROLES = frozenset({"Platform Super Admin", "Super Platform Admin"})
# The catalog flags the current server generation added (the spec's User: "current
# builds"); no 2021 answer carries any of them.
CURRENT_ONLY_FIELDS = frozenset(
    {
        "linkedin_catalog_access",
        "udemy_catalog_access",
        "founderz_catalog_access",
        "siemens_catalog_access",
        "triboo_centrical_access",
    }
)


def reactivates(accounts: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the server that listed ``accounts`` reactivates with ``is_active: true``
    in an update: the current generation does, the 2021 generation does not (the spec's
    "Server generations"). The list answer says which: every current account carries the
    catalog flags :data:`CURRENT_ONLY_FIELDS`, no 2021 account any of them. No accounts:
    True (there is nothing to reactivate)."""
    seen = False
    for account in accounts:
        if CURRENT_ONLY_FIELDS & account.keys():
            return True
        seen = True
    return not seen


def same_value(name: str, first: Any, second: Any) -> bool:
    """Whether ``first`` and ``second`` are one value of field ``name`` for the server.

    Usernames, e-mails and employee ids ignore case and surrounding spaces (MySQL's
    collation; they are what rows are matched by, so a row always equals its match); the two
    spellings of the super admin role are one role; ``None`` and ``""`` are both blank.
    Every other value is compared exactly (``True`` is not ``1``, ``"1990"`` is not
    ``1990``): validated rows already carry the types the API answers with, and a value
    sent as the roster has it reads back equal, so a change is never planned twice.
    """
    if _blank(first) or _blank(second):
        return _blank(first) and _blank(second)
    if name in ("username", "email"):
        kind = cast("Kind", name)
        return match_key(kind, first) == match_key(kind, second)
    if name == "lt_employee_id":  # matched by the same rule: a change of case is none
        return str(first).strip().casefold() == str(second).strip().casefold()
    if name == "platform_role" and first in SUPER_ADMIN_ROLES and second in SUPER_ADMIN_ROLES:
        return True
    # A flag is not a number: ``True == 1`` in Python, not for the API.
    return isinstance(first, bool) == isinstance(second, bool) and bool(first == second)


def changed_fields(
    wanted: Mapping[str, Any], current: Mapping[str, Any], *, key: str | None = None
) -> dict[str, Any]:
    """The fields of ``wanted`` whose value differs from ``current``'s, to send as a PATCH.

    :param wanted: a validated roster row (field name to value).
    :param current: the account as the list route answers it.
    :param key: the matching column, never a change (it matched by the same rules).
    :return: the changed fields with ``wanted``'s values, in ``wanted``'s order; empty when
        nothing changes. Fields absent from ``current`` are left out (see the module's
        docstring).
    """
    return {
        name: value
        for name, value in wanted.items()
        if name != key and name in current and not same_value(name, value, current[name])
    }


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
