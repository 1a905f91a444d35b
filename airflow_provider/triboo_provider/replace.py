"""How an output replaces what was at its path, and puts it back after a failed commit.

Every store's output follows :class:`Output`: written out of sight, then committed (made to
appear at its path, complete), discarded (nothing left), restored (a commit undone: the
previous version back, or the output removed if there was none) or, once every table of
an export is committed, told to forget the previous version it kept.
:class:`ReplacedOutput` is the restore and forget logic shared by the file-like stores
(:mod:`triboo_provider.stores`); S3 has its own (:mod:`triboo_provider.s3`).
"""

from __future__ import annotations

import logging
from typing import BinaryIO, Protocol

# The logger these messages always had, so that logging configurations keep working.
log = logging.getLogger("triboo_provider.writers")


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


class ReplacedOutput:
    """What a file-like output does after its commit: put back the version it replaced
    (kept when ``keep_previous``), or remove its own; subclasses say how for their store
    and set ``_kept`` and ``_replaced`` in their ``commit``."""

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
        """See :meth:`Output.restore`."""
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
        except Exception as problem:  # logged, never raised over the error being handled
            log.error(
                "%s: could not restore the previous version (%s); it is kept at %s",
                self.shown,
                problem,
                self.backup_shown if self._kept else "(none: there was none)",
            )

    def forget(self) -> None:
        """See :meth:`Output.forget`."""
        if self._kept:
            try:
                self._drop_backup()
                self._kept = False
            except Exception as problem:  # logged: the export itself succeeded
                log.warning("%s: could not delete %s (%s)", self.shown, self.backup_shown, problem)
