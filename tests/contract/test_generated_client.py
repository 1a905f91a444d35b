"""The generated client is exactly what the spec and the pinned generator produce."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.spec_tools import ROOT, SPEC_PATH
from tools.generate_client import TARGET, GenerationError, differences, generate


@pytest.fixture(scope="module")
def fresh_generation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("fresh") / "generated_client"
    generate(output)
    return output


def test_committed_client_matches_a_fresh_generation(fresh_generation: Path) -> None:
    assert differences(fresh_generation, TARGET) == []


def test_drift_check_catches_a_spec_edit_without_regeneration(tmp_path: Path) -> None:
    edited = tmp_path / "triboo.yaml"
    edited.write_text(
        SPEC_PATH.read_text(encoding="utf-8").replace(
            "summary: List courses", "summary: List every course"
        ),
        encoding="utf-8",
    )
    output = tmp_path / "generated_client"
    generate(output, spec=edited)
    assert differences(output, TARGET) == ["differs: triboo_client/api/courses/list_courses.py"]


def test_drift_check_catches_hand_edits_and_stray_files(
    fresh_generation: Path, tmp_path: Path
) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(fresh_generation, edited)
    (edited / "triboo_client" / "client.py").write_text("# edited by hand\n", encoding="utf-8")
    (edited / "triboo_client" / "helpers.py").write_text("", encoding="utf-8")
    (edited / "triboo_client" / "py.typed").unlink()
    assert differences(fresh_generation, edited) == [
        "missing: triboo_client/py.typed",
        "not generated (stale or hand-made): triboo_client/helpers.py",
        "differs: triboo_client/client.py",
    ]


def test_generation_fails_loudly_without_ruff_on_path(tmp_path: Path) -> None:
    """Post-hooks need ruff; without it the generator only warns, which must be an error."""
    no_ruff = os.pathsep.join(["/usr/bin", "/bin"])
    with pytest.raises(GenerationError, match="ruff"):
        generate(tmp_path / "out", search_path=no_ruff)


def test_generated_package_is_typed() -> None:
    assert (TARGET / "triboo_client" / "py.typed").is_file()
    assert (ROOT / "generated_client" / "pyproject.toml").is_file()
