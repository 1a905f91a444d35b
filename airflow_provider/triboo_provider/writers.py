"""Stream rows to CSV, JSON Lines or Parquet on any ``ObjectStoragePath``, atomically.

Rows are written to a hidden temporary name next to the target and moved into place
only when complete: a failed task leaves no partial file. Parquet is written in record
batches, CSV and JSON Lines row by row, so memory does not grow with the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
BATCH_ROWS = 10_000
_UNSAFE = re.compile(r"[^A-Za-z0-9_.+=-]")


def safe_name(value: str) -> str:
    """A file or folder name from server data (a course key, a date) that cannot escape.

    Anything but letters, digits and ``_.+=-`` becomes ``_``; leading dots are dropped so
    ``..`` or a hidden name cannot appear.
    """
    cleaned = _UNSAFE.sub("_", value).lstrip(".")
    return cleaned or "_"


def timestamp(value: str | None) -> dt.datetime | None:
    """Parse the server's ISO timestamps; a naive one (the vendor's format) is UTC."""
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@contextmanager
def atomic_table(path: Any, fmt: str, schema: pa.Schema) -> Iterator[TableWriter]:
    """Open ``path`` (an ``ObjectStoragePath``) for ``fmt`` rows of ``schema``.

    The file appears at ``path`` only if the block finishes without an exception.
    """
    with atomic_tables((path, fmt, schema)) as (writer,):
        yield writer


@contextmanager
def atomic_tables(*tables: tuple[Any, str, pa.Schema]) -> Iterator[list[TableWriter]]:
    """Open several ``(path, fmt, schema)`` tables that appear together or not at all.

    Every file is finished under a hidden temporary name first (a Parquet writer can still
    fail then, on a value of the wrong type); only when all are complete are they moved
    into place, so a failure leaves none of them, never one table without the other.
    """
    for _, fmt, _ in tables:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    opened: list[tuple[Any, Any, BinaryIO]] = []  # (temporary, path, handle)
    writers: list[TableWriter] = []
    try:
        for path, fmt, schema in tables:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
            handle = temporary.open("wb")
            opened.append((temporary, path, handle))
            writers.append(TableWriter(handle, fmt, schema))
        try:
            yield writers
        except BaseException:
            for writer in writers:
                writer.abort()
            raise
        for writer in writers:
            writer.close()
        for _, _, handle in opened:
            handle.close()
        for temporary, path, _ in opened:
            temporary.rename(path)
    except BaseException:
        for writer in writers:  # first, while the handles are open (Parquet writes a footer)
            writer.abort()
        for temporary, _, handle in opened:
            with suppress(OSError, ValueError):
                handle.close()
            if temporary.exists():
                temporary.unlink()
        raise


class TableWriter:
    """Writes dict rows with the columns of ``schema``; counts them in ``rows``."""

    def __init__(self, handle: BinaryIO, fmt: str, schema: pa.Schema) -> None:
        self.fmt = fmt
        self.schema = schema
        self.rows = 0
        self._handle = handle
        self._columns = schema.names
        self._batch: list[dict[str, Any]] = []
        self._parquet: pq.ParquetWriter | None = None
        self._text: io.TextIOWrapper | None = None
        self._csv: Any = None
        if fmt == "parquet":
            self._parquet = pq.ParquetWriter(handle, schema, compression="zstd")
        else:
            self._text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            if fmt == "csv":
                self._csv = csv.writer(self._text)
                self._csv.writerow(self._columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.rows += 1
            if self._parquet is not None:
                self._batch.append(row)
                if len(self._batch) >= BATCH_ROWS:
                    self._flush()
            elif self._csv is not None:
                self._csv.writerow(
                    ["" if row.get(c) is None else _text(row.get(c)) for c in self._columns]
                )
            else:
                assert self._text is not None
                self._text.write(json.dumps({c: _text(row.get(c)) for c in self._columns}) + "\n")

    def _flush(self) -> None:
        if self._batch and self._parquet is not None:
            self._parquet.write_batch(pa.RecordBatch.from_pylist(self._batch, schema=self.schema))
            self._batch = []

    def abort(self) -> None:
        """Let go of the handle without finishing the file (it is deleted next)."""
        if self._parquet is not None:
            with suppress(OSError, ValueError, pa.ArrowException):
                self._parquet.close()
            self._parquet = None
        elif self._text is not None:
            self._text.detach()
            self._text = None

    def close(self) -> None:
        """Finish the file; after this, :meth:`abort` does nothing."""
        if self._parquet is not None:
            self._flush()
            self._parquet.close()
            self._parquet = None
        elif self._text is not None:
            self._text.flush()
            self._text.detach()
            self._text = None
