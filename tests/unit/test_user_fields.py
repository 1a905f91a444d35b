"""tools/generate_client.py's extraction of the user-field rules the provider ships."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.spec_tools import SPEC_PATH
from tools import generate_client
from tools.generate_client import USER_FIELDS, user_fields


def edited_spec(tmp_path: Path, old: str, new: str) -> Path:
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    spec = tmp_path / "triboo.yaml"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    return spec


def test_the_rules_are_sorted_stable_and_only_what_validation_reads() -> None:
    text = user_fields()
    assert text == user_fields()
    document = json.loads(text)
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["create_required"] == ["username", "email", "first_name", "last_name", "name"]
    assert document["update_fields"] == {"is_active": {"type": ["boolean"]}}
    assert document["fields"]["country"] == {"pattern": "^[A-Z]{2}$", "type": ["string"]}
    # A $ref is followed; the enum keeps the spec's order (messages list it so).
    assert document["fields"]["gender"] == {"enum": ["m", "f", "o"], "type": ["string"]}
    assert document["fields"]["lt_ilt_supervisor"] == {
        "format": "email",
        "type": ["boolean", "string"],
    }
    assert all("description" not in rule for rule in document["fields"].values())


def test_a_spec_edit_changes_the_rules(tmp_path: Path) -> None:
    spec = edited_spec(
        tmp_path,
        "lt_level: {type: string, minLength: 1, maxLength: 150}",
        "lt_level: {type: string, minLength: 1, maxLength: 120}",
    )
    assert json.loads(user_fields(spec))["fields"]["lt_level"]["maxLength"] == 120


def test_a_keyword_validation_cannot_apply_is_an_error(tmp_path: Path) -> None:
    spec = edited_spec(
        tmp_path,
        "lt_comments: {type: string, minLength: 1}",
        "lt_comments: {type: string, minLength: 1, multipleOf: 2}",
    )
    with pytest.raises(ValueError, match=r"UserWritable\.lt_comments: .*multipleOf"):
        user_fields(spec)


def test_an_enum_value_yaml_reads_as_a_boolean_is_an_error(tmp_path: Path) -> None:
    spec = edited_spec(tmp_path, "enum: [m, f, o]", "enum: [m, f, o, no]")
    with pytest.raises(ValueError, match="not a string"):
        user_fields(spec)


def test_the_drift_check_covers_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "user_fields.json"
    stale.write_text(USER_FIELDS.read_text(encoding="utf-8").replace("3000", "3001"))
    monkeypatch.setattr(generate_client, "USER_FIELDS", stale)
    monkeypatch.setattr(generate_client, "ROOT", tmp_path)
    assert generate_client.main(["--check"]) == 1
    assert "differs: user_fields.json" in capsys.readouterr().out
    stale.write_text(USER_FIELDS.read_text(encoding="utf-8"))
    assert generate_client.main(["--check"]) == 0
