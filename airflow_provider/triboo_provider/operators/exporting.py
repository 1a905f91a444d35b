"""What the export operators share: their formats, their outputs declared as Assets and
announced on asset events, server rows the tables cannot take, folders and dates.

Internal to :mod:`triboo_provider.operators`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from airflow.sdk import Asset

from triboo_provider.operators.base import is_templated

if TYPE_CHECKING:
    from triboo_provider.targets import Target

Format = Literal["parquet", "csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("parquet", "csv", "jsonl")


def declare_outlets(kwargs: dict[str, Any], **paths: Any) -> None:
    """Check every path that is not templated and declare the outputs as Assets in the
    operator's ``kwargs`` unless the DAG did.

    The asset URI is the stored object's, without a connection id (``s3://bucket/key``,
    as the Amazon provider spells it), so ``Asset("s3://bucket/key")`` in another DAG
    matches it.

    :raises TribooInputError: at DAG import, naming the parameter: a path names no single
        output, or Airflow refuses its URI as an Asset's (over 1500 characters).
    """
    from triboo_provider.exceptions import TribooInputError
    from triboo_provider.targets import resolve

    static = [
        resolve(value, name)
        for name, value in paths.items()
        if value is not None and not is_templated(value)
    ]
    if "outlets" not in kwargs and static:
        try:
            kwargs["outlets"] = [Asset(uri=t.asset_uri()) for t in static]
        except ValueError as problem:
            # Chained: Airflow's reason names the URI, built from the stored object's
            # location, never from a connection id or a URL's user part.
            raise TribooInputError([f"{static[0].param}: no Asset URI ({problem})"]) from problem


def announce(context: Any, outlets: Sequence[Any], summary: dict[str, Any]) -> None:
    """Put the export's path and row count on its asset events, for asset-scheduled DAGs."""
    events = context.get("outlet_events") if hasattr(context, "get") else None
    if events is None:
        return
    for outlet in outlets:
        if isinstance(outlet, Asset):
            events[outlet].extra = {"path": summary["path"], "rows": summary["rows"]}


@contextmanager
def server_rows(operation: str) -> Iterator[None]:
    """Turn server data the tables cannot flatten (a course without ``id``, a date that is
    no date, a list where an object belongs) into a typed server error, its cause kept.

    Around the output's ``atomic_table``, so that a value Parquet refuses when the file
    is finished is caught too; the failed export leaves no file.

    :raises TribooServerError: for a ``KeyError``, ``TypeError``, ``ValueError`` or
        ``AttributeError`` inside.
    """
    from triboo_provider.exceptions import TribooServerError

    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        raise TribooServerError(
            operation, 200, f"server data of an unexpected shape ({type(problem).__name__})"
        ) from problem


def resolve_folder(value: Any) -> Target:
    """``output_dir`` read as a folder :class:`~triboo_provider.targets.Target`.

    :raises TribooInputError: naming ``output_dir``, for a value naming no folder.
    """
    from triboo_provider.targets import resolve

    return resolve(value, "output_dir", folder=True)


def as_date(value: Any, name: str, problems: list[str]) -> dt.date | None:
    """A date parameter (a date, a datetime, ``YYYY-MM-DD`` or an ISO timestamp such as
    ``{{ data_interval_start }}`` renders to) as a date; None when not given.

    A value that is no date adds a problem naming ``name`` to ``problems``, for the
    caller to raise with the others.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return (
            dt.date.fromisoformat(text)
            if len(text) == 10
            else dt.datetime.fromisoformat(text).date()
        )
    except ValueError:
        problems.append(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
        return None
