"""Public helpers for DAG files that write their own tables the way the exports do.

:func:`write_table` writes a ``pyarrow.Table`` to a local path or an object-storage URL
read by the exports' path rule (:mod:`triboo_provider.targets`; README, "Paths"), and
atomically: the file appears whole when complete or not at all, and a failure leaves what
was at the path before (README, "S3 outputs" for ``s3://``). Use it instead of
``pyarrow.parquet.write_table`` or ``ObjectStoragePath.open("w")``, which leave a partial
file behind a failed task. pyarrow is imported when this module is, so import it inside
the task, not at the top of a DAG file.

This module is the documented public surface; the writers it uses
(:mod:`triboo_provider.writers`, :mod:`triboo_provider.stores`) are internal and may change.
"""

from __future__ import annotations

from typing import Any, TypedDict

import pyarrow as pa

from triboo_provider.exceptions import TribooInputError
from triboo_provider.formats import FORMATS, Format
from triboo_provider.stores import as_target
from triboo_provider.writers import atomic_table

__all__ = ["FORMATS", "Format", "WrittenTable", "write_table"]


class WrittenTable(TypedDict):
    """What :func:`write_table` wrote: ``path`` as given (a connection id in it is kept:
    it names no secret), ``rows`` written, ``bytes`` the file's size, ``format``."""

    path: str
    rows: int
    bytes: int
    format: Format


def write_table(path: Any, table: pa.Table, format: Format = "parquet") -> WrittenTable:
    """Write ``table`` to ``path`` as ``format``, atomically.

    :param path: a ``str`` (local path or URL such as ``s3://aws_default@lake/x.csv``), a
        ``pathlib.Path`` or an ``ObjectStoragePath`` (its ``conn_id`` is the connection),
        read exactly by :func:`triboo_provider.targets.resolve`.
    :param table: the rows, with the table's own schema (column names and Arrow types);
        in CSV and JSON Lines a timestamp is ISO-8601 with ``Z`` (UTC), a date
        ISO-8601, a null empty (CSV) or ``null`` (JSON Lines).
    :param format: ``"parquet"`` (zstd), ``"csv"`` (with a header row) or ``"jsonl"``.
    :returns: ``{"path", "rows", "bytes", "format"}`` (:class:`WrittenTable`).
    :raises TribooInputError: ``table`` is not a ``pyarrow.Table``, ``format`` is not one
        of the three, or ``path`` names no single output or an existing folder: before
        anything is written.
    :raises TribooOutputError: an output no retry can write (an ``s3://`` path without the
        Amazon provider, a missing bucket, missing or refused credentials); its
        subclasses are also ``FileNotFoundError`` and ``PermissionError``.
    :raises OSError: a transient store error (a task's retry may succeed).
    """
    if not isinstance(table, pa.Table):
        raise TribooInputError([f"table: {type(table).__name__} is not a pyarrow.Table"])
    if format not in FORMATS:
        raise TribooInputError([f"format must be one of {', '.join(FORMATS)}, not {format!r}"])
    target = as_target(path)
    with atomic_table(target, format, table.schema) as writer:
        for batch in table.to_batches():
            writer.write_batch(batch)
    return {"path": target.given, "rows": writer.rows, "bytes": writer.size, "format": format}
