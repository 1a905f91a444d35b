"""A Prism mock server started from the spec, and the generated Python client run against it
for every documented example of every operation: examples and client agree."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from triboo_client import AuthenticatedClient, Client

from tests.contract.test_operations import CALLS, TOKEN, as_plain, expected_type, normalise
from tests.spec_tools import ROOT, SPEC_PATH, ResponseExample, request_example, response_examples

PRISM = ROOT / "node_modules" / ".bin" / "prism"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", str(SPEC_PATH), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(0.2)
        else:
            pytest.fail("Prism did not start in 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


JSON_EXAMPLES = [e for e in response_examples() if e.media_type == "application/json"]


@pytest.mark.parametrize("example", JSON_EXAMPLES, ids=lambda e: e.test_id)
def test_client_parses_every_example_prism_serves(prism: str, example: ResponseExample) -> None:
    call = CALLS[example.operation_id]
    prefer = {"Prefer": f"code={example.status}, example={example.name}"}
    client: Client | AuthenticatedClient
    if call.auth is None:
        client = Client(base_url=prism, headers=prefer)
    else:
        headers = {**prefer, "X-Edx-Api-Key": "key"} if "enrollment" in call.path else prefer
        client = AuthenticatedClient(
            base_url=prism, token=TOKEN, prefix=call.auth.split(" ")[0], headers=headers
        )
    kwargs: dict[str, Any] = dict(call.kwargs)
    if call.body_model is not None:
        kwargs["body"] = call.body_model.from_dict(request_example(example.operation_id))
    with client:
        response = call.module.sync_detailed(*call.args, client=client, **kwargs)
    assert response.status_code == example.status, response.content[:500]
    outer, _ = expected_type(example)
    assert isinstance(response.parsed, outer)
    assert normalise(as_plain(response.parsed)) == normalise(json.loads(json.dumps(example.value)))
