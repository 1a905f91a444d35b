"""Write one S3 object so that it appears complete or not at all: a multipart upload.

What S3 guarantees (Amazon S3 API reference, PutObject, CreateMultipartUpload,
CompleteMultipartUpload, AbortMultipartUpload): an object becomes visible at its key only
when a ``PutObject`` or a ``CompleteMultipartUpload`` succeeds, whole and at once (a reader
sees the previous object or the new one, never a part of it); the parts of an upload that
is not completed are never readable, and ``AbortMultipartUpload`` deletes them. So no
temporary key is needed on S3: :class:`MultipartUpload` streams into one multipart upload
at the final key and either completes it or aborts it (nothing left, not even invisible
parts).

Every part but the last must be at least 5 MiB and an upload has at most 10 000 parts:
parts of :data:`PART_BYTES` (8 MiB, boto3's own default chunk) allow objects up to about
78 GiB, and memory holds one part at a time. An output smaller than one part is sent with
one ``PutObject`` when complete, and the upload opened at the start (which checks the
bucket, the credentials and the right to write before any Triboo call) is aborted.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowNotFoundException

from triboo_provider.exceptions import TribooInputError
from triboo_provider.s3_errors import BOTO_ERRORS, s3_error

if TYPE_CHECKING:
    from triboo_provider.targets import Target

PART_BYTES = 8 * 1024 * 1024
MAX_PARTS = 10_000
# The logger these messages always had, so that logging configurations keep working.
log = logging.getLogger("triboo_provider.s3")


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
    except AirflowNotFoundException as problem:
        raise TribooInputError(
            [f"{target.param}: the AWS connection {target.conn_id!r} does not exist"]
        ) from problem
    if connection.conn_type != "aws":
        raise TribooInputError(
            [
                f"{target.param}: connection {target.conn_id!r} is of type "
                f"{connection.conn_type!r}, not an AWS connection ('aws')"
            ]
        )


class MultipartUpload(io.RawIOBase):
    """A write-only stream into one multipart upload at ``target``'s key (an S3
    :class:`~triboo_provider.targets.Target`), opened at once; :meth:`_complete` makes it
    the object, :meth:`discard` aborts it. :meth:`close` only ends writing.

    :raises TribooInputError: the connection does not exist or is not an AWS one.
    :raises TribooOutputNotFoundError: the bucket does not exist.
    :raises TribooOutputPermissionError: no credentials, or they may not write there.
    :raises OSError: another S3 refusal or an unreachable endpoint (retried).
    """

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.bucket = target.bucket
        self.key = target.location
        self.conn_id = target.conn_id
        # Never the connection id or credentials: only what names the object.
        self.url = target.url
        self.size = 0
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._state = "open"  # open -> committed | discarded
        check_connection(target)
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
        """The stream itself (what :class:`triboo_provider.formats.TableWriter` writes to)."""
        return cast(BinaryIO, self)

    # -- io.RawIOBase ---------------------------------------------------------------------

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def write(self, data: Any) -> int:
        # ValueError, as io raises for a write to a closed file: a bug of the writer, not
        # a caller's input.
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

    def _complete(self) -> None:
        """Make the object appear, whole: the last part and ``CompleteMultipartUpload``,
        or, when everything fits in one part, one ``PutObject`` (the upload is aborted)."""
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
        """``method(**kwargs)`` with botocore's errors sorted by
        :func:`triboo_provider.s3_errors.s3_error` (configuration: fail at once;
        transient: ``OSError``, retried), the cause chained."""
        try:
            return method(**kwargs)
        except BOTO_ERRORS as problem:
            raise s3_error(
                problem,
                f"{self.url}: {operation}",
                bucket=self.bucket,
                conn_id=self.conn_id,
                client=self._client,
            ) from problem
