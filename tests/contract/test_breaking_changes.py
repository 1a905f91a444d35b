"""Contract breakage guard: the spec against the last released version (a committed snapshot).

Optic's breaking-change rules: removing an operation, a response status or a response
property, or tightening a request, is breaking unless ``info.version`` has a major bump.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.spec_tools import ROOT, SPEC_PATH, load_spec

OPTIC = ROOT / "node_modules" / ".bin" / "optic"
RELEASED = ROOT / "openapi" / "released"


def optic_check(before: Path, after: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPTIC_TELEMETRY_LEVEL": "off"}
    return subprocess.run(
        [str(OPTIC), "diff", str(before), str(after), "--check"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def last_release() -> Path:
    releases = sorted(
        RELEASED.glob("triboo-*.yaml"), key=lambda p: [int(n) for n in p.stem[7:].split(".")]
    )
    assert releases, "openapi/released/ holds the released versions of the spec"
    return releases[-1]


def test_spec_version_is_at_least_the_last_release() -> None:
    released = [int(n) for n in last_release().stem[7:].split(".")]
    current = [int(n) for n in load_spec()["info"]["version"].split(".")]
    assert current >= released


def test_no_breaking_change_since_the_last_release() -> None:
    result = optic_check(last_release(), SPEC_PATH)
    assert result.returncode == 0, result.stdout[-4000:]


REMOVAL = (
    "    delete:\n      operationId: deactivateUsersById",
    "    x-gone:\n      operationId: deactivateUsersById",
)


@pytest.mark.parametrize(("version", "breaks"), [("1.1.0", True), ("2.0.0", False)])
def test_the_guard_catches_a_removed_operation(tmp_path: Path, version: str, breaks: bool) -> None:
    text = SPEC_PATH.read_text(encoding="utf-8").replace(*REMOVAL)
    changed = tmp_path / "triboo.yaml"
    changed.write_text(
        text.replace("  version: 1.0.0\n", f"  version: {version}\n", 1), encoding="utf-8"
    )
    result = optic_check(last_release(), changed)
    assert (result.returncode != 0) is breaks, result.stdout[-4000:]
    if breaks:
        assert "breaking change" in result.stdout
