"""The list rule (triboo_provider.params.as_list): every way a list can arrive, and refusals."""

from __future__ import annotations

import json
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from triboo_provider.exceptions import TribooInputError
from triboo_provider.params import as_list, as_texts

# Items as they occur in list parameters: ids, usernames, e-mails, course keys. None holds a
# comma, a newline or surrounding whitespace, which the rule uses as separators.
ITEM = st.one_of(
    st.integers(min_value=1, max_value=10**9),
    st.from_regex(r"[A-Za-z0-9@.+_:'-]{1,40}", fullmatch=True).filter(
        lambda s: not s.startswith(("[", "(", "{"))
    ),
)


def rendered(value: Any) -> str:
    """What Airflow's Jinja gives a string field ``"{{ value }}"`` without native rendering."""
    return jinja2.Environment(autoescape=False).from_string("{{ value }}").render(value=value)


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("45", ["45"]),  # the example: user 45, never users 4 and 5
        (45, [45]),  # a native rendering of the same template
        ("jane.doe", ["jane.doe"]),
        ("a, b ,c", ["a", "b", "c"]),
        ("a\nb\r\nc\n", ["a", "b", "c"]),
        ("[45, 46]", [45, 46]),
        ("['a.b', 'c']", ["a.b", "c"]),
        ('["a.b", "c"]', ["a.b", "c"]),
        ("('a',)", ["a"]),
        ("[]", []),
        ("", []),
        ("   ", []),
        (None, []),
        (["a", "b"], ["a", "b"]),
        (("a",), ["a"]),
        ({"x"}, ["x"]),
        (range(1, 3), [1, 2]),
        ("course-v1:acme+SEC101+2024_T1", ["course-v1:acme+SEC101+2024_T1"]),
        ("sean.o'brien@acme.example.com", ["sean.o'brien@acme.example.com"]),
    ],
)
def test_accepted_forms(value: Any, items: list[Any]) -> None:
    assert as_list(value, "p") == items


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": 1}, "p: a mapping is not a list"),
        (b"45", "p: bytes are not a list"),
        (True, "p: a boolean is not a list"),
        ("[45, 46", "p: opens a list with '[' but is neither"),
        ("[a, b]", "p: opens a list with '[' but is neither"),
        ('{"a": 1}', "p: a mapping, not a list"),
        ("{{ params.ids }}", "p: a template that was not rendered"),
        ("{{params.user}}@acme.example.com", "p: a template that was not rendered"),
        (object(), "p: a object is not a list"),
    ],
)
def test_refused_forms_name_the_parameter(value: Any, message: str) -> None:
    with pytest.raises(TribooInputError, match="no API call was made") as raised:
        as_list(value, "p")
    assert message in raised.value.problems[0]


def test_a_refused_value_is_never_repeated_in_the_message() -> None:
    """Values are identifiers, a person's data: messages name the parameter and item only."""
    for value in ("[jane.doe@acme.example.com", ["jane.doe@acme.example.com", None]):
        with pytest.raises(TribooInputError) as raised:
            as_texts(value, "p")
        assert "jane" not in str(raised.value)


@given(st.lists(ITEM, max_size=12))
def test_every_form_of_a_list_reads_back_the_same_items(items: list[Any]) -> None:
    as_text = [str(item) for item in items]
    assert as_list(items, "p") == items
    assert as_list(tuple(items), "p") == items
    assert as_list(json.dumps(items), "p") == items
    assert as_list(rendered(items), "p") == items  # Jinja prints a list as its Python repr
    assert as_list(rendered(tuple(items)), "p") == items
    assert as_list(",".join(as_text), "p") == as_text
    assert as_list("\n".join(as_text), "p") == as_text
    assert as_list(" , ".join(as_text) + "\n", "p") == as_text


@given(ITEM)
def test_a_single_rendered_value_is_one_item(item: Any) -> None:
    assert as_list(rendered(item), "p") == [str(item)]
    assert as_list(item, "p") == [item]


@given(
    st.text(alphabet=st.characters(exclude_characters=",\r\n"), min_size=1, max_size=60).filter(
        lambda t: (
            t.strip() not in {"", "None", "null"}  # missing values have their own test
            and not t.strip().startswith(("[", "(", "{"))
            and "{{" not in t
            and "{%" not in t
        )  # so have templates
    )
)
def test_a_string_without_separators_is_one_item_never_its_characters(text: str) -> None:
    assert as_list(text, "p") == [text.strip()]
