"""The roster a sync reads: a list of dicts or a CSV/JSON Lines file, validated in full.

No Airflow import (a file on object storage is opened by
:func:`triboo_provider.inputs.load_rows`).
"""

from __future__ import annotations

from typing import Any

from triboo_provider.exceptions import TribooInputError
from triboo_provider.inputs import load_rows
from triboo_provider.params import as_list
from triboo_provider.sync.match import MatchOn
from triboo_provider.validation import validate_users

__all__ = ["read_roster"]


def read_roster(
    roster: Any, roster_path: Any, *, match_on: MatchOn
) -> tuple[list[dict[str, Any]], list[str]]:
    """The roster's validated rows and their labels (``row N`` for a list, ``line N`` for
    a file), checked as create rows (every problem names its row and field).

    A key two rows share, or a blank ``match_on`` value, is not a problem here: the
    planner reports those rows as conflicts (``duplicate_key``, ``blank_key``) and the
    other rows are applied. An empty roster is returned empty (the safety stop refuses
    it, saying what it would deactivate).

    :raises TribooInputError: neither or both are given, ``roster`` is not a list of
        objects, the file cannot be read, or a row breaks a field's rule (every problem
        listed).
    """
    rows, labels = _rows(roster, roster_path)
    if not rows:
        return [], labels
    checked = validate_users(rows, creating=True, labels=labels, unique=False, optional=(match_on,))
    if checked.problems:
        raise TribooInputError(checked.problems)
    return checked.rows, labels


def _rows(roster: Any, roster_path: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The roster's rows and labels (``row N`` for a list, ``line N`` for a file).

    :raises TribooInputError: neither or both are given, ``roster`` is not a list of
        objects, or the file cannot be read.
    """
    if (roster is None) == (roster_path is None):
        raise TribooInputError(
            ["give exactly one of roster (a list of dicts) or roster_path (a CSV/JSONL file)"]
        )
    if roster is None:
        return load_rows(roster_path, param="roster_path")
    if isinstance(roster, str) and not roster.strip().startswith(("[", "(")):
        raise TribooInputError(
            ["roster: a string must be a JSON list of objects; give a file as roster_path"]
        )
    return load_rows(as_list(roster, "roster"))
