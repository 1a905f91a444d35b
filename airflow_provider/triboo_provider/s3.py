"""Write one S3 object so that it appears complete or not at all: a multipart upload.

What S3 guarantees (Amazon S3 API reference, PutObject, CreateMultipartUpload,
CompleteMultipartUpload, AbortMultipartUpload): an object becomes visible at its key only
when a ``PutObject`` or a ``CompleteMultipartUpload`` succeeds, whole and at once (a reader
sees the previous object or the new one, never a part of it); the parts of an upload that
is not completed are never readable, and ``AbortMultipartUpload`` deletes them. So no
temporary key is needed on S3 (unlike on a file system, where a file is visible while it
is written): :class:`S3Output` streams into one multipart upload at the final key and
either completes it (the commit) or aborts it (nothing left, not even invisible parts).

Every part but the last must be at least 5 MiB and an upload has at most 10 000 parts:
parts of :data:`PART_BYTES` (8 MiB, boto3's own default chunk) allow objects up to about
78 GiB, and memory holds one part at a time. An output smaller than one part is sent with
one ``PutObject`` when complete, and the upload opened at the start (which checks the
bucket, the credentials and the right to write before any Triboo call) is aborted.

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

Errors (every message names ``s3://bucket/key``, never the connection or a key id):

- fail at once (:class:`~triboo_provider.exceptions.TribooOutputError`, an
  ``AirflowFailException``), as no retry fixes them: no such bucket
  (``TribooOutputNotFoundError``, a ``FileNotFoundError``), no credentials or credentials
  refused (``TribooOutputPermissionError``, a ``PermissionError``; except an expired
  temporary token, below), parameters botocore or S3 refuse as invalid; before any call,
  a connection id that does not exist or is not an AWS connection
  (:class:`~triboo_provider.exceptions.TribooInputError`);
- retried by the task (``OSError``): the endpoint cannot be reached, times out or cuts
  the answer off (``ConnectionError``), an expired token (``PermissionError``: the retry
  gets new credentials), any other refusal (the message names the call and S3's code).

No credentials is a configuration error here; on a machine whose instance profile is
briefly unreachable it is not, and the task then fails without its retries.
"""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import urlsplit

from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowNotFoundException
from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from triboo_provider.exceptions import (
    TribooInputError,
    TribooOutputError,
    TribooOutputNotFoundError,
    TribooOutputPermissionError,
)

if TYPE_CHECKING:
    from triboo_provider.targets import Target

PART_BYTES = 8 * 1024 * 1024
MAX_PARTS = 10_000
_DENIED = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccountProblem",
}
_EXPIRED = {"ExpiredToken", "InvalidToken", "RequestTimeTooSkewed"}
_INVALID = {"InvalidBucketName", "KeyTooLongError", "InvalidArgument", "InvalidRequest"}
_MISSING = {"404", "NoSuchKey", "NotFound"}
log = logging.getLogger(__name__)


def check_connection(target: Target) -> None:
    """The AWS connection the target names exists and is an AWS one (before any call).

    ``S3Hook`` would log a warning for a missing one and go on with the environment's
    credentials, which could write somewhere else.

    :raises TribooInputError: naming the parameter and the connection id.
    """
    if target.conn_id is None:
        return
    try:
        connection = BaseHook.get_connection(target.conn_id)
    except AirflowNotFoundException:
        raise TribooInputError(
            [f"{target.param}: the AWS connection {target.conn_id!r} does not exist"]
        ) from None
    if connection.conn_type != "aws":
        raise TribooInputError(
            [
                f"{target.param}: connection {target.conn_id!r} is of type "
                f"{connection.conn_type!r}, not an AWS connection ('aws')"
            ]
        )


class S3Output(io.RawIOBase):
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
        super().__init__()
        self.bucket = target.bucket
        self.key = target.location
        self.conn_id = target.conn_id
        # Never the connection id or credentials: only what names the object.
        self.url = target.url
        self.keep_previous = keep_previous
        self.size = 0
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._state = "open"  # open -> committed | discarded
        self._previous: str | None = None  # the hidden key holding the previous object
        self._replaced = False  # the commit may have put an object at the key
        check_connection(target)
        self._client: Any = S3Hook(aws_conn_id=self.conn_id).get_conn()
        created = self._call(
            "CreateMultipartUpload",
            self._client.create_multipart_upload,
            Bucket=self.bucket,
            Key=self.key,
        )
        self.upload_id: str = created["UploadId"]
        if keep_previous:
            try:
                self._exists()  # the right to read the key, before the first read
            except BaseException:
                self._abort()
                raise

    @property
    def handle(self) -> BinaryIO:
        """The stream itself (what :class:`triboo_provider.writers.Output` writes to)."""
        return cast(BinaryIO, self)

    # -- io.RawIOBase ---------------------------------------------------------------------

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def write(self, data: Any) -> int:
        if self._state != "open" or self.closed:
            raise ValueError(f"{self.url}: write after the output was finished")
        view = memoryview(data).cast("B")
        self._buffer += view
        self.size += len(view)
        while len(self._buffer) >= PART_BYTES:
            self._send_part(bytes(self._buffer[:PART_BYTES]))
            del self._buffer[:PART_BYTES]
        return len(view)

    # -- the outcome ----------------------------------------------------------------------

    def commit(self) -> None:
        """Make the object appear, whole: the last part and ``CompleteMultipartUpload``,
        or, when everything fits in one part, one ``PutObject`` (the upload is aborted).
        With ``keep_previous``, the object already at the key is copied aside first."""
        if self._state != "open":
            raise ValueError(f"{self.url}: already {self._state}")
        if self.keep_previous and self._exists():
            hidden = self.key.rpartition("/")
            name = f"{hidden[0]}{hidden[1]}.{hidden[2]}.{uuid.uuid4().hex}.triboo-previous"
            self._copy(self.key, name)
            self._previous = name
        self._replaced = True
        if not self._parts:
            self._call(
                "PutObject", self._client.put_object, **self._ids(), Body=bytes(self._buffer)
            )
            self._state = "committed"
            self._abort()
            return
        if self._buffer:
            self._send_part(bytes(self._buffer))
            self._buffer.clear()
        self._call(
            "CompleteMultipartUpload",
            self._client.complete_multipart_upload,
            **self._ids(),
            UploadId=self.upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        self._state = "committed"
        log.info("%s: %d bytes in %d parts", self.url, self.size, len(self._parts))

    def discard(self) -> None:
        """Abort the upload: its parts are deleted and no object appears. Never raises (it
        runs while another error is being raised); a failed abort is logged."""
        if self._state == "open":
            self._state = "discarded"
            self._buffer.clear()
            self._abort()

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
        except Exception as problem:
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

    # -- helpers --------------------------------------------------------------------------

    def _ids(self) -> dict[str, str]:
        return {"Bucket": self.bucket, "Key": self.key}

    def _exists(self) -> bool:
        """Whether an object is at the key (``HeadObject``: 404 is none; a 403 also means
        no right to read it, which keeping it needs)."""
        try:
            self._call("HeadObject", self._client.head_object, **self._ids())
        except FileNotFoundError as missing:
            if isinstance(missing.__cause__, ClientError) and _code(missing.__cause__) in _MISSING:
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

    def _send_part(self, body: bytes) -> None:
        number = len(self._parts) + 1
        if number > MAX_PARTS:
            raise OSError(
                f"{self.url}: more than {MAX_PARTS} parts of {PART_BYTES} bytes: "
                "too large for one S3 object"
            )
        sent = self._call(
            "UploadPart",
            self._client.upload_part,
            **self._ids(),
            UploadId=self.upload_id,
            PartNumber=number,
            Body=body,
        )
        part = {"PartNumber": number, "ETag": sent["ETag"]}
        # botocore adds a checksum to every part by default; CompleteMultipartUpload must
        # then repeat it.
        part.update({k: v for k, v in sent.items() if k.startswith("Checksum") and v})
        self._parts.append(part)

    def _abort(self) -> None:
        try:
            self._client.abort_multipart_upload(**self._ids(), UploadId=self.upload_id)
        except Exception as problem:  # reported, never raised over the cause
            log.warning(
                "%s: could not abort multipart upload %s (%s); its parts stay until a "
                "lifecycle rule removes them",
                self.url,
                self.upload_id,
                type(problem).__name__,
            )

    def _call(self, operation: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        """``method(**kwargs)`` with botocore's errors as this module's docstring sorts
        them (configuration: fail at once; transient: ``OSError``, retried)."""
        where = f"{self.url}: {operation}"
        try:
            return method(**kwargs)
        except NoCredentialsError as problem:
            named = f"connection {self.conn_id!r}" if self.conn_id else "no connection named"
            raise TribooOutputPermissionError(
                f"{where}: no AWS credentials ({named}, and none in the environment)"
            ) from problem
        except ParamValidationError as problem:
            raise TribooOutputError(f"{where}: botocore refused the parameters") from problem
        except (EndpointConnectionError, BotoConnectionError, HTTPClientError) as problem:
            # Refused, timed out, cut off: transient, the task's retry may get through.
            raise ConnectionError(
                f"{where}: could not reach the S3 endpoint {_endpoint(self._client)} "
                f"({type(problem).__name__})"
            ) from problem
        except ClientError as problem:
            code = _code(problem)
            status = problem.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code == "NoSuchBucket":
                raise TribooOutputNotFoundError(
                    f"{where}: bucket {self.bucket!r} does not exist"
                ) from problem
            if code in _MISSING or status == 404:
                raise FileNotFoundError(f"{where}: no such object ({code or status})") from problem
            if code in _EXPIRED:
                raise PermissionError(f"{where}: credentials expired ({code})") from problem
            if code in _DENIED or status == 403:
                raise TribooOutputPermissionError(
                    f"{where}: access denied ({code or status})"
                ) from problem
            if code in _INVALID:
                raise TribooOutputError(f"{where}: S3 refused it as invalid ({code})") from problem
            raise OSError(f"{where} failed ({code or status})") from problem
        except BotoCoreError as problem:
            raise OSError(f"{where} failed ({type(problem).__name__})") from problem


def _code(problem: ClientError) -> str:
    return str(problem.response.get("Error", {}).get("Code", ""))


def _endpoint(client: Any) -> str:
    """The endpoint's scheme, host and port (never a user part)."""
    try:
        parts = urlsplit(str(client.meta.endpoint_url))
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    except (AttributeError, ValueError):
        return "(unknown)"
