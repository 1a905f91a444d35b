"""Property tests: every kind of input rule validation.py builds from the spec, for every
field it applies to, with the CSV coercions on top."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from triboo_provider.validation import (
    BOOLEANS,
    ENUMS,
    MAX_LENGTH,
    MAX_TEXT,
    REQUIRED_ON_CREATE,
    RULES,
    WRITABLE,
    validate_users,
)

GOOD = {
    "username": "jane.deer",
    "email": "jane@example.com",
    "first_name": "Jane",
    "last_name": "Deer",
    "name": "Jane Deer",
}
# Text fields with nothing but a length to check (no pattern, format or enum).
PLAIN_TEXT = sorted(
    name
    for name, rule in RULES.items()
    if rule.types == {"string"} and rule.pattern is None and rule.format is None and not rule.enum
)
SPELLINGS = {"true": True, "1": True, "yes": True, "y": True, "on": True, "t": True}
SPELLINGS |= {"false": False, "0": False, "no": False, "n": False, "off": False, "f": False}
letters = st.characters(categories=("L", "N"))


def check(field: str, value: Any, *, creating: bool = True) -> tuple[dict[str, Any], list[str]]:
    row = {**GOOD, field: value} if creating else {"user_id": 7, field: value}
    key = None if creating else "user_id"
    checked = validate_users([row], creating=creating, key=key)
    return checked.rows[0], checked.problems


@given(name=st.sampled_from(PLAIN_TEXT), data=st.data())
def test_text_up_to_its_limit_passes_and_one_more_is_refused(name: str, data: Any) -> None:
    limit = MAX_LENGTH.get(name, MAX_TEXT)
    size = data.draw(st.integers(min_value=1, max_value=limit))
    text = data.draw(st.text(alphabet=letters, min_size=size, max_size=size))
    row, found = check(name, f" {text} ")
    assert found == []
    assert row[name] == text
    _, found = check(name, "x" * (limit + 1))
    assert found == [f"row 1, field {name}: {limit + 1} characters, at most {limit} allowed"]


@given(name=st.sampled_from(sorted(ENUMS)), data=st.data())
def test_an_enum_takes_its_values_only(name: str, data: Any) -> None:
    value = data.draw(st.sampled_from(ENUMS[name]))
    assert check(name, value)[0][name] == value
    other = data.draw(st.text(min_size=1).filter(lambda v: v.strip() not in ENUMS[name]))
    found = check(name, other)[1]
    if other.strip():
        assert found == [f"row 1, field {name}: not one of {', '.join(ENUMS[name])}"]
    else:
        assert found == [
            f"row 1, field {name}: blank (omit the field instead: the server refuses blank values)"
        ]


@given(
    name=st.sampled_from([*BOOLEANS, "is_active"]),
    spelling=st.sampled_from(sorted(SPELLINGS)),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    pad=st.sampled_from(["", " ", "\t"]),
)
def test_a_boolean_takes_every_csv_spelling(name: str, spelling: str, case: Any, pad: str) -> None:
    creating = name != "is_active"  # is_active is UserUpdate's only
    row, found = check(name, f"{pad}{case(spelling)}{pad}", creating=creating)
    assert found == []
    assert row[name] is SPELLINGS[spelling]
    assert check(name, SPELLINGS[spelling], creating=creating)[0][name] is SPELLINGS[spelling]


def test_is_active_is_for_updates_only() -> None:
    assert check("is_active", "true")[1] == ["row 1, field is_active: unknown field"]


@given(year=st.integers(), as_text=st.booleans())
def test_a_year_of_birth_is_an_integer_in_the_specs_range(year: int, as_text: bool) -> None:
    rule = RULES["year_of_birth"]
    assert rule.minimum is not None
    assert rule.maximum is not None
    row, found = check("year_of_birth", str(year) if as_text else year)
    if rule.minimum <= year <= rule.maximum:
        assert (found, row["year_of_birth"]) == ([], year)
    else:
        assert found == [
            f"row 1, field year_of_birth: not a year between {rule.minimum} and {rule.maximum}"
        ]


@given(day=st.dates(), as_text=st.booleans())
def test_a_hire_date_is_an_iso_date_as_text_or_a_date(day: dt.date, as_text: bool) -> None:
    row, found = check("lt_hire_date", day.isoformat() if as_text else day)
    assert (found, row["lt_hire_date"]) == ([], day.isoformat())


@given(text=st.text(min_size=1).filter(str.strip))
def test_a_hire_date_that_is_no_date_is_refused(text: str) -> None:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        assert check("lt_hire_date", text)[1] == [
            "row 1, field lt_hire_date: not a date (YYYY-MM-DD)"
        ]


@given(code=st.text(min_size=1, max_size=4).filter(str.strip))
def test_a_country_is_the_specs_pattern(code: str) -> None:
    found = check("country", code)[1]
    rule = RULES["country"]
    assert rule.pattern is not None
    if rule.pattern.search(code.strip()):
        assert found == []
    else:
        assert found == ["row 1, field country: not an ISO 3166 alpha-2 code such as FR"]


@given(name=st.sampled_from(sorted(WRITABLE)), blank=st.sampled_from(["", None, float("nan")]))
def test_an_empty_cell_is_a_missing_field(name: str, blank: Any) -> None:
    row, found = check(name, blank)
    required = name in REQUIRED_ON_CREATE
    assert found == ([f"row 1, field {name}: required"] if required else [])
    assert name not in row


@given(
    name=st.sampled_from(sorted(n for n, r in RULES.items() if "string" in r.types)),
    spaces=st.text(alphabet=" \t", min_size=1, max_size=3),
)
def test_spaces_alone_are_a_blank_value(name: str, spaces: str) -> None:
    assert check(name, spaces)[1] == [
        f"row 1, field {name}: blank (omit the field instead: the server refuses blank values)"
    ]


@given(missing=st.sets(st.sampled_from(REQUIRED_ON_CREATE), min_size=1))
def test_create_reports_each_missing_required_field(missing: set[str]) -> None:
    row = {k: v for k, v in GOOD.items() if k not in missing}
    found = validate_users([row], creating=True).problems
    assert found == [f"row 1, field {n}: required" for n in REQUIRED_ON_CREATE if n in missing]


@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1).filter(
        lambda n: n not in WRITABLE and n != "is_active"
    )
)
def test_a_field_the_spec_does_not_know_is_refused(name: str) -> None:
    assert check(name, "x")[1] == [f"row 1, field {name}: unknown field"]


@given(
    good=st.from_regex(r"[A-Za-z0-9@.+_-]{1,20}", fullmatch=True),
    bad=st.characters(exclude_characters="@.+_-", exclude_categories=("Cc", "Cs")).filter(
        lambda c: not (c.isascii() and c.isalnum()) and not c.isspace()
    ),
)
def test_a_username_is_the_specs_pattern(good: str, bad: str) -> None:
    assert check("username", good)[1] == []
    assert check("username", f"{good}{bad}{good}")[1] == [
        "row 1, field username: not a username (letters, digits and @.+-_ only)"
    ]
