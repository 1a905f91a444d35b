"""Schemathesis against the sandbox: bounded, deterministic, real tokens, zero failures."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from triboo_sandbox.generations import GENERATIONS
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.sandbox_support import TODAY, fetch_token
from tests.spec_tools import ROOT, SPEC_PATH, load_spec

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))


# The one request field whose type differs by generation: what one accepts the other refuses.
ILT_SUPERVISOR = {"current": {"type": "string", "format": "email"}, "2021": {"type": "boolean"}}


def spec_for(generation: str, folder: Path) -> Path:
    """The spec with ``lt_ilt_supervisor``'s request type narrowed to ``generation``'s (the
    spec says both: an e-mail on current builds, a boolean on 2021 builds), so that every
    body Schemathesis calls valid is valid for the server under test."""
    spec = copy.deepcopy(load_spec())  # load_spec() is shared: never change it
    field = spec["components"]["schemas"]["UserWritable"]["properties"]["lt_ilt_supervisor"]
    assert field["type"] == ["string", "boolean"], field
    field.pop("format")
    field.update(ILT_SUPERVISOR[generation])
    path = folder / f"triboo-{generation}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    return path


def run_schemathesis(
    server: SandboxServer, token: str, jwt: str, *extra: str, spec: Path = SPEC_PATH
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIBOO_TOKEN": token, "TRIBOO_JWT": jwt}
    command = [
        SCHEMATHESIS,
        "--no-color",
        "--config-file",
        str(CONFIG),
        "run",
        str(spec),
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
def test_schemathesis_finds_nothing(generation: str, tmp_path: Path) -> None:
    """Every phase (examples, coverage, fuzzing, stateful), valid and invalid data, every
    check: only what schemathesis.toml allows by name, each a documented server behaviour."""
    spec = spec_for(generation, tmp_path)
    with SandboxServer(make_sandbox(users=200, today=TODAY, generation=generation)) as server:
        result = run_schemathesis(
            server, fetch_token(server.url), fetch_token(server.url, kind="jwt"), spec=spec
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
