"""Stream rows to CSV, JSON Lines or Parquet on any ``ObjectStoragePath``, atomically.

An output appears only when complete, so a failed task leaves no partial file: on a
file system, rows go to a hidden temporary name next to the target, renamed into place;
on S3, to one multipart upload at the target key, completed at the end or aborted
(:mod:`triboo_provider.s3`). Parquet is written in record batches, CSV and JSON Lines row
by row, so memory does not grow with the report.
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
from typing import Any, BinaryIO, Protocol

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

    Every output is finished out of sight first (a Parquet writer can still fail then, on
    a value of the wrong type); only when all are complete are they committed, so a failure
    leaves none of them, never one table without the other. Where each output is written
    until then depends on the store (:func:`open_output`): a hidden temporary file renamed
    into place, or on S3 a multipart upload completed at the final key. Should a commit
    fail after another one succeeded, the committed output is deleted again.

    Each writer's ``size`` is the bytes written, once the block is over.

    :raises FileNotFoundError, PermissionError, OSError: the output cannot be opened
        (checked when the block is entered, before the caller reads anything) or written.
    """
    for _, fmt, _ in tables:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    outputs: list[Output] = []
    writers: list[TableWriter] = []
    committed: list[Output] = []
    try:
        for path, fmt, schema in tables:
            output = open_output(path)
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
            output.commit()
            committed.append(output)
    except BaseException:
        _clean_up(writers, outputs, committed)
        raise


def _clean_up(writers: list[TableWriter], outputs: list[Output], committed: list[Output]) -> None:
    """After a failure: nothing of any output stays, whatever step failed."""
    for writer in writers:  # first, while the handles are open (Parquet writes a footer)
        writer.abort()
    for output in outputs:
        if output not in committed:
            output.discard()
    for output in committed:
        with suppress(Exception):
            output.undo()


class Output(Protocol):
    """Where one table is written until it is committed."""

    @property
    def handle(self) -> BinaryIO:
        """The stream the table is written to."""

    def commit(self) -> None:
        """Make the output appear at its path, complete."""

    def discard(self) -> None:
        """Leave nothing behind (never raises)."""

    def undo(self) -> None:
        """Remove the committed output again."""


def open_output(path: Any) -> Output:
    """An :class:`Output` for ``path`` (an ``ObjectStoragePath``).

    On S3 (``s3://``, through the Amazon provider's ``S3Hook``, see
    :mod:`triboo_provider.s3`): one multipart upload at the final key, which S3 shows only
    once completed. Elsewhere (local files, other fsspec stores): a hidden temporary name
    in the same folder, renamed into place (atomic on a local file system; on other object
    stores fsspec renames by copying, so a reader could see a partial object there).
    """
    if _on_s3(path):
        from triboo_provider.s3 import S3Output  # noqa: PLC0415 - the Amazon provider is optional

        return S3Output(path)
    return _RenamedFile(path)


def _on_s3(path: Any) -> bool:
    return str(getattr(path, "protocol", "") or "") in ("s3", "s3a", "s3n")


class _RenamedFile:
    def __init__(self, path: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.temporary = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
        self.handle: BinaryIO = self.temporary.open("wb")
        self._committed = False

    def commit(self) -> None:
        self.handle.close()
        self.temporary.rename(self.path)
        self._committed = True

    def discard(self) -> None:
        with suppress(OSError, ValueError):
            self.handle.close()
        with suppress(OSError):
            if self.temporary.exists():
                self.temporary.unlink()

    def undo(self) -> None:
        if self._committed:
            self.path.unlink()
            self._committed = False


class TableWriter:
    """Writes dict rows with the columns of ``schema``; counts them in ``rows``."""

    def __init__(self, handle: BinaryIO, fmt: str, schema: pa.Schema) -> None:
        self.fmt = fmt
        self.schema = schema
        self.rows = 0
        self.size = 0
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
