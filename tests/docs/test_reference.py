"""The HTML API reference: built offline, every operation rendered, nothing fetched."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.spec_tools import ROOT, load_spec, operations
from tools.build_docs import build

ARTIFACTS = ROOT / ".artifacts"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the reference as `make docs` does, into a temporary folder."""
    output = tmp_path_factory.mktemp("docs") / "index.html"
    build(output)
    return output


def test_reference_is_self_contained(reference: Path) -> None:
    html = reference.read_text(encoding="utf-8")
    assert "<script" in html
    assert 'src="https://' not in html
    assert "Where the vendor document and the server differ" in html


def test_browser_renders_every_operation_offline(reference: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "make test installs Debian's chromium; run `make chromium`"
    expected = {
        "summaries": [op.body["summary"] for op in operations()],
        "tags": [tag["name"] for tag in load_spec()["tags"]],
    }
    listed = tmp_path / "expected.json"
    listed.write_text(json.dumps(expected), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "api-reference.png"
    result = subprocess.run(
        [
            "node",
            str(Path(__file__).with_name("render_docs.mjs")),
            str(reference),
            str(listed),
            str(screenshot),
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": chromium, "HOME": str(tmp_path)},
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["missing"] == []
    assert report["external"] == []
    assert screenshot.stat().st_size > 10_000
