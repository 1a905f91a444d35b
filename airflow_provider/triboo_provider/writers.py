"""Stream rows to CSV, JSON Lines or Parquet on any ``ObjectStoragePath``, atomically.

An output appears only when complete, so a failed task leaves no partial file: on a
file system, rows go to a hidden temporary name next to the target, renamed into place;
on S3, to one multipart upload at the target key, completed at the end or aborted
(:mod:`triboo_provider.s3`). A failure never destroys what was at the path before (see
:func:`atomic_tables` for several tables, and its limits). Paths are read exactly by
:mod:`triboo_provider.targets`, the stores are in :mod:`triboo_provider.stores` and the
formats in :mod:`triboo_provider.formats`; their names the operators use are importable
from here too. DAG files use the public :func:`triboo_provider.outputs.write_table`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from triboo_provider.exceptions import TribooInputError
from triboo_provider.formats import BATCH_ROWS, FORMATS, TableWriter, timestamp
from triboo_provider.replace import Output
from triboo_provider.stores import as_target, open_output

__all__ = [
    "BATCH_ROWS",
    "FORMATS",
    "Output",
    "TableWriter",
    "as_target",
    "atomic_table",
    "atomic_tables",
    "open_output",
    "safe_name",
    "timestamp",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9_.+=-]")


def safe_name(value: str) -> str:
    """A file or folder name from server data (a course key, a date) that cannot escape.

    Anything but letters, digits and ``_.+=-`` becomes ``_``; leading dots are dropped so
    ``..`` or a hidden name cannot appear.
    """
    cleaned = _UNSAFE.sub("_", value).lstrip(".")
    return cleaned or "_"


@contextmanager
def atomic_table(path: Any, fmt: str, schema: pa.Schema) -> Iterator[TableWriter]:
    """Open ``path`` (a path, URL, ``ObjectStoragePath`` or
    :class:`~triboo_provider.targets.Target`) for ``fmt`` rows of ``schema``.

    The file appears at ``path`` only if the block finishes without an exception. Raises
    what :func:`atomic_tables` raises.
    """
    with atomic_tables((path, fmt, schema)) as (writer,):
        yield writer


@contextmanager
def atomic_tables(*tables: tuple[Any, str, pa.Schema]) -> Iterator[list[TableWriter]]:
    """Open several ``(path, fmt, schema)`` tables that appear together or not at all, and
    never at the cost of what was there before.

    Every output is finished out of sight first (a Parquet writer can still fail then, on
    a value of the wrong type); only when all are complete are they committed, so a failure
    leaves none of them, never one table without the other. Where each output is written
    until then depends on the store (:func:`~triboo_provider.stores.open_output`): a hidden
    temporary file renamed into place, or on S3 a multipart upload completed at the final
    key. With several tables, each commit keeps the file or object it replaces (a hidden
    hard link or copy next to it, a hidden S3 copy): should a later commit fail, every
    committed output gets its previous version back, or is removed if it had none, and the
    kept versions are deleted once every table is committed. A single table needs none of
    this: its commit is one rename or one ``CompleteMultipartUpload``, which replaces the
    previous version whole or not at all.

    Limits: a process killed with SIGKILL between two commits leaves the first table
    committed and the previous version at its hidden name (``.<name>.<random>.triboo-
    previous``); a restore that fails (the store unreachable) is logged with that name.

    Each writer's ``size`` is the bytes written, once the block is over.

    :raises TribooInputError: a format not in :data:`FORMATS`, a path that names no single
        output, or a folder (before any read).
    :raises TribooOutputError: an output that no retry can write (no bucket, credentials
        missing or refused, no Amazon provider): when the block is entered, before the
        caller reads anything.
    :raises OSError: a transient store error (retried by the task).
    """
    for _, fmt, _ in tables:
        if fmt not in FORMATS:
            raise TribooInputError([f"format must be one of {', '.join(FORMATS)}, not {fmt!r}"])
    keep = len(tables) > 1
    outputs: list[Output] = []
    writers: list[TableWriter] = []
    committing: list[Output] = []
    try:
        targets = [as_target(path) for path, _, _ in tables]
        for target, (_, fmt, schema) in zip(targets, tables, strict=True):
            output = open_output(target, keep_previous=keep)
            outputs.append(output)
            writers.append(TableWriter(output.handle, fmt, schema))
        try:
            yield writers
        except BaseException:
            for writer in writers:
                writer.abort()
            raise
        for writer in writers:
            writer.close()
        for writer, output in zip(writers, outputs, strict=True):
            writer.size = output.handle.tell()
            output.handle.close()
        for output in outputs:
            committing.append(output)  # a failed commit may have replaced it too
            output.commit()
    except BaseException:
        _clean_up(writers, outputs, committing)
        raise
    for output in outputs:
        output.forget()


def _clean_up(writers: list[TableWriter], outputs: list[Output], committing: list[Output]) -> None:
    """After a failure: nothing of any output stays, and what they replaced is back."""
    for writer in writers:  # first, while the handles are open (Parquet writes a footer)
        writer.abort()
    for output in outputs:
        if output not in committing:
            output.discard()
    for output in reversed(committing):
        output.restore()
