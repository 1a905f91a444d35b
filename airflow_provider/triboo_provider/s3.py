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

The connection is the one ``ObjectStoragePath`` reads from the URL
(``s3://aws_default@bucket/key``, or its ``conn_id``) through the Amazon provider's
``S3Hook``; without one, boto3's default credential chain (environment, instance profile),
as Airflow's ``s3`` filesystem does. s3fs is not needed.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any, BinaryIO, cast

from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from botocore.exceptions import (  # type: ignore[import-untyped]
    ClientError,
    NoCredentialsError,
)

PART_BYTES = 8 * 1024 * 1024
MAX_PARTS = 10_000
_DENIED = {
    "AccessDenied",
    "AllAccessDisabled",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
}
log = logging.getLogger(__name__)


class S3Output(io.RawIOBase):
    """A write-only stream to ``path`` (an ``ObjectStoragePath`` on S3) that becomes the
    object only on :meth:`commit`; :meth:`discard` leaves nothing. :meth:`close` only ends
    writing.

    :raises FileNotFoundError: the bucket does not exist (at creation, before any data).
    :raises PermissionError: no credentials, or they may not write there.
    :raises OSError: another S3 refusal (the message names the call and S3's error code).
    """

    def __init__(self, path: Any) -> None:
        super().__init__()
        self.bucket: str = path.bucket
        self.key: str = path.key
        self.conn_id: str | None = path.conn_id
        # Never the connection id or credentials: only what names the object.
        self.url = f"s3://{self.bucket}/{self.key}"
        if not self.bucket or not self.key or self.key.endswith("/"):
            raise IsADirectoryError(f"{self.url}: names no object (bucket and key needed)")
        self.size = 0
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._state = "open"  # open -> committed | discarded
        self._client: Any = S3Hook(aws_conn_id=self.conn_id).get_conn()
        created = self._call(
            "CreateMultipartUpload",
            self._client.create_multipart_upload,
            Bucket=self.bucket,
            Key=self.key,
        )
        self.upload_id: str = created["UploadId"]

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
        or, when everything fits in one part, one ``PutObject`` (the upload is aborted)."""
        if self._state != "open":
            raise ValueError(f"{self.url}: already {self._state}")
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

    def undo(self) -> None:
        """Delete the committed object (a table that must not appear without another)."""
        if self._state == "committed":
            self._call("DeleteObject", self._client.delete_object, **self._ids())
            self._state = "discarded"

    # -- helpers --------------------------------------------------------------------------

    def _ids(self) -> dict[str, str]:
        return {"Bucket": self.bucket, "Key": self.key}

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
        try:
            return method(**kwargs)
        except NoCredentialsError as problem:
            where = f"connection {self.conn_id!r}" if self.conn_id else "no connection named"
            raise PermissionError(
                f"{self.url}: {operation}: no AWS credentials ({where}, and none in the "
                "environment)"
            ) from problem
        except ClientError as problem:
            error = problem.response.get("Error", {})
            code = str(error.get("Code", ""))
            if code == "NoSuchBucket":
                raise FileNotFoundError(
                    f"{self.url}: {operation}: bucket {self.bucket!r} does not exist"
                ) from problem
            status = problem.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in _DENIED or status == 403:
                raise PermissionError(
                    f"{self.url}: {operation}: access denied ({code or status})"
                ) from problem
            raise OSError(f"{self.url}: {operation} failed ({code or status})") from problem
