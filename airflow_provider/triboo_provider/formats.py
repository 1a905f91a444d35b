"""The three export formats: dict rows streamed as CSV, JSON Lines or Parquet.

Parquet is written in record batches of :data:`BATCH_ROWS` rows (zstd; every column
dictionary-encoded but timestamps), CSV and JSON Lines row by row, so memory does not grow
with the table. In the text formats a timestamp is ISO-8601 with ``Z`` and a date
ISO-8601; in CSV a missing value is empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from contextlib import suppress
from typing import Any, BinaryIO, Literal

import pyarrow as pa
import pyarrow.parquet as pq

Format = Literal["csv", "jsonl", "parquet"]
FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}  # format -> extension
BATCH_ROWS = 10_000


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


class TableWriter:
    """Writes dict rows with the columns of ``schema`` to ``handle`` as ``fmt`` (a key of
    :data:`FORMATS`, checked by the caller); counts them in ``rows``.

    ``size`` is set by whoever owns the handle, once the file is finished (bytes written).
    """

    def __init__(self, handle: BinaryIO, fmt: str, schema: pa.Schema) -> None:
        self.fmt = fmt
        self.schema = schema
        self.rows = 0
        self.size = 0
        self._handle = handle
        self._columns = schema.names
        self._batch: list[dict[str, Any]] = []
        # Parquet: batches given to extend() (and rows given to write() before them) not
        # yet written, so that row groups keep BATCH_ROWS rows whoever feeds them.
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._text: io.TextIOWrapper | None = None
        self._csv: Any = None
        if fmt == "parquet":
            # Timestamps (to the microsecond) hardly ever repeat: a dictionary of them costs
            # CPU and makes the file larger, so they are written plain (and zstd-compressed).
            dictionary = [f.name for f in schema if not pa.types.is_timestamp(f.type)]
            self._parquet = pq.ParquetWriter(
                handle, schema, compression="zstd", use_dictionary=dictionary
            )
        else:
            self._text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            if fmt == "csv":
                self._csv = csv.writer(self._text)
                self._csv.writerow(self._columns)

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        """Append ``rows`` (a missing column is null; columns not in the schema are
        ignored). A Parquet value of the wrong type raises ``pyarrow.ArrowException``."""
        for row in rows:
            self.rows += 1
            if self._parquet is not None:
                self._batch.append(row)
                if len(self._batch) >= BATCH_ROWS:
                    self._flush(whole_groups=True)
            elif self._csv is not None:
                self._csv.writerow(
                    ["" if row.get(c) is None else _text(row.get(c)) for c in self._columns]
                )
            else:
                assert self._text is not None
                self._text.write(json.dumps({c: _text(row.get(c)) for c in self._columns}) + "\n")

    def extend(self, batch: pa.RecordBatch) -> None:
        """Append ``batch``, whose schema is this writer's, as :meth:`write` appends rows:
        Parquet in row groups of :data:`BATCH_ROWS` rows, the text formats row by row."""
        if self._parquet is None:
            self.write(batch.to_pylist())
            return
        self._rows_to_pending()  # rows given to write() before it come first
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        self.rows += batch.num_rows
        if self._pending_rows >= BATCH_ROWS:
            self._flush(whole_groups=True)

    def write_batch(self, batch: pa.RecordBatch) -> None:
        """Append ``batch``, whose schema is this writer's (Parquet takes it as it is, the
        text formats row by row)."""
        if self._parquet is None:
            self.write(batch.to_pylist())
            return
        self._flush()  # rows given to write() before it come first
        self._parquet.write_batch(batch)
        self.rows += batch.num_rows

    def _rows_to_pending(self) -> None:
        if self._batch:
            self._pending.append(pa.RecordBatch.from_pylist(self._batch, schema=self.schema))
            self._pending_rows += len(self._batch)
            self._batch = []

    def _flush(self, whole_groups: bool = False) -> None:
        """Write what is pending; with ``whole_groups``, only full row groups (the rest
        waits for more rows or for :meth:`close`)."""
        self._rows_to_pending()
        if not self._pending or self._parquet is None:
            return
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        ready = table.num_rows // BATCH_ROWS * BATCH_ROWS if whole_groups else table.num_rows
        if ready:
            self._parquet.write_table(table.slice(0, ready), row_group_size=BATCH_ROWS)
        rest = table.slice(ready)
        self._pending, self._pending_rows = rest.to_batches(), rest.num_rows

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
