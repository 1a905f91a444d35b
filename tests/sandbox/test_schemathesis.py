"""Schemathesis against the sandbox: bounded, deterministic, real tokens, zero failures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from triboo_sandbox.generations import GENERATIONS
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.sandbox_support import TODAY, fetch_token
from tests.spec_tools import ROOT, SPEC_PATH

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


def run_schemathesis(
    server: SandboxServer, token: str, jwt: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIBOO_TOKEN": token, "TRIBOO_JWT": jwt}
    command = [
        SCHEMATHESIS,
        "--no-color",
        "--config-file",
        str(CONFIG),
        "run",
        str(SPEC_PATH),
        "--url",
        server.url,
        "--mode",
        "all",
        *extra,
    ]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, cwd=ROOT, timeout=300
    )


@pytest.mark.parametrize("generation", sorted(GENERATIONS))
def test_schemathesis_finds_nothing(generation: str) -> None:
    """Every phase (examples, coverage, fuzzing, stateful), valid and invalid data, every
    check: only what schemathesis.toml allows by name, each a documented server behaviour."""
    with SandboxServer(make_sandbox(users=200, today=TODAY, generation=generation)) as server:
        result = run_schemathesis(
            server, fetch_token(server.url), fetch_token(server.url, kind="jwt")
        )
    assert result.returncode == 0, result.stdout[-6000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert generated is not None, result.stdout[-3000:]
    assert int(generated[1]) == int(generated[2]) >= 3000
    assert "Selected: 29/29" in result.stdout
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅  {phase}" in result.stdout, phase


def test_a_run_without_valid_credentials_fails(server: SandboxServer) -> None:
    result = run_schemathesis(
        server,
        "not-a-token",
        "not-a-jwt",
        "--include-path",
        "/api/extended/v1/courses/",
        "--max-examples",
        "3",
    )
    assert result.returncode != 0
    assert "Authentication failed: 1 operation returned only 401/403 responses" in result.stdout
    assert "Warnings fail the run" in result.stdout
