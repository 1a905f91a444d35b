"""Accounts and rows for the roster sync's tests, and a plan applied as the server would."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from triboo_provider.sync import Plan
from triboo_sandbox.fields import PROFILE_DEFAULTS


def account(user_id: int, name: str, *, active: bool = True, **fields: Any) -> dict[str, Any]:
    """An account as the list route answers it (every profile field, the server's blanks)."""
    return {
        **PROFILE_DEFAULTS,
        "user_id": user_id,
        "username": name,
        "email": f"{name}@acme.example.com",
        "first_name": name.title(),
        "last_name": "Doe",
        "name": f"{name.title()} Doe",
        "lt_employee_id": f"E{user_id:04d}",
        "is_active": active,
        **fields,
    }


def row(name: str, employee_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A validated roster row for the person ``name`` (as :func:`account` makes them)."""
    made = {
        "username": name,
        "email": f"{name}@acme.example.com",
        "first_name": name.title(),
        "last_name": "Doe",
        "name": f"{name.title()} Doe",
        **fields,
    }
    if employee_id is not None:
        made["lt_employee_id"] = employee_id
    return made


def api_user() -> dict[str, Any]:
    return account(1, "api-acme", platform_role="Platform Super Admin", lt_employee_id=None)


def applied(plan: Plan, accounts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The accounts after ``plan`` was applied as a current server applies it."""
    by_id = {int(a["user_id"]): dict(a) for a in accounts}
    next_id = max(by_id, default=0) + 1
    for item in plan.items:
        if item.action == "create":
            by_id[next_id] = {**PROFILE_DEFAULTS, **item.send, "user_id": next_id}
            by_id[next_id]["is_active"] = True
            next_id += 1
        elif item.action in ("update", "reactivate"):
            assert item.user_id is not None
            by_id[item.user_id].update(item.send)
        elif item.action == "deactivate":
            assert item.user_id is not None
            by_id[item.user_id]["is_active"] = False
    return list(by_id.values())
