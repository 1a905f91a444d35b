"""Public helper for DAG files: where a run writes its files, from a param or a Variable.

The example DAGs write under an *output base*: the DAG's ``output_base`` param, else the
``triboo_output_base`` Airflow Variable, else :data:`DEFAULT_OUTPUT_BASE`. One rule for
both, :data:`OUTPUT_BASE_PATTERN`, is the param's JSON-schema ``pattern`` (checked before a
run starts) and is checked again by :func:`resolve_output_base` for the Variable (when the
first task renders it). Register it as a macro::

    @dag(user_defined_macros={"triboo_output_base": resolve_output_base}, ...)
    ...
    BASE = "{{ triboo_output_base(params.output_base, var.value.get('triboo_output_base')) }}"

Light to import (no pyarrow, no HTTP client), so DAG files may import it at
the top.
"""

from __future__ import annotations

import re

from triboo_provider.client.errors import TribooInputError

__all__ = ["DEFAULT_OUTPUT_BASE", "OUTPUT_BASE_PATTERN", "resolve_output_base"]

# A local folder (an absolute path) or an fsspec URL. Refused: a template (``{{``, ``{%``),
# blanks around it, a relative path, a control character (C0, DEL or C1), a bare ``/``
# or scheme; trailing slashes are allowed (dropped by resolve_output_base: ``s3://lake/triboo/`` is
# ``s3://lake/triboo``). ``""`` is "not given": the next source is used.
OUTPUT_BASE_PATTERN = (
    r"^(?![\s\S]*[\x00-\x1f\x7f-\x9f])(?:(?![\s\S]*\{[{%])"
    r"(?:/|[A-Za-z][A-Za-z0-9+.-]*://)[^\x00-\x1f\x7f-\x9f]*[^\s/]/*)?$"
)
DEFAULT_OUTPUT_BASE = "/tmp/triboo"  # noqa: S108 (the documented default)


def resolve_output_base(param: object, variable: object) -> str:
    """The output base a run writes under, without trailing slashes: ``param``, else
    ``variable``, else :data:`DEFAULT_OUTPUT_BASE`; ``None`` or ``""`` (an empty Variable
    too) is "not given".

    :raises TribooInputError: the first given value is not a string matching
        :data:`OUTPUT_BASE_PATTERN`; the message names where it came from ("the
        output_base param" or "the triboo_output_base Variable"), never the value. The task
        fails at once (no retry can change it).
    """
    for name, value in (
        ("the output_base param", param),
        ("the triboo_output_base Variable", variable),
    ):
        if value is None or value == "":
            continue
        if not isinstance(value, str) or not re.fullmatch(OUTPUT_BASE_PATTERN, value):
            raise TribooInputError(
                [
                    f"{name} is not an absolute path or URL without a template or blanks "
                    f"around it (pattern {OUTPUT_BASE_PATTERN})"
                ]
            )
        return value.rstrip("/")
    return DEFAULT_OUTPUT_BASE
