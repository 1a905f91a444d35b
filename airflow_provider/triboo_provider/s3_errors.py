"""botocore's errors sorted into what fails a task at once and what its retry may fix.

Every message starts with ``s3://bucket/key: <operation>`` and never names the connection
or a key id; the endpoint is shown as scheme, host and port only. Fail at once
(:class:`~triboo_provider.exceptions.TribooOutputError`, an ``AirflowFailException``), as
no retry fixes them: no such bucket (``TribooOutputNotFoundError``, a
``FileNotFoundError``), no credentials or credentials refused
(``TribooOutputPermissionError``, a ``PermissionError``; except an expired temporary
token), parameters botocore or S3 refuse as invalid. Retried by the task (``OSError``): the
endpoint cannot be reached, times out or cuts the answer off (``ConnectionError``), an
expired token (``PermissionError``: the retry gets new credentials), no object at the key
(``FileNotFoundError``), any other refusal (the message names S3's code).

No credentials is a configuration error here; on a machine whose instance profile is
briefly unreachable it is not, and the task then fails without its retries.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

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
    TribooOutputError,
    TribooOutputNotFoundError,
    TribooOutputPermissionError,
)

# botocore's exceptions as one tuple for ``except``: ClientError is not a BotoCoreError.
BOTO_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
DENIED = frozenset(
    {
        "AccessDenied",
        "AllAccessDisabled",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccountProblem",
    }
)
EXPIRED = frozenset({"ExpiredToken", "InvalidToken", "RequestTimeTooSkewed"})
INVALID = frozenset({"InvalidBucketName", "KeyTooLongError", "InvalidArgument", "InvalidRequest"})
MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


def s3_error(
    problem: Exception, where: str, *, bucket: str, conn_id: str | None, client: Any
) -> Exception:
    """The exception to raise, ``from problem``, for botocore's ``problem`` (one of
    :data:`BOTO_ERRORS`) in the call ``where`` (``s3://bucket/key: Operation``) to
    ``bucket`` through ``client``, a boto3 S3 client, with the connection ``conn_id``.

    Returns, never raises: a :class:`~triboo_provider.exceptions.TribooOutputError` (or its
    ``NotFound`` / ``Permission`` subclasses) when no retry can help, else an ``OSError``
    (``ConnectionError``, ``PermissionError``, ``FileNotFoundError`` or plain).
    """
    if isinstance(problem, NoCredentialsError):
        named = f"connection {conn_id!r}" if conn_id else "no connection named"
        return TribooOutputPermissionError(
            f"{where}: no AWS credentials ({named}, and none in the environment)"
        )
    if isinstance(problem, ParamValidationError):
        return TribooOutputError(f"{where}: botocore refused the parameters")
    if isinstance(problem, (EndpointConnectionError, BotoConnectionError, HTTPClientError)):
        # Refused, timed out, cut off: transient, the task's retry may get through.
        return ConnectionError(
            f"{where}: could not reach the S3 endpoint {endpoint(client)} "
            f"({type(problem).__name__})"
        )
    if isinstance(problem, ClientError):
        return _client_error(problem, where, bucket)
    return OSError(f"{where} failed ({type(problem).__name__})")


def _client_error(problem: ClientError, where: str, bucket: str) -> Exception:
    """S3's own refusals, by their code (or, without one, the HTTP status)."""
    code = error_code(problem)
    status = problem.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code == "NoSuchBucket":
        return TribooOutputNotFoundError(f"{where}: bucket {bucket!r} does not exist")
    if code in MISSING or status == 404:
        return FileNotFoundError(f"{where}: no such object ({code or status})")
    if code in EXPIRED:
        return PermissionError(f"{where}: credentials expired ({code})")
    if code in DENIED or status == 403:
        return TribooOutputPermissionError(f"{where}: access denied ({code or status})")
    if code in INVALID:
        return TribooOutputError(f"{where}: S3 refused it as invalid ({code})")
    return OSError(f"{where} failed ({code or status})")


def error_code(problem: ClientError) -> str:
    """S3's error code (``NoSuchKey``, ``AccessDenied``, ...), or ``""``."""
    return str(problem.response.get("Error", {}).get("Code", ""))


def endpoint(client: Any) -> str:
    """The endpoint's scheme, host and port (never a user part)."""
    try:
        parts = urlsplit(str(client.meta.endpoint_url))
        return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    except (AttributeError, ValueError):
        return "(unknown)"
