"""The stores an export writes to: a local file, another fsspec store, or S3.

:func:`open_output` picks the :class:`~triboo_provider.replace.Output` for a path. A local
file is written to a hidden temporary name in its folder and ``os.replace``-d into place
(atomic); another fsspec store (through ``ObjectStoragePath``) the same way, but fsspec's
rename copies, so a reader could see a partial object there; S3 is one multipart upload
at the final key (:mod:`triboo_provider.s3`). When asked to keep the previous version, a
local file keeps a hidden hard link (a copy where links are refused) and another fsspec
store a copy, both named ``.<name>.<random>.triboo-previous`` beside the output.
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import suppress
from typing import Any, BinaryIO

from triboo_provider.exceptions import TribooInputError, TribooOutputError
from triboo_provider.replace import Output, ReplacedOutput
from triboo_provider.targets import Target, resolve

__all__ = ["Output", "as_target", "open_output"]


def as_target(path: Any, param: str = "path") -> Target:
    """``path`` as a :class:`~triboo_provider.targets.Target` (resolved when it is not
    one already).

    :raises TribooInputError: ``path`` names no single output (see
        :func:`triboo_provider.targets.resolve`); the message names ``param``.
    """
    return path if isinstance(path, Target) else resolve(path, param)


def open_output(path: Any, *, keep_previous: bool = False) -> Output:
    """An :class:`~triboo_provider.replace.Output` for ``path`` (anything
    :func:`as_target` takes), opened for writing.

    On S3 (``s3://``, ``s3a://``, through the Amazon provider's ``S3Hook``, see
    :mod:`triboo_provider.s3`): one multipart upload at the final key, which S3 shows only
    once completed. Local files: a hidden temporary name in the same folder, renamed into
    place (atomic), after checking that the path is no folder. Other fsspec stores: the
    same through fsspec, whose rename copies (a reader could see a partial object there).

    :raises TribooInputError: the path names no single output, or an existing folder.
    :raises TribooOutputError: ``s3://`` without the Amazon provider installed (and what
        :class:`~triboo_provider.s3.S3Output` raises when it opens the upload).
    :raises OSError: the folder cannot be made or the file opened.
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


class _LocalFile(ReplacedOutput):
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


class _RenamedFile(ReplacedOutput):
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
