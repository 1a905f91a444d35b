"""Validate user rows against the spec's rules before any API call is made.

The rules mirror ``UserWritable`` in ``openapi/triboo.yaml`` (a test keeps them in step).
Every problem is reported, each naming its row and field; values are coerced to the types
the API wants (``"yes"`` to ``True``, ``"1990"`` to ``1990``). Pure Python, no Airflow.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from triboo_provider.identifiers import (
    USERNAME,
    email_problem,
    match_key,
    username_problem,
)

__all__ = ["USERNAME", "Validated", "parse_bool", "validate_users"]

REQUIRED_ON_CREATE = ("username", "email", "first_name", "last_name", "name")
MAX_LENGTH = {"username": 150, "email": 254, "first_name": 30, "last_name": 30, "name": 255}
COUNTRY = re.compile(r"^[A-Z]{2}$")
ENUMS: dict[str, tuple[str, ...]] = {
    "platform_role": (
        "Learner",
        "Studio Admin",
        "Studio Super Admin",
        "Platform Admin",
        "Super Platform Admin",
    ),
    "analytics_access": ("Restricted", "Full Access"),
    "level_of_education": ("p", "m", "b", "a", "hs", "jhs", "el", "none", "other"),
    "gender": ("m", "f", "o"),
}
BOOLEANS = (
    "lt_gdpr",
    "lt_exempt_status",
    "lt_is_tos_agreed",
    "internal_catalog_access",
    "edflex_catalog_access",
    "crehana_catalog_access",
    "anderspink_catalog_access",
    "learnlight_catalog_access",
    "linkedin_catalog_access",
    "udemy_catalog_access",
    "founderz_catalog_access",
    "siemens_catalog_access",
    "triboo_centrical_access",
)
STRINGS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "name",
    "language",
    "location",
    "bio",
    "goals",
    "city",
    "lt_custom_country",
    "lt_area",
    "lt_sub_area",
    "lt_address",
    "lt_address_2",
    "lt_phone_number",
    "lt_company",
    "lt_employee_id",
    "lt_level",
    "lt_job_code",
    "lt_job_description",
    "lt_department",
    "lt_supervisor",
    "lt_learning_group",
    "lt_comments",
    "lt_ilt_supervisor",
    "country",
)
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # ASCII digits, no more than a 64-bit integer holds
MAX_TEXT = 10_000  # fields without a documented limit: a sanity bound, not the server's
WRITABLE = frozenset((*STRINGS, *BOOLEANS, *ENUMS, "year_of_birth", "lt_hire_date"))
_TRUE = frozenset({"true", "1", "yes", "y", "on", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "off", "f"})


@dataclass
class Validated:
    """Clean rows, ready to send, and every problem found (``row N, field F: message``)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    return None


def validate_users(
    rows: Iterable[Mapping[str, Any]],
    *,
    creating: bool,
    key: str | None = None,
    labels: Iterable[str] | None = None,
) -> Validated:
    """Check and coerce user rows.

    :param creating: the five create fields are required.
    :param key: for updates, the identifying column (``user_id``, ``username`` or
        ``email``), kept apart from the fields to change.
    :param labels: how to name each row in messages (default ``row 1``, ``row 2``…).
    """
    result = Validated()
    # Two rows naming one account (usernames and e-mails ignore case on the server) would
    # act on it twice: reported like any other problem.
    seen: dict[str, dict[Any, str]] = {"user_id": {}, "username": {}, "email": {}}
    label_iter = iter(labels) if labels is not None else None
    for index, row in enumerate(rows, start=1):
        label = next(label_iter) if label_iter is not None else f"row {index}"
        clean, problems = _validate_row(row, creating=creating, key=key)
        for name in ("user_id", "username", "email"):
            folded = match_key(name, clean.get(name))
            if folded is None:
                continue
            if folded in seen[name]:
                problems.append(f"{name}: repeats {seen[name][folded]}")
            else:
                seen[name][folded] = label
        result.problems.extend(
            f"{label}, field {p}" if ":" in p else f"{label}: {p}" for p in problems
        )
        result.rows.append(clean)
    if not result.rows:
        result.problems.append("the input has no rows")
    return result


def _validate_row(
    row: Mapping[str, Any], *, creating: bool, key: str | None
) -> tuple[dict[str, Any], list[str]]:
    clean: dict[str, Any] = {}
    problems: list[str] = []
    present = {k: v for k, v in row.items() if not _missing(v)}
    if key is not None:
        identifier = present.pop(key, None)
        if identifier is None:
            problems.append(f"{key}: required to find the user")
        elif key == "user_id":
            number = _int(identifier)
            if number is None or number < 1:
                problems.append("user_id: not a positive integer")
            clean[key] = number
        elif isinstance(identifier, bool) or not isinstance(identifier, str | int):
            problems.append(f"{key}: a {type(identifier).__name__}, not text")
        else:
            clean[key] = str(identifier).strip()
            check = username_problem if key == "username" else email_problem
            problem = check(clean[key])
            if problem:
                problems.append(f"{key}: {problem}")
    if creating:
        problems += [f"{name}: required" for name in REQUIRED_ON_CREATE if name not in present]
    allowed = WRITABLE | ({"is_active"} if not creating else set())
    for name, value in present.items():
        if name not in allowed:
            problems.append(f"{name}: unknown field")
            continue
        problem = _check(name, value, clean)
        if problem:
            problems.append(f"{name}: {problem}")
    if key is not None and len(clean) == 1 and not problems:
        problems.append("no field to change")
    return clean, problems


def _check(name: str, value: Any, clean: dict[str, Any]) -> str | None:  # noqa: PLR0911, PLR0912
    if name in BOOLEANS or name == "is_active":
        flag = parse_bool(value)
        if flag is None:
            return "not a boolean (true/false, yes/no, 1/0)"
        clean[name] = flag
        return None
    if name == "year_of_birth":
        year = _int(value)
        if year is None or not 1900 <= year <= 2100:
            return "not a year between 1900 and 2100"
        clean[name] = year
        return None
    if name == "lt_hire_date" and isinstance(value, dt.date):
        clean[name] = (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        # str() would send "['a']" or "12345.0" (pandas makes integer columns with blanks
        # float): only text and integers are text.
        return f"a {type(value).__name__}, not text"
    text = str(value).strip()
    if not text:
        return "blank (omit the field instead: the server refuses blank values)"
    if name == "lt_hire_date":
        try:
            clean[name] = dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return "not a date (YYYY-MM-DD)"
        return None
    if name in ENUMS:
        if text not in ENUMS[name]:
            return f"not one of {', '.join(ENUMS[name])}"
    elif len(text) > MAX_LENGTH.get(name, MAX_TEXT):
        return f"{len(text)} characters, at most {MAX_LENGTH.get(name, MAX_TEXT)} allowed"
    elif name == "username" and username_problem(text):
        return str(username_problem(text))
    elif name in ("email", "lt_ilt_supervisor") and email_problem(text):
        return str(email_problem(text))
    elif name == "country" and not COUNTRY.match(text):
        return "not an ISO 3166 alpha-2 code such as FR"
    clean[name] = text
    return None


def _int(value: Any) -> int | None:
    """An integer from an int or from ASCII digits (``"١٢"`` and ``"²"`` are no number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if _INTEGER.fullmatch(text) else None


def _missing(value: Any) -> bool:
    """A value that means "not given": None, "", a float NaN, or pandas' NA and NaT (rows
    from ``DataFrame.to_dict("records")``), recognised without importing pandas."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")
