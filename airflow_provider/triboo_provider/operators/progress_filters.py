"""The user progress export's filters (``user_ids``, ``usernames``, ``emails``), applied on
the client: current servers ignore them on that route and would export everyone.

Internal to :mod:`triboo_provider.operators`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from triboo_provider.identifiers import Kind

# Each filter parameter and the identifier it names.
FILTERS: tuple[tuple[Kind, str], ...] = (
    ("user_id", "user_ids"),
    ("username", "usernames"),
    ("email", "emails"),
)
NAMES = tuple(name for _, name in FILTERS)
Filters = dict["Kind", set[Any]]


def read_filters(values: Mapping[str, Any], given: Collection[str]) -> Filters:
    """The match keys of each filter in ``given`` (the parameters the DAG set), read from
    ``values`` (the parameters as rendered) by the list and identifier rules.

    A filter given but empty (``"{{ params.leavers }}"`` rendering ``[]``) names nobody:
    the export is empty, never everyone. One the DAG set that rendered to None is a
    missing value, refused (it never means "no filter").

    :raises TribooInputError: a filter rendered to None, is not a list, or an item is not
        an id, a username or an e-mail (before any call).
    """
    from triboo_provider.exceptions import TribooInputError
    from triboo_provider.identifiers import list_problems, match_key
    from triboo_provider.params import as_texts

    filters: Filters = {}
    problems: list[str] = []
    for kind, name in FILTERS:
        if name not in given:
            continue
        if values[name] is None:
            problems.append(
                f"{name}: rendered to None, a missing value; leave the filter unset to "
                "export everyone, or give [] to export nobody"
            )
            continue
        texts = as_texts(values[name], name, integers=kind == "user_id")
        problems += list_problems(texts, name, kind)
        filters[kind] = {match_key(kind, v) for v in texts}
    if problems:
        raise TribooInputError(problems)
    return filters


def wanted(reports: Iterable[dict[str, Any]], filters: Filters) -> Iterator[dict[str, Any]]:
    """The reports a filter names (ids exactly, usernames and e-mails ignoring case);
    every report when no filter is given."""
    from triboo_provider.identifiers import match_key

    if not filters:
        yield from reports
        return
    for report in reports:
        if any(match_key(kind, report.get(kind)) in keys for kind, keys in filters.items()):
            yield report
