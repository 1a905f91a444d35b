"""Audit the locked Python dependencies (uv.lock) for known vulnerabilities.

Usage: ``python -m tools.audit_deps [--json FILE]`` (``make audit``; part of ``make test``).

pip-audit needs services these machines cannot reach: OSV (api.osv.dev) or PyPI's
per-release JSON (``/pypi/<name>/<version>/json`` answers 404 through the registry proxy
here). This audit asks only what the registry does serve, and says exactly what that
covers.

For every package in uv.lock, it reads PyPI's project JSON (``/pypi/<name>/json``). Its
``vulnerabilities`` are the advisories (PyPA's advisory database, via OSV) that affect
the **latest** release; its ``releases`` say whether a release was yanked.

* Locked release = latest release: the advisory list is exactly the one pip-audit would
  report for it.
* Locked release older than the latest: every advisory that still affects the latest is
  reported against it too (an older release is rarely fixed where the latest is not); an
  advisory fixed between the two cannot be seen from here, so such packages are listed
  as "behind", by name.
* A yanked locked release, or one the index no longer has, is a finding.

The npm packages (package-lock.json: lint, docs and client-test tools; none ships in the
wheel) are not audited: npm's advisory endpoint refuses the POST that ``npm audit`` sends,
and the registry reachable here serves no ``deprecated`` marks either (inflight 1.0.6 and
request 2.88.2, both deprecated on npmjs.com, come back without one), so a check built on
them could not fail here.

An advisory can be accepted in pyproject.toml, ``[[tool.triboo.audit.ignore]]`` with
``id``, ``package`` and a non-empty ``reason``. Exit status: 0 no finding, 1 findings,
2 the audit could not complete (PyPI did not answer for a package after 4 tries: never a
silent pass).
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from packaging.version import InvalidVersion, Version
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

ROOT = Path(__file__).resolve().parent.parent
PYPI_URL = "https://pypi.org/pypi"
WORKERS = 16
ATTEMPTS = 4  # per package, for network errors, timeouts, 5xx and 429
RETRY_WAIT = 1.0  # seconds, doubling between attempts


@dataclass(frozen=True, order=True)
class Locked:
    name: str
    version: str


@dataclass(frozen=True)
class Ignore:
    id: str
    package: str
    reason: str


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    kind: str  # "advisory", "yanked" or "missing"
    id: str
    detail: str


@dataclass
class Report:
    audited: int = 0
    exact: int = 0
    behind: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        if self.errors:
            return 2
        return 1 if self.findings else 0


def locked_packages(uv_lock: Path) -> list[Locked]:
    """Every package uv.lock takes from a registry (the workspace members are ours)."""
    lock = tomllib.loads(uv_lock.read_text(encoding="utf-8"))
    return sorted(
        Locked(pkg["name"], pkg["version"])
        for pkg in lock.get("package", [])
        if "registry" in pkg.get("source", {})
    )


def load_ignores(pyproject: Path) -> list[Ignore]:
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    rows = config.get("tool", {}).get("triboo", {}).get("audit", {}).get("ignore", [])
    ignores = []
    for number, row in enumerate(rows, start=1):
        missing = [key for key in ("id", "package", "reason") if not str(row.get(key, "")).strip()]
        if missing:
            raise SystemExit(
                f"pyproject.toml [[tool.triboo.audit.ignore]] entry {number}: "
                f"missing {', '.join(missing)} (an accepted advisory needs a reason)"
            )
        ignores.append(Ignore(row["id"], row["package"], row["reason"]))
    return ignores


def _same_version(left: str, right: str) -> bool:
    try:
        return Version(left) == Version(right)
    except InvalidVersion:
        return left == right


def _release_files(releases: Mapping[str, Any], version: str) -> list[dict[str, Any]] | None:
    for key, files in releases.items():
        if _same_version(key, version):
            return list(files)
    return None


def check(package: Locked, document: Mapping[str, Any], report: Report) -> None:
    """Add to `report` what PyPI's project JSON says of the locked release."""
    report.audited += 1
    latest = document["info"]["version"]
    exact = _same_version(package.version, latest)
    if exact:
        report.exact += 1
    else:
        report.behind.append(f"{package.name} {package.version} (latest {latest})")
    files = _release_files(document.get("releases") or {}, package.version)
    if files is None:
        report.findings.append(
            Finding(package.name, package.version, "missing", "-", "release not on PyPI")
        )
    elif files and all(item.get("yanked") for item in files):
        reason = files[0].get("yanked_reason") or "no reason given"
        report.findings.append(Finding(package.name, package.version, "yanked", "-", reason))
    for advisory in document.get("vulnerabilities") or []:
        if advisory.get("withdrawn"):
            continue
        fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix released"
        where = "affects it" if exact else f"affects the latest, {latest}"
        aliases = ", ".join(advisory.get("aliases") or [])
        detail = f"{where}; fixed in: {fixed}" + (f"; aliases: {aliases}" if aliases else "")
        report.findings.append(
            Finding(package.name, package.version, "advisory", advisory["id"], detail)
        )


def _transient(problem: BaseException) -> bool:
    """A failure worth another try: the network, a timeout, a 5xx or a 429."""
    if isinstance(problem, httpx.HTTPStatusError):
        return problem.response.status_code >= 500 or problem.response.status_code == 429
    return isinstance(problem, httpx.TransportError)


def _documents(
    client: httpx.Client, packages: Iterable[Locked], pypi_url: str
) -> Iterator[tuple[Locked, dict[str, Any] | str]]:
    """Each package with its project JSON, or the reason it could not be fetched."""

    @retry(
        retry=retry_if_exception(_transient),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=RETRY_WAIT, max=10),
        reraise=True,
    )
    def fetch(package: Locked) -> dict[str, Any]:
        response = client.get(f"{pypi_url}/{quote(package.name)}/json")
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document

    def one(package: Locked) -> tuple[Locked, dict[str, Any] | str]:
        try:
            return package, fetch(package)
        except (httpx.HTTPError, ValueError) as exc:
            return package, f"{package.name}: {type(exc).__name__}: {exc}"

    with ThreadPoolExecutor(WORKERS) as pool:
        yield from pool.map(one, packages)


def audit(
    packages: list[Locked], ignores: list[Ignore], client: httpx.Client, pypi_url: str = PYPI_URL
) -> Report:
    report = Report()
    for package, document in _documents(client, packages, pypi_url):
        if isinstance(document, str):
            report.errors.append(document)
        else:
            check(package, document, report)
    accepted = {(item.id, item.package) for item in ignores}
    for finding in list(report.findings):
        if (finding.id, finding.name) in accepted:
            report.findings.remove(finding)
            report.ignored.append(finding)
    return report


def render(report: Report, locked: int) -> str:
    lines = [
        f"Dependency audit: {report.audited} of {locked} locked PyPI packages checked",
        f"  at their latest release (advisory list exact): {report.exact}",
        f"  behind their latest release: {len(report.behind)}"
        + (f": {'; '.join(report.behind)}" if report.behind else ""),
        f"  findings: {len(report.findings)}, accepted in pyproject.toml: {len(report.ignored)}",
    ]
    lines += [
        f"  FINDING {f.name} {f.version}: {f.kind} {f.id}: {f.detail}" for f in report.findings
    ]
    lines += [f"  accepted {f.name} {f.version}: {f.id}" for f in report.ignored]
    lines += [f"  ERROR {error}" for error in report.errors]
    if report.errors:
        lines.append("The audit is incomplete: PyPI did not answer for every package (exit 2).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="project with uv.lock")
    parser.add_argument("--pypi-url", default=PYPI_URL, help="PyPI's JSON API root")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    packages = locked_packages(args.root / "uv.lock")
    ignores = load_ignores(args.root / "pyproject.toml")
    with httpx.Client(timeout=60) as client:
        report = audit(packages, ignores, client, args.pypi_url)
    print(render(report, len(packages)))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {**asdict(report), "status": report.status}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return report.status


if __name__ == "__main__":
    sys.exit(main())
