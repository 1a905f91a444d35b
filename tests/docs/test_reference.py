"""The HTML API reference: built offline, every operation rendered, nothing fetched, even
after a reader clicks through it (Redoc sends its telemetry seconds after load and clicks)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.spec_tools import ROOT, Operation, load_spec, operations, resolve
from tools.build_docs import build, telemetry_disabled

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
    assert telemetry_disabled(html)


def test_telemetry_check_reads_the_pages_options() -> None:
    """What the build's guard accepts and refuses, on options as build-docs writes them."""
    options = "const __redoc_options = {}; const other = 1;"
    assert telemetry_disabled(options.format('{"skipBundle":true,"disableTelemetry":true}'))
    assert not telemetry_disabled(options.format('{"skipBundle":true,"disableTelemetry":false}'))
    assert not telemetry_disabled(options.format('{"disableTelemetry":"true"}'))
    assert not telemetry_disabled(options.format('{"skipBundle":true}'))
    assert not telemetry_disabled("<html>no options at all</html>")


def _section(operation: Operation) -> str:
    """Where Redoc shows an operation: ``/<tag>/<operationId in lower case>``."""
    return f"/{operation.body['tags'][0]}/{operation.operation_id.lower()}"


def test_browser_renders_every_operation_offline(reference: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "make test installs Debian's chromium; run `make chromium`"
    by_id = {op.operation_id: op for op in operations()}
    listed_op, searched_op = by_id["listUsers"], by_id["extendedBulkEnroll"]
    assert "Retry-After" in resolve(listed_op.body["responses"]["429"])["headers"]
    expected = {
        "summaries": [op.body["summary"] for op in by_id.values()],
        "tags": [tag["name"] for tag in load_spec()["tags"]],
        "operation": {
            "tag": listed_op.body["tags"][0],
            "summary": listed_op.body["summary"],
            "section": _section(listed_op),
            "response": "429",
            "shows": "Retry-After",
        },
        "search": {
            "query": "bulk enroll",
            "result": searched_op.path,
            "section": _section(searched_op),
        },
    }
    listed = tmp_path / "expected.json"
    listed.write_text(json.dumps(expected), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "api-reference.png"
    result = subprocess.run(  # the script exits non-zero if an interaction fails
        [
            "node",
            str(Path(__file__).with_name("render_docs.mjs")),
            str(reference),
            str(listed),
            str(screenshot),
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "CHROMIUM": chromium, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["missing"] == []
    assert len(report["steps"]) == 4, report["steps"]
    assert report["watched_ms"] >= 9000
    assert report["external"] == []
    assert screenshot.stat().st_size > 10_000
