"""An S3 API server on loopback (moto's server mode) and an Airflow AWS connection to it.

Import ``moto_url_fixture`` and ``s3_fixture`` into a test module to use the fixtures
``moto_url`` and ``s3``. ``moto_url`` starts ``ThreadedMotoServer`` on 127.0.0.1 at a
free port once per module.
``s3`` makes a fresh bucket and points the connection ``aws_test`` at the server with fake
credentials (``AIRFLOW_CONN_AWS_TEST``, ``endpoint_url`` in its extra); the environment
holds no other AWS credentials or configuration and never asks the instance metadata
service, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

CONN_ID = "aws_test"
_AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)


@dataclass
class S3:
    """A bucket on the loopback S3 server and a client that reads it back."""

    endpoint: str
    bucket: str
    client: Any

    def url(self, key: str, conn_id: str | None = CONN_ID) -> str:
        """The ``s3://`` URL of ``key`` as a DAG writes it (the conn id in the user part)."""
        return f"s3://{conn_id}@{self.bucket}/{key}" if conn_id else f"s3://{self.bucket}/{key}"

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def uploads(self) -> list[dict[str, Any]]:
        """Multipart uploads started and neither completed nor aborted."""
        found: list[dict[str, Any]] = self.client.list_multipart_uploads(Bucket=self.bucket).get(
            "Uploads", []
        )
        return found

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def parts(self, key: str) -> int:
        """How many parts the object was uploaded in (0: one PutObject)."""
        head = self.client.head_object(Bucket=self.bucket, Key=key, PartNumber=1)
        return int(head.get("PartsCount", 0))


@pytest.fixture(scope="module", name="moto_url")
def moto_url_fixture() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def hermetic_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No AWS credentials, profile or endpoint from the machine; no metadata service."""
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")


@pytest.fixture(name="s3")
def s3_fixture(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> S3:
    import boto3  # type: ignore[import-untyped]

    hermetic_aws(monkeypatch)
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{CONN_ID.upper()}",
        json.dumps(
            {
                "conn_type": "aws",
                "login": "testing-key-id",
                "password": "testing-secret-key",
                "extra": {"endpoint_url": moto_url, "region_name": "us-east-1"},
            }
        ),
    )
    client = boto3.client(
        "s3",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing-key-id",
        aws_secret_access_key="testing-secret-key",
    )
    bucket = f"lake-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return S3(moto_url, bucket, client)


def low_part_size(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Parts of ``size`` bytes, and moto accepting them (S3's minimum is 5 MiB): to see a
    multipart upload of many parts with a small sandbox."""
    import moto.s3.models
    from triboo_provider import s3_multipart

    monkeypatch.setattr(s3_multipart, "PART_BYTES", size)
    monkeypatch.setattr(moto.s3.models, "S3_UPLOAD_PART_MIN_SIZE", size)
