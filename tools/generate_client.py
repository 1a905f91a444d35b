"""Regenerate ``generated_client/`` and ``user_fields.json`` from ``openapi/triboo.yaml``.

Usage::

    python tools/generate_client.py            # replace generated_client/ and user_fields.json
    python tools/generate_client.py --check    # exit 1 if either has drifted

The generator writes into a fresh temporary directory, which then replaces the whole
``generated_client/`` tree: ``--overwrite`` alone only replaces ``api/`` and ``models/`` and
would leave stale files behind. ``--check`` diffs a fresh generation against the committed
tree file by file, so a new, missing or hand-edited file all count as drift.

``airflow_provider/triboo_provider/user_fields.json`` is the part of the spec the provider's
input validation reads (``UserWritable``'s properties, ``UserCreate``'s ``required``,
``UserUpdate``'s own properties), written with sorted keys so its bytes only change when the
rules do; ``--check`` compares it too.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

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
USER_FIELDS = ROOT / "airflow_provider" / "triboo_provider" / "user_fields.json"
# The schema keywords validation.py applies; a property using another one (anyOf, oneOf...)
# is an error here rather than a rule the provider silently skips.
RULE_KEYWORDS = (
    "type",
    "enum",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
)
IGNORED_KEYWORDS = {"description", "default", "examples", "example", "title", "deprecated"}


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


def _rule(schemas: dict[str, Any], node: dict[str, Any], where: str) -> dict[str, Any]:
    """The validation keywords of one property, its ``$ref`` (a component schema) followed."""
    ref = node.get("$ref")
    if ref is not None:
        target = schemas[ref.removeprefix("#/components/schemas/")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    unknown = set(node) - set(RULE_KEYWORDS) - IGNORED_KEYWORDS
    if unknown:
        raise ValueError(f"{where}: keywords the provider's validation cannot apply: {unknown}")
    rule = {key: node[key] for key in RULE_KEYWORDS if key in node}
    types = rule.get("type")
    rule["type"] = sorted([types] if isinstance(types, str) else types or [])
    if not rule["type"]:
        raise ValueError(f"{where}: no type")
    # YAML 1.1 reads a bare yes/no/on/off as a boolean: an enum must stay text.
    if any(not isinstance(value, str) for value in rule.get("enum", ())):
        raise ValueError(f"{where}: an enum value is not a string: {rule['enum']}")
    return rule


def user_fields(spec: Path = SPEC) -> str:
    """The JSON text of the user-field rules the provider validates input with.

    ``fields``: ``UserWritable``'s properties (create and update); ``update_fields``: the
    properties ``UserUpdate`` adds; ``create_required``: ``UserCreate``'s ``required``, in
    the spec's order (the order problems are reported in). Each rule holds ``type`` (a sorted
    list, ``"null"`` included when nullable) and whichever of ``enum``, ``format``,
    ``pattern``, ``minLength``, ``maxLength``, ``minimum``, ``maximum`` the spec gives.

    Raises:
        ValueError: a property uses a keyword the provider cannot apply, or has no type.
    """
    schemas = yaml.safe_load(spec.read_text(encoding="utf-8"))["components"]["schemas"]
    writable = schemas["UserWritable"]["properties"]
    (create_part,) = [p for p in schemas["UserCreate"]["allOf"] if "required" in p]
    (update_part,) = [p for p in schemas["UserUpdate"]["allOf"] if "properties" in p]
    document = {
        "$comment": "Generated from openapi/triboo.yaml by tools/generate_client.py; do not edit.",
        "create_required": create_part["required"],
        "fields": {n: _rule(schemas, p, f"UserWritable.{n}") for n, p in writable.items()},
        "update_fields": {
            n: _rule(schemas, p, f"UserUpdate.{n}") for n, p in update_part["properties"].items()
        },
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


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
        rules = user_fields()
        if args.check:
            problems = [f"generated_client/{line}" for line in differences(fresh, TARGET)]
            on_disk = USER_FIELDS.read_text(encoding="utf-8") if USER_FIELDS.exists() else None
            if on_disk != rules:
                problems.append(f"differs: {USER_FIELDS.relative_to(ROOT)}")
            if problems:
                print("generated files do not match openapi/triboo.yaml; run `make generate`:")
                print("\n".join(f"  {line}" for line in problems))
                return 1
            print("generated_client/ and user_fields.json are up to date")
            return 0
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.copytree(fresh, TARGET)
    USER_FIELDS.write_text(rules, encoding="utf-8")
    print(
        f"regenerated {TARGET.relative_to(ROOT)}/ and {USER_FIELDS.relative_to(ROOT)}"
        f" from {SPEC.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
