"""Validate user rows against the spec's rules before any API call is made.

The rules are the spec's: ``user_fields.json``, shipped with the provider, is the
``UserWritable`` schema of ``openapi/triboo.yaml`` (with ``UserCreate``'s ``required`` and
``UserUpdate``'s ``is_active``) as ``tools/generate_client.py`` extracts it, and
``make check-generated`` fails when it drifts from the spec. From it come each field's type,
``enum``, ``pattern``, ``minLength``/``maxLength``, ``minimum``/``maximum`` and
``format`` (``email``, ``date``). On top sit the coercions a CSV cell needs, which no schema
says: text ``"true"``/``"yes"``/``"1"`` for booleans, integers from text, ``"2024-01-31"``
(or a ``datetime.date``) for dates, an empty cell as a missing field, text stripped.

Every problem is reported, each naming its row and field; values are coerced to the types
the API wants (``"yes"`` to ``True``, ``"1990"`` to ``1990``). Pure Python, no Airflow.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from triboo_provider.identifiers import (
    USERNAME,
    email_problem,
    match_key,
    username_problem,
)

__all__ = ["USERNAME", "FieldRule", "Validated", "parse_bool", "validate_users"]


@dataclass(frozen=True)
class FieldRule:
    """One field's rule from the spec: JSON types (``"string"``, ``"integer"``,
    ``"boolean"``, ``"null"``), then the optional keywords, lengths in characters."""

    types: frozenset[str]
    enum: tuple[str, ...] | None = None
    format: str | None = None
    pattern: re.Pattern[str] | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    @classmethod
    def of(cls, node: Mapping[str, Any]) -> FieldRule:
        pattern = node.get("pattern")
        enum = node.get("enum")
        return cls(
            types=frozenset(node["type"]),
            enum=tuple(enum) if enum is not None else None,
            format=node.get("format"),
            pattern=re.compile(pattern) if pattern is not None else None,
            min_length=node.get("minLength"),
            max_length=node.get("maxLength"),
            minimum=node.get("minimum"),
            maximum=node.get("maximum"),
        )


def _load_rules() -> tuple[dict[str, FieldRule], dict[str, FieldRule], tuple[str, ...]]:
    text = resources.files("triboo_provider").joinpath("user_fields.json").read_text("utf-8")
    document = json.loads(text)
    return (
        {name: FieldRule.of(node) for name, node in document["fields"].items()},
        {name: FieldRule.of(node) for name, node in document["update_fields"].items()},
        tuple(document["create_required"]),
    )


#: ``UserWritable``'s fields (create and update), ``UserUpdate``'s own fields (``is_active``)
#: and ``UserCreate``'s required fields, in the spec's order.
RULES, UPDATE_RULES, REQUIRED_ON_CREATE = _load_rules()
WRITABLE = frozenset(RULES)
# Views of the rules by kind, for callers and messages (sync/scope.py reads ENUMS).
ENUMS = {name: rule.enum for name, rule in RULES.items() if rule.enum is not None}
BOOLEANS = tuple(name for name, rule in RULES.items() if rule.types == {"boolean"})
STRINGS = tuple(name for name, rule in RULES.items() if "string" in rule.types)
MAX_LENGTH = {n: r.max_length for n, r in RULES.items() if r.max_length is not None}

# Not in the spec, kept here:
# - A sanity bound for text the spec leaves unbounded (city, goals and lt_comments are MySQL
#   TEXT columns, 65535 bytes; lt_ilt_supervisor is an e-mail, bounded by email_problem).
MAX_TEXT = 10_000
# - How a failed pattern or range is said: a schema has no message of its own.
_PATTERN_PROBLEMS = {
    "username": "not a username (letters, digits and @.+-_ only)",
    "country": "not an ISO 3166 alpha-2 code such as FR",
}
_RANGE_NOUNS = {"year_of_birth": "a year"}
# - The CSV coercions: boolean spellings, integers in ASCII digits.
_INTEGER = re.compile(r"-?[0-9]{1,19}")  # ASCII digits, no more than a 64-bit integer holds
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
    unique: bool = True,
    optional: Collection[str] = (),
) -> Validated:
    """Check and coerce user rows.

    :param creating: the five create fields are required.
    :param key: for updates, the identifying column (``user_id``, ``username`` or
        ``email``), kept apart from the fields to change.
    :param labels: how to name each row in messages (default ``row 1``, ``row 2``…).
    :param unique: two rows naming one account (a ``user_id``, ``username`` or ``email``
        repeated, ignoring case) are a problem (default). The roster sync passes False: it
        reports them as conflicts and applies the other rows.
    :param optional: create-required fields a row may lack or leave blank (only
        whitespace): such a value is left out, not a problem (the roster sync's matching
        column, whose blank is a conflict of the row, not of the whole input).
    """
    result = Validated()
    # Two rows naming one account (usernames and e-mails ignore case on the server) would
    # act on it twice: reported like any other problem.
    seen: dict[str, dict[Any, str]] = {"user_id": {}, "username": {}, "email": {}}
    label_iter = iter(labels) if labels is not None else None
    for index, row in enumerate(rows, start=1):
        label = next(label_iter) if label_iter is not None else f"row {index}"
        clean, problems = _validate_row(row, creating=creating, key=key, optional=optional)
        for name in ("user_id", "username", "email") if unique else ():
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
    row: Mapping[str, Any], *, creating: bool, key: str | None, optional: Collection[str] = ()
) -> tuple[dict[str, Any], list[str]]:
    clean: dict[str, Any] = {}
    problems: list[str] = []
    present = {k: v for k, v in row.items() if not (_missing(v) or (k in optional and _blank(v)))}
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
        problems += [
            f"{name}: required"
            for name in REQUIRED_ON_CREATE
            if name not in present and name not in optional
        ]
    rules = RULES if creating else {**RULES, **UPDATE_RULES}
    for name, value in present.items():
        rule = rules.get(name)
        if rule is None:
            problems.append(f"{name}: unknown field")
            continue
        problem = _check(name, rule, value, clean)
        if problem:
            problems.append(f"{name}: {problem}")
    if key is not None and len(clean) == 1 and not problems:
        problems.append("no field to change")
    return clean, problems


def _check(  # noqa: PLR0911 - one early answer per kind of rule
    name: str, rule: FieldRule, value: Any, clean: dict[str, Any]
) -> str | None:
    """Check one present value against its rule; store the coerced value in ``clean``."""
    if isinstance(value, bool) and "boolean" in rule.types:
        # lt_ilt_supervisor is text or a boolean (a boolean on 2021 builds).
        clean[name] = value
        return None
    if rule.types <= {"boolean", "null"}:
        flag = parse_bool(value)
        if flag is None:
            return "not a boolean (true/false, yes/no, 1/0)"
        clean[name] = flag
        return None
    if "integer" in rule.types:
        return _check_integer(name, rule, value, clean)
    if rule.format == "date" and isinstance(value, dt.date):
        clean[name] = (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        # str() would send "['a']" or "12345.0" (pandas makes integer columns with blanks
        # float): only text and integers are text.
        return f"a {type(value).__name__}, not text"
    text = str(value).strip()  # the server strips text too (UserWritable)
    if not text:
        # UserWritable: "" is a 400 for every field (minLength 1 says it for most).
        return "blank (omit the field instead: the server refuses blank values)"
    problem = _text_problem(name, rule, text)
    if problem is None:
        clean[name] = dt.date.fromisoformat(text).isoformat() if rule.format == "date" else text
    return problem


def _text_problem(  # noqa: PLR0911 - one early answer per schema keyword
    name: str, rule: FieldRule, text: str
) -> str | None:
    """Why ``text`` (stripped, not blank) breaks the rule, or None; keywords in the order
    problems were always reported: format date, enum, length, pattern, format email."""
    if rule.format == "date":
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return "not a date (YYYY-MM-DD)"
        return None
    if rule.enum is not None:
        return None if text in rule.enum else f"not one of {', '.join(rule.enum)}"
    limit = rule.max_length if rule.max_length is not None else MAX_TEXT
    if len(text) > limit:
        return f"{len(text)} characters, at most {limit} allowed"
    if rule.min_length is not None and len(text) < rule.min_length:
        return f"{len(text)} characters, at least {rule.min_length} needed"
    if rule.pattern is not None and not rule.pattern.search(text):
        return _PATTERN_PROBLEMS.get(name, f"does not match {rule.pattern.pattern}")
    if rule.format == "email":
        return email_problem(text)
    return None


def _check_integer(name: str, rule: FieldRule, value: Any, clean: dict[str, Any]) -> str | None:
    number = _int(value)
    low = rule.minimum if rule.minimum is not None else -(2**63)
    high = rule.maximum if rule.maximum is not None else 2**63 - 1
    if number is None or not low <= number <= high:
        return f"not {_RANGE_NOUNS.get(name, 'an integer')} between {low} and {high}"
    clean[name] = number
    return None


def _int(value: Any) -> int | None:
    """An integer from an int or from ASCII digits (``"١٢"`` and ``"²"`` are no number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if _INTEGER.fullmatch(text) else None


def _blank(value: Any) -> bool:
    """Not given, or text of only whitespace."""
    return _missing(value) or (isinstance(value, str) and not value.strip())


def _missing(value: Any) -> bool:
    """A value that means "not given": None, "", a float NaN, or pandas' NA and NaT (rows
    from ``DataFrame.to_dict("records")``), recognised without importing pandas."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")
