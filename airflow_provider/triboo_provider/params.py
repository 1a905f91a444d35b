"""One rule for every list-valued parameter, templated or not.

Airflow renders templates to strings unless the DAG sets ``render_template_as_native_obj``:
``user_ids="{{ params.user_id }}"`` arrives as ``"45"`` and ``"{{ params.ids }}"`` as
``"[45, 46]"``. Iterating such a string would act on its characters (users 4 and 5), so
no list-valued parameter is ever iterated as given. :func:`as_list` reads it by this rule:

- ``None`` or a blank string: no items.
- A list, tuple, set or other iterable that is neither a string, bytes nor a mapping: its
  items.
- A string starting with ``[`` or ``(``: a JSON array, or a Python list or tuple literal
  (what Jinja prints for a list), read with :func:`json.loads` then
  :func:`ast.literal_eval`, which evaluates literals only.
- Any other string: items separated by commas or newlines, each stripped, empty ones
  dropped (``"45"``, ``"a, b"``, ``"a\\nb"``).
- A number (a native template rendering ``45``): a list of that one item.

Anything else (a mapping, bytes, a boolean, a string that opens a list it does not close)
is refused with :class:`~triboo_provider.exceptions.TribooInputError` naming the parameter.
The items are then checked by the caller (an id, a username, an e-mail, a course key).
Pure Python, no Airflow at import time.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from triboo_provider.exceptions import TribooInputError

_SEPARATORS = re.compile(r"[,\r\n]")


def as_list(value: Any, name: str) -> list[Any]:
    """The items of ``value`` by the module's rule; raise ``TribooInputError`` naming ``name``."""
    problem = _problem(value)
    if problem is None:
        return _items(value)
    raise TribooInputError([f"{name}: {problem}"])


def _problem(value: Any) -> str | None:
    """Why ``value`` cannot be read as a list, or None."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "(")) and _literal(text) is None:
            return f"{_shown(text)} opens a list but is neither a JSON list nor a Python literal"
        return f"{_shown(text)} is a mapping, not a list" if text.startswith("{") else None
    refused = {
        bool: f"{value!r} is not a list (a list, a JSON list or comma-separated items)",
        bytes: "bytes are not a list; decode them first",
        Mapping: "a mapping is not a list; give its values as a list",
    }
    for kind, problem in refused.items():
        if isinstance(value, kind):
            return problem
    if value is None or isinstance(value, int | float) or _iterable(value):
        return None
    return f"a {type(value).__name__} is not a list"


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(("[", "(")):
            return list(_literal(text) or ())
        return [item.strip() for item in _SEPARATORS.split(text) if item.strip()]
    if isinstance(value, int | float):
        return [value]
    return list(value)


def _literal(text: str) -> list[Any] | tuple[Any, ...] | None:
    """A JSON array or a Python list/tuple literal, or None."""
    try:
        parsed = json.loads(text)
    except ValueError:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    return parsed if isinstance(parsed, list | tuple) else None


def _iterable(value: Any) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray | Mapping)


def _shown(text: str) -> str:
    """The start of a value for a message: enough to recognise it, never a whole payload."""
    return repr(text if len(text) <= 40 else text[:37] + "...")
