"""Regenerate ``generated_client/`` from ``openapi/triboo.yaml``.

Usage::

    python tools/generate_client.py            # replace generated_client/
    python tools/generate_client.py --check    # exit 1 if generated_client/ has drifted

The generator writes into a fresh temporary directory, which then replaces the whole
``generated_client/`` tree: ``--overwrite`` alone only replaces ``api/`` and ``models/`` and
would leave stale files behind. ``--check`` diffs a fresh generation against the committed
tree file by file, so a new, missing or hand-edited file all count as drift.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "triboo.yaml"
CONFIG = ROOT / "openapi" / "generator.yaml"
# Our own pyproject.toml (license, description, build backend) and README.md for the
# distribution triboo-client; every other file comes from the generator's templates.
TEMPLATES = ROOT / "openapi" / "client_templates"
# Shipped in the client's distribution (its pyproject.toml names it in license-files).
LICENSE = ROOT / "LICENSE"
TARGET = ROOT / "generated_client"
IGNORED = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


class GenerationError(Exception):
    """openapi-python-client failed or warned (``--fail-on-warning``)."""

    def __init__(self, returncode: int, output: str) -> None:
        super().__init__(f"openapi-python-client failed with exit code {returncode}:\n{output}")
        self.output = output


def generate(output: Path, spec: Path = SPEC, search_path: str | None = None) -> None:
    """Generate the client from ``spec`` into ``output``, which must not exist yet.

    ``search_path`` replaces the ``PATH`` the generator's post-hooks see; by default the
    locked ``ruff`` of this virtual environment comes first.
    """
    bin_dir = Path(sys.executable).parent
    if search_path is None:
        search_path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": search_path}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "uv",
        "--output-path",
        str(output),
        "--fail-on-warning",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0 or not output.is_dir():
        raise GenerationError(result.returncode, result.stdout + result.stderr)
    shutil.copyfile(LICENSE, output / LICENSE.name)


def tree(root: Path) -> set[str]:
    """Relative paths of the files under ``root``, caches left out."""
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.relative_to(root).parts)
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Describe every file that differs between two generated trees."""
    want, have = tree(expected), tree(actual)
    problems = [f"missing: {name}" for name in sorted(want - have)]
    problems += [f"not generated (stale or hand-made): {name}" for name in sorted(have - want)]
    problems += [
        f"differs: {name}"
        for name in sorted(want & have)
        if not filecmp.cmp(expected / name, actual / name, shallow=False)
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated_client/ drifted")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="triboo-client-") as tmp:
        fresh = Path(tmp) / "generated_client"
        generate(fresh)
        if args.check:
            problems = differences(fresh, TARGET)
            if problems:
                print("generated_client/ does not match openapi/triboo.yaml; run `make generate`:")
                print("\n".join(f"  {line}" for line in problems))
                return 1
            print("generated_client/ is up to date")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(fresh, TARGET)
    print(f"regenerated {TARGET.relative_to(ROOT)}/ from {SPEC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
