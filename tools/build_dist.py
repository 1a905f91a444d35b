"""Build the two distributions released together into ``dist/`` (``make dist``).

``triboo-client`` (from ``generated_client/``) and ``airflow-provider-triboo`` (the root
project, which pins the client exactly) are each built by ``uv build`` as a source
distribution and a wheel built from it, in isolated build environments with the build
backends pinned in ``tools/build-constraints.txt``, without the workspace's ``tool.uv.sources``
(``--no-sources``, as a user's installer sees them) and without the dev virtual environment.

The build is reproducible: timestamps come from ``SOURCE_DATE_EPOCH``, by default the time of
the last commit, so the same commit gives the same bytes. It refuses a tree whose shipped
files differ from that commit (modified or untracked), since its distributions would carry
a released version number with code no commit has; ``--allow-dirty`` builds one anyway (for
tests). Then every file is checked: the expected names only, only the packages inside the
wheels, each with its ``py.typed`` marker (PEP 561) and its data files, and the core
metadata a user's installer and PyPI read.

Standard library only, so ``make dist`` needs nothing but uv.
"""

from __future__ import annotations

import argparse
import email.parser
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "tools" / "build-constraints.txt"
# What goes into the distributions: a change here makes a dirty build.
SHIPPED = (
    "airflow_provider/triboo_provider",
    "generated_client",
    "pyproject.toml",
    "README.md",
    "LICENSE",
)


@dataclass(frozen=True)
class Distribution:
    """One distribution: its name, the project folder, what its wheel may hold and the
    data files (not Python) it must hold."""

    name: str
    project: str
    packages: tuple[str, ...]
    data: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        return self.name.replace("-", "_")


CLIENT = Distribution("triboo-client", "generated_client", ("triboo_client",))
# user_fields.json: the spec's user-field rules, read by validation.py at import.
PROVIDER = Distribution(
    "airflow-provider-triboo", ".", ("triboo_provider",), ("triboo_provider/user_fields.json",)
)
DISTRIBUTIONS = (CLIENT, PROVIDER)


class DistError(Exception):
    """The tree cannot be built, or a built file is not what we release."""


def dirty_paths(root: Path = ROOT) -> list[str]:
    """Shipped files that differ from the last commit: modified, staged or untracked."""
    result = subprocess.run(  # noqa: S603
        ["git", "status", "--porcelain", "--untracked-files=all", "--", *SHIPPED],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line[3:] for line in result.stdout.splitlines() if line.strip()]


def commit_time(root: Path = ROOT) -> str:
    """The last commit's time, in seconds since the epoch (for ``SOURCE_DATE_EPOCH``)."""
    result = subprocess.run(
        ["git", "log", "-1", "--format=%ct"],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def project_version(project: Path) -> str:
    """``[project] version`` of a pyproject.toml."""
    with (project / "pyproject.toml").open("rb") as handle:
        version: str = tomllib.load(handle)["project"]["version"]
    return version


def build(out_dir: Path, *, uv: Path, allow_dirty: bool = False, root: Path = ROOT) -> list[Path]:
    """Build both distributions into ``out_dir`` (emptied first); return the files, checked."""
    dirty = dirty_paths(root)
    if dirty and not allow_dirty:
        raise DistError(
            "the shipped files differ from the last commit; commit them first "
            "(or build with --allow-dirty, never for a release):\n  " + "\n  ".join(dirty)
        )
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))},
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH") or commit_time(root),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    for distribution in DISTRIBUTIONS:
        subprocess.run(  # noqa: S603
            [
                str(uv),
                "build",
                "--no-sources",
                "--build-constraints",
                str(CONSTRAINTS),
                "--out-dir",
                str(out_dir),
                str(root / distribution.project),
            ],
            cwd=root,
            env=env,
            check=True,
        )
    return check(out_dir, root=root)


def wheel_metadata(wheel: Path) -> Message:
    """The core metadata (``METADATA``) of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.BytesParser().parsebytes(archive.read(name))


def wheel_problems(
    wheel: Path, distribution: Distribution, version: str, root: Path = ROOT
) -> list[str]:
    """What is wrong with one wheel: stray files, missing or wrong metadata."""
    problems: list[str] = []
    dist_info = f"{distribution.stem}-{version}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = (
            archive.read(f"{dist_info}/entry_points.txt").decode()
            if f"{dist_info}/entry_points.txt" in names
            else ""
        )
    allowed = (*(f"{package}/" for package in distribution.packages), f"{dist_info}/")
    problems += [
        f"{wheel.name}: stray file {name}" for name in names if not name.startswith(allowed)
    ]
    problems += [
        f"{wheel.name}: {name}"
        for name in names
        if "__pycache__" in name or name.endswith((".pyc", ".orig"))
    ]
    if f"{dist_info}/licenses/LICENSE" not in names:
        problems.append(f"{wheel.name}: no {dist_info}/licenses/LICENSE")
    # PEP 561: without the marker, a user's type checker ignores the package's annotations.
    problems += [
        f"{wheel.name}: no {package}/py.typed"
        for package in distribution.packages
        if f"{package}/py.typed" not in names
    ]
    problems += [f"{wheel.name}: no {data}" for data in distribution.data if data not in names]
    meta = wheel_metadata(wheel)
    expected = {
        "Name": distribution.name,
        "Version": version,
        "License-Expression": "Apache-2.0",
        "License-File": "LICENSE",
        "Requires-Python": ">=3.11",
        "Description-Content-Type": "text/markdown",
    }
    problems += [
        f"{wheel.name}: {field} is {meta.get(field)!r}, not {value!r}"
        for field, value in expected.items()
        if meta.get(field) != value
    ]
    if not meta.get("Summary") or len(meta.get_payload()) < 500:
        problems.append(f"{wheel.name}: no summary or no description (README)")
    if distribution is PROVIDER:
        requires = meta.get_all("Requires-Dist") or []
        pin = f"{CLIENT.name}=={project_version(root / CLIENT.project)}"
        if pin not in requires:
            problems.append(f"{wheel.name}: does not require {pin} (requires {requires})")
        if "[apache_airflow_provider]" not in entry_points:
            problems.append(f"{wheel.name}: no apache_airflow_provider entry point")
    return problems


def sdist_problems(sdist: Path, distribution: Distribution, version: str) -> list[str]:
    """What is wrong with one source distribution: files outside what it is built from."""
    top = f"{distribution.stem}-{version}"
    allowed = (
        *(f"{top}/{package}/" for package in distribution.packages),
        *(f"{top}/airflow_provider/{package}/" for package in distribution.packages),
    )
    files = {f"{top}/{name}" for name in ("PKG-INFO", "pyproject.toml", "README.md", "LICENSE")}
    # hatchling always adds the project's .gitignore; uv_build keeps pyproject.toml as written.
    files |= {f"{top}/.gitignore", f"{top}/pyproject.toml.orig"}
    with tarfile.open(sdist) as archive:
        names = [member.name for member in archive.getmembers() if member.isfile()]
    return [
        f"{sdist.name}: stray file {name}"
        for name in names
        if (name not in files and not name.startswith(allowed)) or "__pycache__" in name
    ]


def check(out_dir: Path, *, root: Path = ROOT) -> list[Path]:
    """Check the four files of a build; return them."""
    problems: list[str] = []
    files: list[Path] = []
    for distribution in DISTRIBUTIONS:
        version = project_version(root / distribution.project)
        wheel = out_dir / f"{distribution.stem}-{version}-py3-none-any.whl"
        sdist = out_dir / f"{distribution.stem}-{version}.tar.gz"
        for path in (wheel, sdist):
            if not path.is_file():
                problems.append(f"missing: {path.name}")
        if wheel.is_file():
            problems += wheel_problems(wheel, distribution, version, root)
        if sdist.is_file():
            problems += sdist_problems(sdist, distribution, version)
        files += [wheel, sdist]
    unexpected = sorted({p.name for p in out_dir.iterdir()} - {f.name for f in files})
    problems += [f"unexpected file: {name}" for name in unexpected if name != ".gitignore"]
    if problems:
        raise DistError("\n".join(problems))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--uv", type=Path, default=ROOT / ".tools" / "bin" / "uv")
    parser.add_argument(
        "--allow-dirty", action="store_true", help="build shipped files that are not committed"
    )
    args = parser.parse_args(argv)
    try:
        files = build(args.out_dir, uv=args.uv, allow_dirty=args.allow_dirty)
    except DistError as problem:
        print(f"make dist: {problem}", file=sys.stderr)
        return 1
    for path in files:
        print(f"{path}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
