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
GRANTABLE_ROLES = ("Learner", "Studio Admin", "Studio Super Admin", "Platform Admin")
SUPER_ADMIN = "Platform Super Admin"  # the current spelling, as the store keeps it
SUPER_ADMIN_2021 = "Super Platform Admin"  # the 2021 (and vendor) spelling
LEGACY_ROLE_SPELLING = {SUPER_ADMIN: SUPER_ADMIN_2021}
ANALYTICS_ACCESS = ("Restricted", "Full Access")
# What the serializer itself checks (the validators ModelSerializer takes from auth_user):
# a 400. The auth_user columns first_name, last_name and email are blank=True.
MAX_LENGTH = {"username": 150, "first_name": 30, "last_name": 30, "email": 254}
BLANK_ALLOWED = frozenset({"first_name", "last_name", "email"})
# Column sizes of UserProfile (``common/djangoapps/student/models.py``) the serializer does
# not check: MySQL in strict mode refuses a longer value, a 500. Other lt_* columns hold 255
# characters; city, goals and lt_comments are TEXT (65535 bytes). gender,
# level_of_education and country are plain CharFields in the serializer: no choice check.
COLUMN_CHARS = {
    "name": 255,
    "language": 255,
    "location": 255,
    "bio": 3000,
    "gender": 6,
    "level_of_education": 6,
    "country": 2,
    "lt_level": 150,
    "lt_ilt_supervisor": 254,
}
TEXT_COLUMNS = frozenset({"city", "goals", "lt_comments"})
INT_COLUMN = range(-(2**31), 2**31)  # year_of_birth: a MySQL INT


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


class ServerCrash(Exception):
    """Input the real server does not validate and crashes on (it answers 500)."""


# Django REST framework 3.6's BooleanField spellings (case matters; 1.0 is 1).
DRF_TRUE = frozenset(
    {"t", "T", "y", "Y", "yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1", 1}
)
DRF_FALSE = frozenset(
    {"f", "F", "n", "N", "no", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", 0}
)
# The fork's BooleanSerializerMethodField (catalog flags) adds "Yes" and "No".
CATALOG_TRUE = DRF_TRUE | {"Yes"}
CATALOG_FALSE = DRF_FALSE | {"No"}


def drf_bool(
    value: Any, true: frozenset[Any] = DRF_TRUE, false: frozenset[Any] = DRF_FALSE
) -> bool | None:
    """Django REST framework 3.6's ``BooleanField``: ``value in TRUE_VALUES`` (so ``True``,
    ``1``, ``1.0`` and ``"1"`` alike), else in ``FALSE_VALUES``; None for anything else,
    unhashable values included."""
    try:
        if value in true:
            return True
        if value in false:
            return False
    except TypeError:
        pass
    return None


def bool_error(value: Any) -> str:
    """DRF 3.6's message for a value that is no boolean."""
    return f'"{value}" is not a valid boolean.'


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


def django_date(text: str) -> dt.date:
    """Django 1.11's ``DateField.to_python`` on text (what a date filter does with it).

    :raises ValueError: with Django's message, for text of another format or a date that
        does not exist.
    """
    match = _DATE.match(text)
    if match is None:
        raise ValueError(
            f"'{text}' value has an invalid date format. It must be in YYYY-MM-DD format."
        )
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(
            f"'{text}' value has the correct format (YYYY-MM-DD) but it is an invalid date."
        ) from None


def drf_date(value: Any) -> str | None:
    """Django REST framework 3.6's ``DateField`` on Django 1.11: ``YYYY-M-D`` with one- or
    two-digit month and day, a real calendar date; the ISO date, or None when invalid."""
    if not isinstance(value, str):
        return None
    try:
        return django_date(value).isoformat()
    except ValueError:
        return None


def clean_user_fields(
    data: dict[str, Any],
    *,
    creating: bool,
    generation: Generation = CURRENT,
    form: bool = False,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate a create/update body as the fork's ``UserSerializer`` does in
    ``generation``; return (clean values, field errors), the values as the store keeps them.

    Field by field (Django REST framework 3.6 on Django 1.11 and MySQL):

    - text fields are ``CharField``s: stripped, a list, an object or a boolean is
      ``Not a valid string.``, blank is refused except for ``first_name``, ``last_name`` and
      ``email`` (``blank=True`` on ``auth_user``); ``username``, ``first_name``,
      ``last_name`` and ``email`` have the model's length limits (400), the profile's
      columns only MySQL's (:class:`ServerCrash`); no choice is checked;
    - ``year_of_birth`` an ``IntegerField``, ``lt_hire_date`` a ``DateField``;
    - booleans a ``BooleanField``, catalog flags the fork's own field, whose junk values
      raise :class:`ServerCrash`;
    - ``platform_role`` and ``analytics_access`` the fork's text field: a non-text value is
      ``Enter a valid string.``, an unknown value is ignored, and ``analytics_access: null``
      removes analytics access;
    - ``form`` (a form or multipart body): an empty value of a field that is not required
      counts as absent (``analytics_access`` as null), as DRF reads HTML input.

    Unknown fields are ignored. On current builds an update reads ``is_active``. On 2021
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
        reads_active = field == "is_active" and not creating and generation.update_reactivates
        if not reads_active and (
            field not in PROFILE_DEFAULTS
            or (generation.legacy_catalog_flags and field in CURRENT_ONLY_FLAGS)
        ):
            continue
        if form and value == "" and not (creating and field in REQUIRED_ON_CREATE):
            if field == "analytics_access":
                clean[field] = None
            continue  # DRF: an empty HTML input of a field that is not required is absent
        if value is None:
            if field == "analytics_access":
                clean[field] = None  # allow_null: the groups are removed
            else:
                fail(field, "This field may not be null.")
            continue
        problem = _clean_one(field, value, generation, clean)
        if problem:
            fail(field, problem)
    return clean, errors


def _clean_one(field: str, value: Any, generation: Generation, clean: dict[str, Any]) -> str | None:
    """Clean one present, non-null value into ``clean``; return its error message, if any."""
    if (
        field in BOOLEAN_FIELDS
        or field == "is_active"
        or (field == "lt_ilt_supervisor" and generation.boolean_ilt_supervisor)
    ):
        return _clean_boolean(field, value, generation, clean)
    if field in ("platform_role", "analytics_access"):
        return _clean_choice(field, value, generation, clean)
    if field == "year_of_birth":
        return _clean_year(value, clean)
    if field == "lt_hire_date":
        date = drf_date(value)
        if date is not None:
            clean[field] = date
        return None if date is not None else DATE_FORMAT_ERROR
    problem = char_problem(value)
    if problem == "This field may not be blank." and field in BLANK_ALLOWED:
        problem, value = None, ""
    return problem or _clean_text(field, str(value).strip(), clean)


def _clean_boolean(
    field: str, value: Any, generation: Generation, clean: dict[str, Any]
) -> str | None:
    catalog = field in CATALOG_FLAGS
    flag = drf_bool(value, CATALOG_TRUE, CATALOG_FALSE) if catalog else drf_bool(value)
    if flag is None:
        if catalog:  # the fork's field fails with a message key it does not define
            raise ServerCrash(f"KeyError: 'invalid' ({field})")
        return bool_error(value)
    clean[field] = not flag if catalog and generation.legacy_catalog_flags else flag
    return None


def _clean_choice(
    field: str, value: Any, generation: Generation, clean: dict[str, Any]
) -> str | None:
    """The fork's ``CharSerializerMethodField``: text, stripped; unknown values ignored."""
    if not isinstance(value, str):
        return "Enter a valid string."
    text = value.strip()
    if field == "analytics_access":
        if text in ANALYTICS_ACCESS:
            clean[field] = text
    elif text in GRANTABLE_ROLES:
        clean[field] = text
    elif generation.legacy_roles and text == SUPER_ADMIN_2021:
        clean[field] = SUPER_ADMIN
    return None


def _clean_year(value: Any, clean: dict[str, Any]) -> str | None:
    if isinstance(value, str) and len(value) > 1000:
        return "String value too large."
    year = drf_integer(value)
    if year is None:
        return "A valid integer is required."
    if year not in INT_COLUMN:
        raise ServerCrash("(1264, \"Out of range value for column 'year_of_birth'\")")
    clean["year_of_birth"] = year
    return None


def _clean_text(field: str, value: str, clean: dict[str, Any]) -> str | None:
    if not value:  # a blank the field allows: DRF returns it before any validator
        clean[field] = ""
        return None
    limit = MAX_LENGTH.get(field)
    if limit is not None and len(value) > limit:
        return f"Ensure this field has no more than {limit} characters."
    if field == "username" and not is_username(value):
        return (
            "Enter a valid username. This value may contain only letters, numbers, "
            "and @/./+/-/_ characters."
        )
    if field in ("email", "lt_ilt_supervisor") and not is_email(value):
        return "Enter a valid email address."
    too_long = (
        len(value.encode()) > 65535
        if field in TEXT_COLUMNS
        else len(value) > COLUMN_CHARS.get(field, MAX_LENGTH.get(field, 255))
    )
    if too_long:
        raise ServerCrash(f"(1406, \"Data too long for column '{field}'\")")
    clean[field] = value
    return None
