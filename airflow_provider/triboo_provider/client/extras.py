"""A connection's extras read, coerced and range-checked against the connection form.

Every numeric extra has a minimum and a maximum (the form's ``schema`` in
:func:`~triboo_provider.get_provider_info.get_provider_info`), so no value reaches a socket
timeout or a sleep that overflows; any value, however odd (huge, ``inf``, ``nan``,
nested), is a problem. Problems are collected, not raised, so the connection's error names
them all. An unknown extra's name is repeated only when it is short and looks like an
extra name (lowercase ASCII letters, underscores and at most two digits, starting with a
letter, at most 40 characters: ``reports_per_minut``); any other name is not repeated (a
secret may have been pasted in the wrong field), and a did-you-mean names our own known
name only. ``rate_limit_store`` is checked for its form
(:func:`~triboo_provider.client.budget_stores.store_problem`) without repeating it: a Redis
URL may hold a password.

**The deprecated extra** ``token_path`` (Airflow hides every extra whose name contains
``token``, so the UI form saved ``***`` in it) is still read, with an
``AirflowProviderDeprecationWarning`` (without Airflow, a ``DeprecationWarning``:
:data:`~triboo_provider.client.errors.DEPRECATION`); its new name is ``oauth2_path``. A
stored ``***`` under the old name is Airflow's mask, never a path: it is ignored (the default, or
``oauth2_path``, is used) and the warning says so.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings

from triboo_provider.client.budget_stores import store_problem
from triboo_provider.client.errors import DEPRECATION, TribooConfigError
from triboo_provider.client.protocols import JSONObject
from triboo_provider.get_provider_info import get_provider_info

MASK = "***"  # what Airflow shows, and its form saves, in place of a hidden value
DEPRECATED_EXTRAS = {"token_path": "oauth2_path"}
TEMPLATE = re.compile(r"{{|{%")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# An unknown extra's name that is repeated in messages: short, and shaped like an extra name
# (a random secret of this alphabet would hold more than two digits).
_SHOWN_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SHOWN_DIGITS = 2


def read_extras(extra: JSONObject, problems: list[str], defaults: dict[str, object]) -> JSONObject:
    """The known extras, coerced and range-checked; problems are appended, not raised.

    :param extra: the connection's extras (``token_path`` is popped into ``oauth2_path``).
    :param defaults: each known extra's name and default, whose type it is read as.
    :returns: the extras given, by name, as their defaults' types.
    """
    _deprecated(extra, problems)
    known = list(defaults)
    for name in sorted(set(extra) - set(known), key=str):
        # Airflow 2's form stored extras as extra__<conn type>__<name>: compare the name.
        bare = str(name).removeprefix("extra__triboo__")
        close = difflib.get_close_matches(bare, [*known, *DEPRECATED_EXTRAS], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"unknown extra {_shown_name(name)}{hint}; known: {', '.join(known)}")
    form = get_provider_info()["connection-types"][0]["conn-fields"]
    values: JSONObject = {}
    for name in known:
        if name not in extra or not given(extra[name]):
            continue  # absent, null or "": the default
        try:
            value = _coerce(name, extra[name], type(defaults[name]))
            _check_range(name, value, form[name]["schema"])
            _check_form(name, value)
        except (OverflowError, ValueError):  # 10**400 as a float, 5000 digits as an int
            problems.append(f"extra {name} must be {_bounds(form[name]['schema'])}")
            continue
        except TribooConfigError as problem:
            problems.append(problem.args[0])
            continue
        values[name] = value
    return values


def _deprecated(extra: JSONObject, problems: list[str]) -> None:
    """Read ``token_path`` as ``oauth2_path``, with a deprecation warning; drop a ``***``."""
    for old, new in DEPRECATED_EXTRAS.items():
        if old not in extra:
            continue
        value = extra.pop(old)
        masked = isinstance(value, str) and value.strip() == MASK
        current = extra.get(new)
        note = (
            f"connection extra {old} is deprecated, rename it {new} (Airflow hides every extra "
            f"whose name contains 'token', so its UI form saves {MASK} in it)"
        )
        if not given(value):  # absent, null or "": unset, as every extra
            note += "; it is empty and ignored: remove it"
        elif masked:
            note += (
                f"; its stored value is Airflow's mask {MASK}, not a path, and is ignored: "
                f"{new if given(current) else 'the default'} is used"
            )
        elif not isinstance(value, str):  # named as written, not as its new name
            problems.append(f"extra {old} (deprecated name of {new}) must be text")
        elif given(current) and _stripped(current) != _stripped(value):
            problems.append(f"{old} (deprecated) and {new} are both set, differently: keep {new}")
        else:
            extra[new] = value
        warnings.warn(note, DEPRECATION, stacklevel=5)


def _coerce(name: str, value: object, kind: type) -> object:
    """``value`` as ``kind``; strings (a connection URI's extras are all strings) are read."""
    text = value.strip() if isinstance(value, str) else None
    if text is not None and TEMPLATE.search(text):
        raise TribooConfigError(unrendered(f"extra {name}"))
    if kind is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _wrong(name, "true or false", value)
    if isinstance(value, bool):  # a bool is an int to Python, never a number here
        raise _wrong(name, _WHAT[kind], value)
    if kind is int:
        return _integer(name, value, text)
    if kind is float:
        return _number(name, value, text)
    if text is None:
        raise _wrong(name, "text", value)
    return text


def _integer(name: str, value: object, text: str | None) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if text is not None and _INTEGER.fullmatch(text):
        return int(text)
    raise _wrong(name, "a whole number", value)


def _number(name: str, value: object, text: str | None) -> float:
    if isinstance(value, int | float):
        number = float(value)
    elif text is not None and _NUMBER.fullmatch(text):
        number = float(text)
    else:
        raise _wrong(name, "a number", value)
    if not math.isfinite(number):
        raise _wrong(name, "a finite number", value)
    return number


_WHAT = {int: "a whole number", float: "a number", str: "text"}


def _check_range(name: str, value: object, schema: JSONObject) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if (low is not None and value < low) or (high is not None and value > high):
        raise TribooConfigError(f"extra {name} must be {_bounds(schema)}")


def _check_form(name: str, value: object) -> None:
    """Extras whose text has a form of its own: ``rate_limit_store`` (budget_stores)."""
    if name == "rate_limit_store" and isinstance(value, str):
        problem = store_problem(value)
        if problem is not None:
            raise TribooConfigError(problem)


def _bounds(schema: JSONObject) -> str:
    """The range of a numeric extra in words, from the form's schema."""
    low, high = schema.get("minimum"), schema.get("maximum")
    return f"at least {low}" if high is None else f"between {low} and {high}"


def _shown_name(name: object) -> str:
    """An unknown extra's name as messages show it: quoted when it looks like an extra
    name (see the module's docstring), else not repeated (it may be a pasted value)."""
    if (
        isinstance(name, str)
        and _SHOWN_NAME.fullmatch(name)
        and sum(c.isdigit() for c in name) <= _SHOWN_DIGITS
    ):
        return repr(name)
    return "with a name not repeated here (it does not look like an extra name: a value?)"


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _wrong(name: str, what: str, value: object) -> TribooConfigError:
    # The value is not repeated (someone may have pasted a secret in the wrong field).
    hint = (
        f": it holds {MASK}, the mask Airflow shows for hidden values; enter the real value"
        if isinstance(value, str) and value.strip() == MASK
        else f", not {type(value).__name__}"
    )
    return TribooConfigError(f"extra {name} must be {what}{hint}")


def unrendered(field: str) -> str:
    return (
        f"{field} holds an unrendered template ({{{{ … }}}}): Airflow does not render "
        "connection fields; put the value itself, or use a secrets backend"
    )


def given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
