"""One rule for every list-valued parameter, templated or not.

Airflow renders templates to strings unless the DAG sets ``render_template_as_native_obj``:
``user_ids="{{ params.user_id }}"`` arrives as ``"45"`` and ``"{{ params.ids }}"`` as
``"[45, 46]"``. Iterating such a string would act on its characters (users 4 and 5), so
no list-valued parameter is ever iterated as given. :func:`as_list` reads it by this rule:

- ``None`` or a blank string: no items.
- A list, tuple, set or other iterable that is neither a string, bytes nor a mapping: its
  items.
- A string starting with ``[``, ``(`` or ``{``: a JSON array, or a Python list, tuple or
  set literal (what Jinja prints for one), read with :func:`json.loads` then
  :func:`ast.literal_eval`, which evaluates literals only.
- Any other string: items separated by commas or newlines, each stripped, empty ones
  dropped (``"45"``, ``"a, b"``, ``"a\\nb"``).
- A number (a native template rendering ``45``): a list of that one item.

Anything else is refused with :class:`~triboo_provider.exceptions.TribooInputError` naming
the parameter: a mapping, bytes, a boolean, a string that opens a list it does not close,
a template nobody rendered (``{{ … }}`` or ``{% … %}``), and ``"None"`` or ``"null"``,
which is what a template prints for a missing value (give ``["None"]`` for a user of that
name). :func:`as_texts` then wants every item to be text or an integer: ``None``, a
boolean, a float (a native rendering turns ``"12.50"`` into ``12.5``) or a nested list is
refused, never turned into the text ``"None"``. Pure Python, no Airflow at import time.
"""

from __future__ import annotations

import ast
import json
import numbers
import re
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from triboo_provider.client.errors import TribooInputError

_SEPARATORS = re.compile(r"[,\r\n]")
# What a template prints for a missing value (Python's None, JSON's null).
_MISSING = frozenset({"None", "null"})


def as_list(value: Any, name: str) -> list[Any]:
    """The items of ``value`` by the module's rule; raise ``TribooInputError`` naming ``name``."""
    problem = _problem(value)
    if problem is None:
        return _items(value)
    raise TribooInputError([f"{name}: {problem}"])


def as_texts(value: Any, name: str, *, integers: bool = False) -> list[str]:
    """:func:`as_list`, then every item as stripped text.

    With ``integers`` (ids), an integer item is written in decimal. Without, only text is
    text: native rendering reads ``"1_000"`` or ``"0x2D"`` as the numbers 1000 and 45, and
    a username is never made of one.

    :raises TribooInputError: ``value`` is no list, or an item is not text (or an integer,
        with ``integers``); every such item is named (``name item N``).
    """
    items = as_list(value, name)
    problems = [
        f"{name} item {number}: {_item_problem(item, integers)}"
        for number, item in enumerate(items, 1)
        if not isinstance(item, str) and not (integers and _integer(item))
    ]
    if problems:
        raise TribooInputError(problems)
    return [str(item).strip() if isinstance(item, str) else str(int(item)) for item in items]


def _problem(value: Any) -> str | None:
    """Why ``value`` cannot be read as a list, or None."""
    if isinstance(value, str):
        return _text_problem(value.strip())
    refused = {
        bool: "a boolean is not a list (a list, a JSON list or comma-separated items)",
        bytes | bytearray | memoryview: "bytes are not a list; decode them first",
        Mapping: "a mapping is not a list; give its values as a list",
    }
    for kind, problem in refused.items():
        if isinstance(value, kind):
            return problem
    if value is None or isinstance(value, int | float) or _iterable(value):
        return None
    return f"a {type(value).__name__} is not a list"


def _text_problem(text: str) -> str | None:
    if has_template(text):
        return "a template that was not rendered ({{ … }} or {% … %})"
    if text in _MISSING:
        return (
            f"{text!r}, what a template prints for a missing value; leave the parameter "
            f"unset, or give a list such as [{text!r}]"
        )
    if text.startswith(("[", "(", "{")):
        parsed = _parsed(text)
        if isinstance(parsed, dict):
            return "a mapping, not a list"
        if not isinstance(parsed, list | tuple | set | frozenset):
            return f"opens a list with {text[0]!r} but is neither a JSON list nor a Python literal"
    return None


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "(", "{")):
            return list(_parsed(text))
        return [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    if isinstance(value, int | float):
        return [value]
    return list(value)


def has_template(text: str) -> bool:
    """``{{ … }}`` or ``{% … %}`` in ``text``, found in linear time. No id, username or
    course key holds Jinja's delimiters, and an e-mail that does is a template nobody
    rendered."""
    for opening, closing in (("{{", "}}"), ("{%", "%}")):
        start = text.find(opening)
        if start != -1 and text.find(closing, start + 2) != -1:
            return True
    return False


def _parsed(text: str) -> Any:
    """``text`` read as JSON, else as a Python literal; None when it is neither."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # odd input makes the parser warn once per token
            return ast.literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _iterable(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray | Mapping)


def _integer(item: Any) -> bool:
    """An integer a database id can be (64 bits), numpy's included (``numbers.Integral``),
    and not a boolean."""
    return (
        isinstance(item, numbers.Integral)
        and not isinstance(item, bool)
        and -(2**63) <= int(item) < 2**63
    )


def _item_problem(item: Any, integers: bool) -> str:
    if item is None:
        return "None, a missing value"
    wanted = "text or an integer" if integers else "text (quote it: native rendering made it one)"
    return f"a value of type {type(item).__name__}, not {wanted}"
