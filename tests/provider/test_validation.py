"""Input validation: every problem named by row and field, before any API call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triboo_provider import validation
from triboo_provider.exceptions import TribooInputError
from triboo_provider.inputs import load_rows
from triboo_provider.validation import validate_users

from tests.spec_tools import load_spec
from tools.generate_client import USER_FIELDS, user_fields

GOOD = {
    "username": "jane.deer",
    "email": "jane@example.com",
    "first_name": "Jane",
    "last_name": "Deer",
    "name": "Jane Deer",
}


def test_rules_are_the_specs() -> None:
    """The packaged rules are a fresh extraction of the spec (make check-generated says so
    too), and the views validation.py builds from them say what the spec says."""
    assert USER_FIELDS.read_text(encoding="utf-8") == user_fields()
    schemas = load_spec()["components"]["schemas"]
    writable = schemas["UserWritable"]["properties"]
    assert set(writable) == validation.WRITABLE
    assert tuple(schemas["UserCreate"]["allOf"][1]["required"]) == validation.REQUIRED_ON_CREATE
    assert set(validation.UPDATE_RULES) == {"is_active"}
    for name, limit in validation.MAX_LENGTH.items():
        assert writable[name]["maxLength"] == limit
    assert {n for n, p in writable.items() if "maxLength" in p} == set(validation.MAX_LENGTH)
    # identifiers.py's username rule (used for the update key) is the spec's pattern.
    assert writable["username"]["pattern"] == validation.USERNAME.pattern
    for name, values in validation.ENUMS.items():
        ref = writable[name]["$ref"].rsplit("/", 1)[1]
        assert tuple(schemas[ref]["enum"]) == values
    assert {n for n, p in writable.items() if p.get("type") == "boolean"} == set(
        validation.BOOLEANS
    )


def test_the_spec_wins_where_the_hand_copy_had_no_limit() -> None:
    """The profile's column sizes (a 500 on the server, MySQL's) were unchecked here."""
    rows = [{**GOOD, "bio": "b" * 3001, "lt_company": "c" * 256, "lt_level": "l" * 151}]
    assert problems(rows) == [
        "row 1, field bio: 3001 characters, at most 3000 allowed",
        "row 1, field lt_company: 256 characters, at most 255 allowed",
        "row 1, field lt_level: 151 characters, at most 150 allowed",
    ]


def test_the_ilt_supervisor_is_an_email_or_a_2021_boolean() -> None:
    """The spec's type is [string, boolean]: a real boolean (JSON input) is sent as one; text
    is an e-mail, so "true" in a CSV cell is no boolean here."""
    for value, sent in ((False, False), (" b@x.com ", "b@x.com")):
        checked = validate_users([{**GOOD, "lt_ilt_supervisor": value}], creating=True)
        assert checked.problems == []
        assert checked.rows[0]["lt_ilt_supervisor"] == sent
    assert problems([{**GOOD, "lt_ilt_supervisor": "true"}]) == [
        "row 1, field lt_ilt_supervisor: not an e-mail address"
    ]


def problems(rows: list[dict[str, Any]], **options: Any) -> list[str]:
    return validate_users(rows, creating=options.pop("creating", True), **options).problems


def test_a_valid_row_is_coerced() -> None:
    checked = validate_users(
        [{**GOOD, "lt_gdpr": "Yes", "year_of_birth": "1990", "city": " Lyon "}], creating=True
    )
    assert checked.problems == []
    assert checked.rows[0]["lt_gdpr"] is True
    assert checked.rows[0]["year_of_birth"] == 1990
    assert checked.rows[0]["city"] == "Lyon"


def test_every_problem_is_reported_with_row_and_field() -> None:
    rows = [
        {**GOOD, "email": "not-an-email", "first_name": "x" * 31},
        {"username": "has space", "email": "b@example.com", "name": "B"},
        {
            **GOOD,
            "username": "u" * 151,
            "email": "c@example.com",
            "platform_role": "Boss",
            "analytics_access": "Some",
            "lt_gdpr": "maybe",
            "lt_hire_date": "2024-13-01",
            "country": "France",
            "shoe_size": "42",
        },
    ]
    assert problems(rows) == [
        "row 1, field email: not an e-mail address",
        "row 1, field first_name: 31 characters, at most 30 allowed",
        "row 2, field first_name: required",
        "row 2, field last_name: required",
        "row 2, field username: not a username (letters, digits and @.+-_ only)",
        "row 3, field username: 151 characters, at most 150 allowed",
        "row 3, field platform_role: not one of "
        "Learner, Studio Admin, Studio Super Admin, Platform Admin, Super Platform Admin",
        "row 3, field analytics_access: not one of Restricted, Full Access",
        "row 3, field lt_gdpr: not a boolean (true/false, yes/no, 1/0)",
        "row 3, field lt_hire_date: not a date (YYYY-MM-DD)",
        "row 3, field country: not an ISO 3166 alpha-2 code such as FR",
        "row 3, field shoe_size: unknown field",
    ]


def test_duplicates_inside_one_input() -> None:
    rows = [
        GOOD,
        {**GOOD, "email": "other@example.com"},
        {**GOOD, "username": "x", "email": "JANE@example.com"},
    ]
    assert problems(rows) == [
        "row 2, field username: repeats row 1",
        "row 3, field email: repeats row 1",
    ]


def test_empty_input() -> None:
    assert problems([]) == ["the input has no rows"]


def test_update_rows_need_a_key_and_a_change() -> None:
    rows = [{"username": "a"}, {"city": "Paris"}, {"username": "b", "is_active": "true"}]
    assert problems(rows, creating=False, key="username") == [
        "row 1: no field to change",
        "row 2, field username: required to find the user",
    ]


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_csv_with_bom_blank_lines_and_spaces(tmp_path: Path) -> None:
    data = (
        "\ufeffusername,email,first_name,last_name,name\n\n"
        " jane.deer , jane@example.com ,Jane,Deer,Jane Deer\n\n"
    ).encode()
    rows, labels = load_rows(write(tmp_path, "u.csv", data))
    assert rows == [GOOD]
    assert labels == ["line 3"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"username;email\njane;j@x.com\n",
            "u.csv, line 1: one column 'username;email'; use commas",
        ),
        (b"jane.deer,jane@example.com\n", "u.csv, line 1: no header"),
        (b"username,email\n\xff\xfe,x\n", "u.csv, line 2: not UTF-8"),
        (b"username,email\na,b,c\n", "u.csv, line 2: 3 values for 2 columns"),
        (b"", "u.csv: the file is empty"),
    ],
)
def test_broken_csv_files(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(TribooInputError, match="no API call was made") as raised:
        load_rows(write(tmp_path, "u.csv", data))
    assert raised.value.problems[0].startswith(message)


def test_jsonl_lines_are_named(tmp_path: Path) -> None:
    with pytest.raises(TribooInputError) as raised:
        load_rows(write(tmp_path, "u.jsonl", b'{"username": "a"}\n[1]\n{bad\n'))
    assert raised.value.problems == [
        "u.jsonl, line 2: not a JSON object",
        "u.jsonl, line 3: not JSON (Expecting property name enclosed in double quotes)",
    ]


def test_a_large_input_reports_every_row(tmp_path: Path) -> None:
    rows = [
        {**GOOD, "username": f"user{n}", "email": f"user{n}@example.com"} for n in range(100_000)
    ]
    rows[99_999]["email"] = "broken"
    checked = validate_users(rows, creating=True)
    assert checked.problems == ["row 100000, field email: not an e-mail address"]
    error = TribooInputError(checked.problems)
    assert "row 100000" in str(error)


usernames = st.from_regex(r"[A-Za-z0-9@.+_-]{1,150}", fullmatch=True)
names = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=30)


@given(username=usernames, first=names, last=names)
def test_any_valid_row_passes(username: str, first: str, last: str) -> None:
    row = {
        "username": username,
        "email": "x@example.com",
        "first_name": first,
        "last_name": last,
        "name": f"{first} {last}",
    }
    assert validate_users([row], creating=True).problems == []


@given(
    value=st.text(min_size=1).filter(
        lambda v: (
            v.strip().lower()
            not in {"true", "false", "1", "0", "yes", "no", "y", "n", "on", "off", "t", "f"}
            and v.strip()
        )
    )
)
def test_any_non_boolean_flag_is_refused_by_name(value: str) -> None:
    found = validate_users([{**GOOD, "edflex_catalog_access": value}], creating=True).problems
    assert found == ["row 1, field edflex_catalog_access: not a boolean (true/false, yes/no, 1/0)"]
