"""S3 outputs: one object that appears complete or not at all, keeping what it replaces.

Each output is one multipart upload at the final key (:mod:`triboo_provider.s3_multipart`
says what S3 guarantees and how parts are sized); :class:`S3Output` adds the commit,
discard, restore and forget an export's :class:`~triboo_provider.replace.Output` needs.
botocore's errors are sorted by :mod:`triboo_provider.s3_errors`.

A process killed with SIGKILL during an export leaves no object either, but cannot abort
its upload: the parts stay, invisible and billed, until a bucket lifecycle rule
(``AbortIncompleteMultipartUpload``) removes them. Airflow stops a task with SIGINT first,
which is an exception here, so the upload is aborted.

When several tables must appear together (user progress and badges), each commit first
keeps the object already at the key: a server-side copy (``CopyObject``, in parts above
5 GiB) to a hidden key in the same folder, ``.<name>.<random>.triboo-previous``. When a
later commit fails, each committed key gets its previous object back (copied from the
hidden key) or, if it had none, is deleted; the hidden keys are deleted once every table
is committed or restored. Limits: the restored object is the previous one's bytes and user
metadata (a new ``ETag`` and ``LastModified``, not its ACL, tags or storage class; on a
versioned bucket the old version also stays as a noncurrent version); an object another
writer put at the key between the copy and the commit is replaced by the restore; a
process killed with SIGKILL between the steps leaves the hidden copy (the previous object,
recoverable) and possibly one table without the other. Keeping needs ``s3:GetObject`` on
the key (and ``s3:ListBucket``, for S3 to answer 404 rather than 403 for a new key), which
is checked when the output is opened.

The connection is the one named in the URL (``s3://aws_default@bucket/key``) or the
``ObjectStoragePath``'s ``conn_id``, through the Amazon provider's ``S3Hook``; it must
exist and be of type ``aws`` (a name that does not exist is refused, never replaced by the
environment's credentials as ``S3Hook`` would). A URL without one uses boto3's default
credential chain (environment, instance profile). s3fs is not needed.

Errors (every message names ``s3://bucket/key``, never the connection or a key id): a
connection id that does not exist or is not an AWS connection is a
:class:`~triboo_provider.exceptions.TribooInputError`, before any call; the rest as
:mod:`triboo_provider.s3_errors` sorts them (fail at once when no retry can help, else
an ``OSError`` the task retries).
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from triboo_provider.s3_errors import MISSING, error_code
from triboo_provider.s3_multipart import (
    MAX_PARTS,
    PART_BYTES,
    MultipartUpload,
    check_connection,
    log,
)

if TYPE_CHECKING:
    from triboo_provider.targets import Target

__all__ = ["MAX_PARTS", "PART_BYTES", "S3Output", "check_connection"]


class S3Output(MultipartUpload):
    """A write-only stream to ``target`` (an S3 :class:`~triboo_provider.targets.Target`)
    that becomes the object only on :meth:`commit`; :meth:`discard` leaves nothing.
    :meth:`close` only ends writing.

    ``keep_previous``: the commit keeps the object already at the key until
    :meth:`forget` (see the module's docstring), so that :meth:`restore` can put it back.

    :raises TribooInputError: the connection does not exist or is not an AWS one.
    :raises TribooOutputNotFoundError: the bucket does not exist (at creation).
    :raises TribooOutputPermissionError: no credentials, or they may not write (or, with
        ``keep_previous``, read) there.
    :raises OSError: another S3 refusal or an unreachable endpoint (retried).
    """

    def __init__(self, target: Target, *, keep_previous: bool = False) -> None:
        self.keep_previous = keep_previous
        self._previous: str | None = None  # the hidden key holding the previous object
        self._replaced = False  # the commit may have put an object at the key
        super().__init__(target)
        if keep_previous:
            try:
                self._exists()  # the right to read the key, before the first read
            except BaseException:
                self._abort()
                raise

    def commit(self) -> None:
        """Make the object appear, whole: the last part and ``CompleteMultipartUpload``,
        or, when everything fits in one part, one ``PutObject`` (the upload is aborted).
        With ``keep_previous``, the object already at the key is copied aside first.

        :raises ValueError: the output is already committed or discarded (a bug of the
            caller's code, not its input).
        """
        if self._state != "open":
            raise ValueError(f"{self.url}: already {self._state}")
        if self.keep_previous and self._exists():
            hidden = self.key.rpartition("/")
            name = f"{hidden[0]}{hidden[1]}.{hidden[2]}.{uuid.uuid4().hex}.triboo-previous"
            self._copy(self.key, name)
            self._previous = name
        self._replaced = True
        self._complete()

    def restore(self) -> None:
        """Undo a commit (also one that failed half-way): the previous object back at the
        key, or the key deleted if it had none. Never raises; what cannot be restored is
        logged with the hidden key that still holds the previous object."""
        self.discard()
        if not self._replaced:
            return
        try:
            if self._previous is not None:
                self._copy(self._previous, self.key)
                self._forget_previous()
            else:
                with suppress(FileNotFoundError):  # the bucket is gone: nothing to delete
                    self._call("DeleteObject", self._client.delete_object, **self._ids())
            self._replaced = False
            self._state = "discarded"
        except Exception as problem:  # logged, never raised over the error being handled
            log.error(
                "%s: could not restore the previous object (%s); it is kept at s3://%s/%s",
                self.url,
                problem,
                self.bucket,
                self._previous or "(none: the key had no object)",
            )

    def forget(self) -> None:
        """Every table is committed: delete the hidden copy of the previous object. Never
        raises; a copy that cannot be deleted is logged."""
        if self._previous is not None:
            self._forget_previous()

    def _exists(self) -> bool:
        """Whether an object is at the key (``HeadObject``: 404 is none; a 403 also means
        no right to read it, which keeping it needs)."""
        try:
            self._call("HeadObject", self._client.head_object, **self._ids())
        except FileNotFoundError as missing:
            cause = missing.__cause__
            if isinstance(cause, ClientError) and error_code(cause) in MISSING:
                return False
            raise
        return True

    def _copy(self, source: str, key: str) -> None:
        # boto3's managed copy: one CopyObject, or UploadPartCopy parts above its threshold.
        self._call(
            "CopyObject",
            self._client.copy,
            CopySource={"Bucket": self.bucket, "Key": source},
            Bucket=self.bucket,
            Key=key,
        )

    def _forget_previous(self) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._previous)
            self._previous = None
        except Exception as problem:  # reported, never raised over the cause
            log.warning(
                "%s: could not delete the kept previous object s3://%s/%s (%s)",
                self.url,
                self.bucket,
                self._previous,
                type(problem).__name__,
            )
