"""What a username and an e-mail are, and how identifiers are matched, for every operator.

The server is Django: the Learning Tribes fork's user serializer is a DRF ``ModelSerializer``
of Django's ``User`` on Django 1.11 (a public 2023 snapshot of the fork,
``BarryPaneer/platform@1a863c5``, ``lms/djangoapps/extended_api/serializers.py``), so:

- a **username** is what ``ASCIIUsernameValidator`` accepts (``^[\\w.@+-]+$`` with ASCII
  ``\\w``: letters, digits and ``@.+-_``), at most 150 characters;
- an **e-mail** is what ``django.core.validators.EmailValidator`` accepts (the rule of
  Django 1.11 to 4.2: a dot-atom or quoted local part, a domain of labels with a TLD of
  2 to 63 letters, digits or hyphens, IDN domains through punycode, ``localhost``, or an
  IP literal), at most 254 characters (``EmailField``). ``tests/provider/test_identifiers.py``
  checks this rule against Django's own validator.

The provider sends identifiers in comma-separated lists (filters, bulk enroll) that the
server splits on commas and whitespace, so an e-mail the server would store but that holds
a comma or whitespace (a quoted local part) is refused too, with its own message.

Matching: the server runs on MySQL, whose default collation compares usernames and
e-mails ignoring case (``"Jane.Doe"`` finds ``jane.doe``); ids are compared as integers.
:func:`match_key` is that rule, for every operator that matches rows to users.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

USERNAME_MAX_LENGTH = 150
EMAIL_MAX_LENGTH = 254
# Open edX stores course keys in CourseKeyField(max_length=255) (CourseOverview.id).
COURSE_ID_MAX_LENGTH = 255
# The longest value each kind of identifier can have on the server: its column's length.
MAX_LENGTHS = {
    "username": USERNAME_MAX_LENGTH,
    "email": EMAIL_MAX_LENGTH,
    "identifier": EMAIL_MAX_LENGTH,  # a username or an e-mail
    "course_id": COURSE_ID_MAX_LENGTH,
}
USERNAME = re.compile(r"^[A-Za-z0-9@.+_-]+$")
_USER_PART = re.compile(
    r"(^[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*\Z"  # dot-atom
    r'|^"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"\Z)',
    re.IGNORECASE,
)
_DOMAIN = re.compile(
    r"((?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+)(?:[A-Z0-9-]{2,63}(?<!-))\Z", re.IGNORECASE
)
_LITERAL = re.compile(r"\[([A-F0-9:.]+)\]\Z", re.IGNORECASE)
_UNLISTABLE = re.compile(r"[,\s]")
_ID = re.compile(r"[0-9]{1,19}")  # a 64-bit database id, in ASCII digits

Kind = Literal["user_id", "username", "email"]


def username_problem(value: str) -> str | None:
    """Why the server would refuse ``value`` as a username, or None.

    Every ``*_problem`` function answers a short phrase that never repeats the value: a
    username or an e-mail is a person's data, and messages end up in task logs.
    """
    if len(value) > USERNAME_MAX_LENGTH:
        return f"{len(value)} characters long, at most {USERNAME_MAX_LENGTH} allowed"
    if not USERNAME.fullmatch(value):
        return "not a username (letters, digits and @.+-_ only)"
    return None


def email_problem(value: str) -> str | None:
    """Why ``value`` is not an e-mail the provider can send, or None."""
    if len(value) > EMAIL_MAX_LENGTH:
        return f"{len(value)} characters long, at most {EMAIL_MAX_LENGTH} allowed"
    if not is_django_email(value):
        return "not an e-mail address"
    if _UNLISTABLE.search(value):
        return (
            "an e-mail with a comma or a space, which the API's comma-separated lists cannot carry"
        )
    return None


def identifier_problem(value: str) -> str | None:
    """Why ``value`` is neither a username nor an e-mail (bulk enroll identifiers), or None.

    An identifier holding ``@`` must be an e-mail: older Open edX builds look it up as an
    e-mail only (``get_student_from_identifier`` tests ``"@" in identifier``), and the
    upstream endpoint takes an unknown one for an e-mail to pre-enroll. A username with
    ``@`` is enrolled by its e-mail.
    """
    if "@" in value:
        problem = email_problem(value)
        return problem and f"{problem} (an identifier with @ is read as an e-mail)"
    return username_problem(value)


def is_django_email(value: str) -> bool:
    """Django's ``EmailValidator`` (1.11 to 4.2) as a predicate, with no length limit."""
    if not value or "@" not in value:
        return False
    user_part, domain_part = value.rsplit("@", 1)
    if not _USER_PART.match(user_part):
        return False
    if domain_part == "localhost" or _domain_ok(domain_part):
        return True
    try:
        ascii_domain = domain_part.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return _domain_ok(ascii_domain)


def _domain_ok(domain: str) -> bool:
    if _DOMAIN.match(domain):
        return True
    literal = _LITERAL.match(domain)
    if literal is None:
        return False
    try:
        ipaddress.ip_address(literal[1])
    except ValueError:
        return False
    return True


def length_problem(value: str, kind: str) -> str | None:
    """Why ``value`` can never match a ``kind`` of :data:`MAX_LENGTHS` (it is longer than
    the server's column), or None. A look-up refuses it before any request: the answer is
    known, and a value of thousands of characters makes no sendable URL."""
    most = MAX_LENGTHS[kind]
    return f"{len(value)} characters long, at most {most} allowed" if len(value) > most else None


def id_problem(value: str) -> str | None:
    """Why ``value`` is not a user id (a positive integer of at most 19 ASCII digits), or
    None."""
    return None if match_key("user_id", value) else "not a positive integer"


_CHECKS = {
    "user_id": id_problem,
    "username": username_problem,
    "email": email_problem,
    "identifier": identifier_problem,
}


def list_problems(values: list[str], name: str, kind: Kind | Literal["identifier"]) -> list[str]:
    """Every item of list parameter ``name`` that is not a ``kind``, as ``name item N: …``."""
    check = _CHECKS[kind]
    return [
        f"{name} item {number}: {check(value)}"
        for number, value in enumerate(values, 1)
        if check(value)
    ]


def unique(values: list[str], kind: Kind | Literal["identifier"]) -> list[str]:
    """``values`` without repeats by the matching rule (``"45"`` and ``"045"``,
    ``"Jane.Doe"`` and ``"jane.doe"``), first occurrences kept in order."""
    fold: Kind = "user_id" if kind == "user_id" else "email"
    seen: set[Any] = set()
    kept = []
    for value in values:
        key = match_key(fold, value)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def match_key(kind: Kind, value: Any) -> int | str | None:
    """The key under which a ``kind`` identifier matches: ids as integers, usernames and
    e-mails case-folded (the server's collation). None when ``value`` cannot be one."""
    if value is None:
        return None
    if kind == "user_id":
        text = str(value).strip()
        return int(text) if _ID.fullmatch(text) else None
    return str(value).strip().casefold()
