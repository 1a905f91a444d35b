"""The dependency audit (tools/audit_deps.py) against a local PyPI JSON API.

The documents below have the shape PyPI's ``/pypi/<name>/json`` answers (the ecdsa
advisory is the real one PyPI lists for ecdsa 0.19.2). ``make audit`` runs the same code
against pypi.org.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from tools import audit_deps
from tools.audit_deps import Ignore, Locked, audit, load_ignores, locked_packages, main

ECDSA_ADVISORY = {
    "aliases": ["CVE-2024-23342", "GHSA-wj6h-64fc-37mp"],
    "details": "python-ecdsa has been found to be subject to a Minerva timing attack ...",
    "fixed_in": [],
    "id": "PYSEC-2026-1325",
    "link": "https://osv.dev/vulnerability/PYSEC-2026-1325",
    "source": "osv",
    "summary": None,
    "withdrawn": None,
}


def project(
    latest: str,
    releases: dict[str, list[dict[str, Any]]],
    vulnerabilities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "info": {"version": latest},
        "releases": releases,
        "vulnerabilities": vulnerabilities or [],
    }


def wheel(*, yanked: bool = False, reason: str | None = None) -> dict[str, Any]:
    return {"filename": "x.whl", "yanked": yanked, "yanked_reason": reason}


DOCUMENTS: dict[str, dict[str, Any]] = {
    "clean": project("2.0.0", {"1.0.0": [wheel()], "2.0.0": [wheel()]}),
    "ecdsa": project("0.19.2", {"0.19.2": [wheel()]}, [ECDSA_ADVISORY]),
    "oldpkg": project(
        "3.0.0",
        {"1.0": [wheel()], "3.0.0": [wheel()]},
        [{**ECDSA_ADVISORY, "id": "GHSA-old", "fixed_in": ["3.1.0"], "aliases": []}],
    ),
    "yankedpkg": project(
        "2.0.0",
        {"1.0.0": [wheel(yanked=True, reason="CVE-2024-35195 mitigation conflict")], "2.0.0": []},
    ),
    "withdrawn": project(
        "1.0.0", {"1.0.0": [wheel()]}, [{**ECDSA_ADVISORY, "withdrawn": "2025-01-01T00:00:00Z"}]
    ),
}


def serve(request: httpx.Request) -> httpx.Response:
    name = request.url.path.split("/")[2]
    if name in DOCUMENTS:
        return httpx.Response(200, json=DOCUMENTS[name])
    if name == "broken":
        return httpx.Response(200, text="<html>gateway</html>")
    return httpx.Response(404, json={"message": "Not Found"})


@pytest.fixture
def client() -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(serve))


def test_a_clean_lock_passes(client: httpx.Client) -> None:
    report = audit([Locked("clean", "2.0.0")], [], client)
    assert (report.status, report.audited, report.exact, report.findings) == (0, 1, 1, [])


def test_an_advisory_on_the_locked_latest_release_fails_and_names_it(
    client: httpx.Client,
) -> None:
    report = audit([Locked("ecdsa", "0.19.2")], [], client)
    assert report.status == 1
    [finding] = report.findings
    assert (finding.name, finding.kind, finding.id) == ("ecdsa", "advisory", "PYSEC-2026-1325")
    assert "affects it; fixed in: no fix released" in finding.detail
    assert "CVE-2024-23342" in finding.detail


def test_a_release_behind_the_latest_is_listed_and_gets_the_latest_advisories(
    client: httpx.Client,
) -> None:
    report = audit([Locked("oldpkg", "1.0")], [], client)
    assert report.behind == ["oldpkg 1.0 (latest 3.0.0)"]
    assert report.exact == 0
    [finding] = report.findings
    assert finding.id == "GHSA-old"
    assert "affects the latest, 3.0.0; fixed in: 3.1.0" in finding.detail


def test_versions_compare_by_pep440_not_by_text(client: httpx.Client) -> None:
    report = audit([Locked("oldpkg", "1.0.0"), Locked("clean", "2.0")], [], client)
    assert [f.kind for f in report.findings] == ["advisory"]  # 1.0.0 is the release "1.0"
    assert report.exact == 1


def test_a_yanked_locked_release_is_a_finding(client: httpx.Client) -> None:
    report = audit([Locked("yankedpkg", "1.0.0")], [], client)
    [finding] = report.findings
    assert (finding.kind, finding.detail) == ("yanked", "CVE-2024-35195 mitigation conflict")


def test_a_locked_release_the_index_does_not_have_is_a_finding(client: httpx.Client) -> None:
    report = audit([Locked("clean", "9.9.9")], [], client)
    assert [(f.kind, f.detail) for f in report.findings] == [("missing", "release not on PyPI")]


def test_withdrawn_advisories_are_not_findings(client: httpx.Client) -> None:
    assert audit([Locked("withdrawn", "1.0.0")], [], client).status == 0


def test_an_accepted_advisory_is_reported_but_does_not_fail(client: httpx.Client) -> None:
    ignores = [Ignore("PYSEC-2026-1325", "ecdsa", "we never sign with ecdsa")]
    report = audit([Locked("ecdsa", "0.19.2")], ignores, client)
    assert report.status == 0
    assert [f.id for f in report.ignored] == ["PYSEC-2026-1325"]
    # The acceptance is per package: the same id on another package still fails.
    other = audit([Locked("ecdsa", "0.19.2")], [Ignore("PYSEC-2026-1325", "x", "r")], client)
    assert other.status == 1


@pytest.mark.parametrize("name", ["unknown", "broken"])
def test_a_package_pypi_does_not_answer_for_makes_the_audit_incomplete(
    client: httpx.Client, name: str
) -> None:
    report = audit([Locked("clean", "2.0.0"), Locked(name, "1.0")], [], client)
    assert report.status == 2  # a 404 or a page that is not JSON is not retried
    [error] = report.errors
    assert error.startswith(f"{name}: ")


def test_transient_failures_are_retried_and_persistent_ones_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audit_deps, "RETRY_WAIT", 0)
    calls: dict[str, int] = {}

    def flaky(request: httpx.Request) -> httpx.Response:
        name = request.url.path.split("/")[2]
        calls[name] = calls.get(name, 0) + 1
        if name == "clean" and calls[name] == 1:
            return httpx.Response(503, text="<html>busy</html>")
        if name == "down":
            return httpx.Response(502, text="<html>bad gateway</html>")
        return serve(request)

    client = httpx.Client(transport=httpx.MockTransport(flaky))
    report = audit([Locked("clean", "2.0.0"), Locked("down", "1.0")], [], client)
    assert calls == {"clean": 2, "down": audit_deps.ATTEMPTS}
    assert report.exact == 1
    assert report.status == 2
    assert report.errors[0].startswith("down: HTTPStatusError: Server error '502 Bad Gateway'")


def test_only_registry_packages_of_the_lock_are_audited(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text(
        """version = 1
[[package]]
name = "ecdsa"
version = "0.19.2"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "triboo-client"
version = "1.0.0"
source = { editable = "generated_client" }
""",
        encoding="utf-8",
    )
    assert locked_packages(tmp_path / "uv.lock") == [Locked("ecdsa", "0.19.2")]


def test_the_project_lock_is_read() -> None:
    root = Path(__file__).resolve().parents[2]
    names = {package.name for package in locked_packages(root / "uv.lock")}
    assert {"httpx", "apache-airflow", "tenacity"} <= names
    assert "triboo-client" not in names


def test_an_acceptance_without_a_reason_is_refused(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[[tool.triboo.audit.ignore]]\nid = "GHSA-1"\npackage = "x"\nreason = " "\n',
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="entry 1: missing reason"):
        load_ignores(pyproject)


def test_the_command_reports_and_exits_non_zero_on_findings(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "uv.lock").write_text(
        "version = 1\n"
        + "".join(
            f'[[package]]\nname = "{name}"\nversion = "{version}"\n'
            'source = { registry = "https://pypi.org/simple" }\n'
            for name, version in [("clean", "2.0.0"), ("ecdsa", "0.19.2")]
        ),
        encoding="utf-8",
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    for name in ("clean", "ecdsa"):
        httpserver.expect_request(f"/pypi/{name}/json").respond_with_json(DOCUMENTS[name])
    report_file = tmp_path / "out" / "audit.json"

    status = main(
        [
            "--root",
            str(tmp_path),
            "--pypi-url",
            httpserver.url_for("/pypi"),
            "--json",
            str(report_file),
        ]
    )

    assert status == 1
    out = capsys.readouterr().out
    assert "2 of 2 locked PyPI packages checked" in out
    assert "FINDING ecdsa 0.19.2: advisory PYSEC-2026-1325" in out
    written = json.loads(report_file.read_text(encoding="utf-8"))
    assert written["status"] == 1
    assert [f["id"] for f in written["findings"]] == ["PYSEC-2026-1325"]
