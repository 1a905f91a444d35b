"""User fields as the Triboo server accepts and sends them, and their validation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from triboo_sandbox.generations import CURRENT, CURRENT_ONLY_FLAGS, Generation

# Profile fields in the order the server sends them, with the value of an unset field.
PROFILE_DEFAULTS: dict[str, Any] = {
    "email": "",
    "username": "",
    "first_name": "",
    "last_name": "",
    "language": "",
    "location": "",
    "year_of_birth": None,
    "bio": None,
    "goals": None,
    "level_of_education": None,
    "name": "",
    "gender": None,
    "city": None,
    "country": "",
    "lt_custom_country": None,
    "lt_area": None,
    "lt_sub_area": None,
    "lt_address": None,
    "lt_address_2": None,
    "lt_phone_number": None,
    "lt_gdpr": False,
    "lt_company": None,
    "lt_employee_id": None,
    "lt_hire_date": None,
    "lt_level": None,
    "lt_job_code": None,
    "lt_job_description": None,
    "lt_department": None,
    "lt_supervisor": None,
    "lt_learning_group": None,
    "lt_exempt_status": True,
    "lt_is_tos_agreed": False,
    "lt_comments": None,
    "lt_ilt_supervisor": None,
    "platform_role": "Learner",
    "analytics_access": None,
    "internal_catalog_access": True,
    "edflex_catalog_access": True,
    "crehana_catalog_access": True,
    "anderspink_catalog_access": True,
    "learnlight_catalog_access": True,
    "linkedin_catalog_access": True,
    "udemy_catalog_access": True,
    "founderz_catalog_access": True,
    "siemens_catalog_access": True,
    "triboo_centrical_access": True,
}
REQUIRED_ON_CREATE = ("username", "email", "first_name", "last_name", "name")
BOOLEAN_FIELDS = frozenset(k for k, v in PROFILE_DEFAULTS.items() if isinstance(v, bool))
CATALOG_FLAGS = frozenset(k for k in BOOLEAN_FIELDS if k.endswith("_access"))
STRING_FIELDS = frozenset(
    k
    for k, v in PROFILE_DEFAULTS.items()
    if k not in BOOLEAN_FIELDS
    and k not in {"year_of_birth", "lt_hire_date", "platform_role", "analytics_access"}
)
GRANTABLE_ROLES = ("Learner", "Studio Admin", "Studio Super Admin", "Platform Admin")
SUPER_ADMIN = "Platform Super Admin"  # the current spelling, as the store keeps it
SUPER_ADMIN_2021 = "Super Platform Admin"  # the 2021 (and vendor) spelling
LEGACY_ROLE_SPELLING = {SUPER_ADMIN: SUPER_ADMIN_2021}
ANALYTICS_ACCESS = ("Restricted", "Full Access")
LEVELS_OF_EDUCATION = ("p", "m", "b", "a", "hs", "jhs", "el", "none", "other")
GENDERS = ("m", "f", "o")
MAX_LENGTH = {"username": 150, "first_name": 30, "last_name": 30, "email": 254, "name": 255}


def is_username(value: str) -> bool:
    """The server's username rule: Django's ``ASCIIUsernameValidator`` (the fork runs Django
    1.11 on Python 2, where the model's validator is the ASCII one)."""
    try:
        _USERNAME(value)
    except ValidationError:
        return False
    return True


def is_email(value: str) -> bool:
    """The server's e-mail rule: Django's own ``validate_email``."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


_USERNAME = ASCIIUsernameValidator()
_TRUE = {"true", "1", "yes", "on", "t", "y"}
_FALSE = {"false", "0", "no", "off", "f", "n"}


class ServerCrash(Exception):
    """Input the real server does not validate and crashes on (it answers 500)."""


def parse_bool(value: Any) -> bool | None:
    """Django REST framework's boolean parsing; None when the value is not a boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


def py2_int(value: Any) -> int | None:
    """``int(value)`` as the fork's Python 2 computes it on text (Django's paginator, an
    ``AutoField`` look-up): surrounding whitespace and any Unicode decimal digits are
    taken, underscores are not (Python 3.6 added them); None where it raises ValueError."""
    text = str(value)
    if "_" in text:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def char_problem(value: Any, required: bool = False) -> str | None:
    """Django REST framework 3.6's ``CharField`` errors, or None (``...`` is an absent
    field): text, integers and floats pass, blank means empty once stripped."""
    if value is ...:
        return "This field is required." if required else None
    if value is None:
        return "This field may not be null."
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return "Not a valid string."
    return "This field may not be blank." if str(value).strip() == "" else None


# Django 1.11's ``parse_date``: a regular expression only (no ``date.fromisoformat``, which
# Python 2 lacks), ASCII digits, one- or two-digit month and day.
_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$", re.ASCII)
DATE_FORMAT_ERROR = "Date has wrong format. Use one of these formats instead: YYYY[-MM[-DD]]."
# Django REST framework 3.6's ``IntegerField`` drops a trailing ".0…" before int().
_DECIMAL_ZEROS = re.compile(r"\.0*\s*$")


def drf_integer(value: Any) -> int | None:
    """Django REST framework 3.6's ``IntegerField``: ``int(str(value))`` once a trailing
    ``.0`` is dropped (so ``"1990.0"`` and ``1990.0`` pass, ``true`` and ``1990.5`` do not);
    None when invalid."""
    if isinstance(value, str) and len(value) > 1000:
        return None
    return py2_int(_DECIMAL_ZEROS.sub("", str(value)))


def drf_date(value: Any) -> str | None:
    """Django REST framework 3.6's ``DateField`` on Django 1.11: ``YYYY-M-D`` with one- or
    two-digit month and day, a real calendar date; the ISO date, or None when invalid."""
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None


def clean_user_fields(
    data: dict[str, Any], *, creating: bool, generation: Generation = CURRENT
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a create/update body as ``generation`` does; return (clean values, field
    errors), the values as the store keeps them.

    Text fields follow Django REST framework's ``CharField`` (values stripped, lists,
    objects and booleans refused), ``year_of_birth`` its ``IntegerField`` and
    ``lt_hire_date`` its ``DateField``. Unknown fields are ignored, an unknown
    ``platform_role`` is silently dropped (as the server does), and a junk catalog flag
    raises :class:`ServerCrash`. On current builds an update reads ``is_active``. On 2021
    builds ``"Super Platform Admin"`` is granted (stored as ``Platform Super Admin``: the
    caller makes the user a superuser), catalog flags mean "denied" when true, the flags
    the current generation added are ignored, and ``lt_ilt_supervisor`` is a boolean.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if creating:
        for field in REQUIRED_ON_CREATE:
            if field not in data:
                fail(field, "This field is required.")
    for field, value in data.items():
        if field == "is_active" and not creating and generation.update_reactivates:
            flag = parse_bool(value)
            if flag is None:
                fail(field, "Must be a valid boolean.")
            else:
                clean[field] = flag
            continue
        if field not in PROFILE_DEFAULTS or (
            generation.legacy_catalog_flags and field in CURRENT_ONLY_FLAGS
        ):
            continue
        if value is None:
            fail(field, "This field may not be null.")
            continue
        if isinstance(value, str) and value == "" and field != "platform_role":
            fail(field, "This field may not be blank.")
            continue
        boolean = field in BOOLEAN_FIELDS or (
            field == "lt_ilt_supervisor" and generation.boolean_ilt_supervisor
        )
        if boolean:
            flag = parse_bool(value)
            if flag is None:
                if field in CATALOG_FLAGS:
                    raise ServerCrash(f"invalid literal for catalog flag {field!r}")
                fail(field, "Must be a valid boolean.")
            elif generation.legacy_catalog_flags and field in CATALOG_FLAGS:
                clean[field] = not flag  # 2021: true meant "access denied"
            else:
                clean[field] = flag
        elif field == "platform_role":
            if value in GRANTABLE_ROLES:
                clean[field] = value
            elif generation.legacy_roles and value == SUPER_ADMIN_2021:
                clean[field] = SUPER_ADMIN
        elif field == "analytics_access":
            if value in ANALYTICS_ACCESS:
                clean[field] = value
            else:
                fail(field, f'"{value}" is not a valid choice.')
        elif field == "year_of_birth":
            year = drf_integer(value)
            if year is None:
                fail(field, "A valid integer is required.")
            else:
                clean[field] = year
        elif field == "lt_hire_date":
            date = drf_date(value)
            if date is None:
                fail(field, DATE_FORMAT_ERROR)
            else:
                clean[field] = date
        else:
            problem = char_problem(value)
            if problem:
                fail(field, problem)
            else:
                _clean_string(field, str(value).strip(), clean, fail)
    return clean, errors


def _clean_string(field: str, value: str, clean: dict[str, Any], fail: Any) -> None:
    limit = MAX_LENGTH.get(field)
    if limit is not None and len(value) > limit:
        fail(field, f"Ensure this field has no more than {limit} characters.")
    elif field == "username" and not is_username(value):
        fail(
            field,
            "Enter a valid username. This value may contain only letters, numbers, "
            "and @/./+/-/_ characters.",
        )
    elif field in ("email", "lt_ilt_supervisor") and not is_email(value):
        fail(field, "Enter a valid email address.")
    elif (
        (field == "country" and not re.fullmatch(r"[A-Z]{2}", value))
        or (field == "level_of_education" and value not in LEVELS_OF_EDUCATION)
        or (field == "gender" and value not in GENDERS)
    ):
        fail(field, f'"{value}" is not a valid choice.')
    else:
        clean[field] = value
