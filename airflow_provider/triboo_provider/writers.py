"""Stream rows to CSV, JSON Lines or Parquet on any ``ObjectStoragePath``, atomically.

An output appears only when complete, so a failed task leaves no partial file: on a
file system, rows go to a hidden temporary name next to the target, renamed into place;
on S3, to one multipart upload at the target key, completed at the end or aborted
(:mod:`triboo_provider.s3`). A failure never destroys what was at the path before (see
:func:`atomic_tables` for several tables, and its limits). Paths are read exactly by
:mod:`triboo_provider.targets`. Parquet is written in record batches, CSV and JSON Lines row
by row, so memory does not grow with the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, BinaryIO, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from triboo_provider.exceptions import TribooInputError, TribooOutputError
from triboo_provider.targets import Target, resolve

FORMATS = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
BATCH_ROWS = 10_000
log = logging.getLogger(__name__)
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
    """Open ``path`` (a path, URL, ``ObjectStoragePath`` or
    :class:`~triboo_provider.targets.Target`) for ``fmt`` rows of ``schema``.

    The file appears at ``path`` only if the block finishes without an exception.
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
    until then depends on the store (:func:`open_output`): a hidden temporary file renamed
    into place, or on S3 a multipart upload completed at the final key. With several
    tables, each commit keeps the file or object it replaces (a hidden hard link or copy
    next to it, a hidden S3 copy): should a later commit fail, every committed output gets
    its previous version back, or is removed if it had none, and the kept versions are
    deleted once every table is committed. A single table needs none of this: its commit
    is one rename or one ``CompleteMultipartUpload``, which replaces the previous version
    whole or not at all.

    Limits: a process killed with SIGKILL between two commits leaves the first table
    committed and the previous version at its hidden name (``.<name>.<random>.triboo-
    previous``); a restore that fails (the store unreachable) is logged with that name.

    Each writer's ``size`` is the bytes written, once the block is over.

    :raises TribooInputError: a path names no single output, or a folder (before any read).
    :raises TribooOutputError: an output that no retry can write (no bucket, credentials
        missing or refused, no Amazon provider): when the block is entered, before the
        caller reads anything.
    :raises OSError: a transient store error (retried by the task).
    """
    for _, fmt, _ in tables:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
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


class Output(Protocol):
    """Where one table is written until it is committed."""

    @property
    def handle(self) -> BinaryIO:
        """The stream the table is written to."""

    def commit(self) -> None:
        """Make the output appear at its path, complete (keeping what it replaces when
        opened with ``keep_previous``)."""

    def discard(self) -> None:
        """Leave nothing behind (never raises)."""

    def restore(self) -> None:
        """Undo the commit, also a half-done one: the previous version back, or the output
        removed if there was none (never raises; logs what it could not restore)."""

    def forget(self) -> None:
        """Delete the kept previous version (never raises)."""


def as_target(path: Any, param: str = "path") -> Target:
    """``path`` as a :class:`~triboo_provider.targets.Target` (resolved when it is not
    one already)."""
    return path if isinstance(path, Target) else resolve(path, param)


def open_output(path: Any, *, keep_previous: bool = False) -> Output:
    """An :class:`Output` for ``path`` (anything :func:`as_target` takes).

    On S3 (``s3://``, ``s3a://``, through the Amazon provider's ``S3Hook``, see
    :mod:`triboo_provider.s3`): one multipart upload at the final key, which S3 shows only
    once completed. Local files: a hidden temporary name in the same folder, renamed into
    place (atomic), after checking that the path is no folder. Other fsspec stores: the
    same through fsspec, whose rename copies (a reader could see a partial object there).

    :raises TribooOutputError: ``s3://`` without the Amazon provider installed.
    """
    target = as_target(path)
    if target.store == "s3":
        try:
            from triboo_provider.s3 import S3Output  # noqa: PLC0415 - the extra is optional
        except ImportError as problem:
            raise TribooOutputError(
                f"{target.param}: {target.url}: s3:// outputs need the Amazon provider: "
                "pip install 'airflow-provider-triboo[amazon]'"
            ) from problem
        return S3Output(target, keep_previous=keep_previous)
    if target.store == "file":
        return _LocalFile(target, keep_previous=keep_previous)
    return _RenamedFile(target, keep_previous=keep_previous)


def _hidden(folder: str, name: str, suffix: str) -> str:
    return f"{folder}/.{name}.{uuid.uuid4().hex}.{suffix}"


class _ReplacedOutput:
    """What a file-like output does after its commit: put back the version it replaced
    (kept when ``keep_previous``), or remove its own; subclasses say how for their store."""

    shown: str  # the output as messages name it
    backup_shown: str  # the kept previous version, as messages name it
    _kept = False  # a previous version was kept at the backup name
    _replaced = False  # the commit may have put the new version in place

    def discard(self) -> None:
        raise NotImplementedError

    def _put_back(self) -> None:
        """The kept previous version back in place (moved or copied from the backup)."""
        raise NotImplementedError

    def _remove(self) -> None:
        """The new version removed, when there was no previous one."""
        raise NotImplementedError

    def _drop_backup(self) -> None:
        """Delete the backup; one already moved back is no error."""
        raise NotImplementedError

    def restore(self) -> None:
        self.discard()
        if not self._replaced:
            return
        try:
            if self._kept:
                self._put_back()
                self.forget()
            else:
                self._remove()
            self._replaced = False
        except Exception as problem:
            log.error(
                "%s: could not restore the previous version (%s); it is kept at %s",
                self.shown,
                problem,
                self.backup_shown if self._kept else "(none: there was none)",
            )

    def forget(self) -> None:
        if self._kept:
            try:
                self._drop_backup()
                self._kept = False
            except Exception as problem:
                log.warning("%s: could not delete %s (%s)", self.shown, self.backup_shown, problem)


class _LocalFile(_ReplacedOutput):
    """A local file: written to a hidden temporary name, ``os.replace``-d into place
    (atomic). Kept previous version: a hard link (a copy where links are refused)."""

    def __init__(self, target: Target, *, keep_previous: bool) -> None:
        self.path = target.absolute
        self.param = target.param
        if os.path.isdir(self.path):
            raise TribooInputError([f"{target.param}: {target.location!r} is a folder"])
        folder, name = os.path.split(self.path)
        os.makedirs(folder, exist_ok=True)
        self.keep_previous = keep_previous
        self.temporary = _hidden(folder, name, "tmp")
        self._backup = _hidden(folder, name, "triboo-previous")
        self.shown, self.backup_shown = self.path, self._backup
        self.handle: BinaryIO = open(self.temporary, "xb")  # noqa: SIM115 - closed by commit

    def commit(self) -> None:
        self.handle.close()
        if self.keep_previous and os.path.lexists(self.path):
            try:
                os.link(self.path, self._backup, follow_symlinks=False)
            except OSError:
                shutil.copy2(self.path, self._backup, follow_symlinks=False)
            self._kept = True
        self._replaced = True
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        with suppress(OSError, ValueError):
            self.handle.close()
        with suppress(OSError):
            os.unlink(self.temporary)

    def _put_back(self) -> None:
        os.replace(self._backup, self.path)

    def _remove(self) -> None:
        if os.path.lexists(self.path) and not os.path.isdir(self.path):
            os.unlink(self.path)

    def _drop_backup(self) -> None:
        with suppress(FileNotFoundError):  # moved back by _put_back
            os.unlink(self._backup)


class _RenamedFile(_ReplacedOutput):
    """Another fsspec store through ``ObjectStoragePath``: a hidden temporary name renamed
    into place; the kept previous version is a copy (``fs.cp_file``)."""

    def __init__(self, target: Target, *, keep_previous: bool) -> None:
        path = target.fsspec
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.url = target.url
        self.keep_previous = keep_previous
        self.temporary = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
        self.backup = path.parent / f".{path.name}.{uuid.uuid4().hex}.triboo-previous"
        self.shown, self.backup_shown = self.url, str(self.backup)
        self.handle: BinaryIO = self.temporary.open("wb")

    def commit(self) -> None:
        self.handle.close()
        if self.keep_previous and self.path.exists():
            self.path.fs.cp_file(self.path.path, self.backup.path)
            self._kept = True
        self._replaced = True
        self.temporary.rename(self.path)

    def discard(self) -> None:
        with suppress(OSError, ValueError):
            self.handle.close()
        with suppress(OSError):
            if self.temporary.exists():
                self.temporary.unlink()

    def _put_back(self) -> None:
        self.path.fs.cp_file(self.backup.path, self.path.path)

    def _remove(self) -> None:
        if self.path.exists():
            self.path.unlink()

    def _drop_backup(self) -> None:
        self.backup.unlink()


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
