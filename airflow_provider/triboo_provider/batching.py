"""Split a list into batches, for dynamic task mapping over Triboo operators.

Airflow maps at most ``[core] max_map_length`` (1024) task instances: map over batches
of identifiers, never over single items::

    TribooBulkEnrollOperator.partial(task_id="enroll", courses=[...]).expand(
        identifiers=batches(usernames, 100)
    )

Cheap to import in a DAG file (no HTTP stack, no generated client).
"""

from __future__ import annotations

from typing import Any

from triboo_provider.exceptions import TribooInputError
from triboo_provider.params import as_list

__all__ = ["batches"]


def batches(items: Any, size: int = 100) -> list[list[Any]]:
    """Split ``items`` into consecutive lists of at most ``size`` items, in order.

    :param items: a list parameter, read as :func:`triboo_provider.params.as_list` reads
        one (a list, tuple or set; a string split on commas and newlines, never into
        characters; a JSON or Python list literal; ``None`` or ``""`` for no items).
    :param size: items per batch, a positive integer (not a boolean).
    :return: the batches; ``[]`` when there is no item.
    :raises TribooInputError: ``size`` is not a positive integer, or ``items`` is not a
        list parameter (a mapping, bytes, an unrendered template...).
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise TribooInputError([f"size: must be a positive integer, not {size!r}"])
    values = as_list(items, "items")
    return [values[start : start + size] for start in range(0, len(values), size)]
