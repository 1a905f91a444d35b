"""openapi/triboo.yaml is valid, lint-clean, complete, and its examples match its schemas."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.spec_tools import ROOT, SPEC_PATH, load_spec, operations, resolve

SPEC_URI = "urn:triboo-spec"

# Every operation the vendor document describes, at the route the server really has.
REQUIRED_ROUTES = {
    ("POST", "/oauth2/access_token"),
    ("POST", "/api/extended/v1/users/"),
    ("GET", "/api/extended/v1/users/"),
    ("GET", "/api/extended/v1/users/{user_id}/"),
    ("GET", "/api/extended/v1/users_by_username/{username}/"),
    ("GET", "/api/extended/v1/users_by_email/{email}/"),
    ("PUT", "/api/extended/v1/users/{user_id}/"),
    ("PATCH", "/api/extended/v1/users/{user_id}/"),
    ("PUT", "/api/extended/v1/users_by_username/{username}/"),
    ("PATCH", "/api/extended/v1/users_by_username/{username}/"),
    ("PUT", "/api/extended/v1/users_by_email/{email}/"),
    ("PATCH", "/api/extended/v1/users_by_email/{email}/"),
    ("DELETE", "/api/extended/v1/users/{user_id}/"),
    ("DELETE", "/api/extended/v1/users_by_username/{username}/"),
    ("DELETE", "/api/extended/v1/users/"),
    ("DELETE", "/api/extended/v1/users_by_username/"),
    ("GET", "/api/extended/v1/courses/"),
    ("GET", "/api/extended/v1/user_progress_report/"),
    ("GET", "/api/extended/v1/user_progress_report/{user_id}/"),
    ("GET", "/api/extended/v1/user_progress_report_by_username/{username}/"),
    ("GET", "/api/extended/v1/user_progress_report_by_email/{email}/"),
    ("GET", "/api/extended/v1/course_progress_report/{course_id}/"),
    ("POST", "/api/bulk_enroll/v1/bulk_enroll"),
    ("POST", "/api/extended/v1/bulk_enroll"),
    ("POST", "/api/enrollment/v1/enrollment"),
}


def test_spec_is_valid_openapi_3_1() -> None:
    spec = load_spec()
    assert spec["openapi"] == "3.1.0"
    validate(spec)


def test_every_vendor_route_is_documented() -> None:
    documented = {(op.method, op.path) for op in operations()}
    assert documented >= REQUIRED_ROUTES


@pytest.mark.parametrize("operation", list(operations()), ids=lambda op: op.operation_id)
def test_operation_is_fully_described(operation: Any) -> None:
    body = operation.body
    assert body["operationId"][0].islower()
    assert len(body["tags"]) == 1
    assert body["summary"]
    assert body["description"]
    assert "security" in body, "a global security block is ignored by the generator (#645)"
    statuses = set(body["responses"])
    assert "500" in statuses
    if body["security"]:
        assert {"401", "403", "429"} <= statuses
        throttled = resolve(body["responses"]["429"])
        assert "Retry-After" in throttled["headers"]
    for status, response in body["responses"].items():
        content = resolve(response).get("content", {})
        assert content, f"{status} has no body schema"
        for media in content.values():
            assert media.get("examples"), f"{status} has no example"


def _registry() -> Registry[Any]:
    resource = Resource.from_contents(load_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


def _examples() -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, value) for every request, response and parameter example."""
    for operation in operations():
        body = operation.body
        bodies = [("request", resolve(body["requestBody"]))] if "requestBody" in body else []
        bodies += [(status, resolve(r)) for status, r in body["responses"].items()]
        for status, part in bodies:
            for media_type, content in part.get("content", {}).items():
                for name, example in content.get("examples", {}).items():
                    where = f"{operation.operation_id} {status} {media_type} {name}"
                    yield where, content["schema"], resolve(example)["value"]
    for operation in operations():
        path_item = load_spec()["paths"][operation.path]
        for reference in [*path_item.get("parameters", []), *operation.body.get("parameters", [])]:
            parameter = resolve(reference)
            if "example" in parameter:
                yield (
                    f"parameter {parameter['name']}",
                    parameter["schema"],
                    parameter["example"],
                )


EXAMPLES = list(_examples())


@pytest.mark.parametrize(("where", "schema", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_validates_against_its_schema(
    where: str, schema: dict[str, Any], value: Any
) -> None:
    validator = OAS31Validator(_absolute_refs(schema), registry=_registry())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    assert errors == [], where


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: SPEC_URI + v if k == "$ref" else _absolute_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_absolute_refs(v) for v in node]
    return node


def test_schema_validation_catches_a_bad_example() -> None:
    validator = OAS31Validator(
        {"$ref": SPEC_URI + "#/components/schemas/Page"}, registry=_registry()
    )
    with pytest.raises(ValidationError):
        validator.validate({"count": "two"})


def _enum_schemas() -> set[str]:
    schemas = load_spec()["components"]["schemas"]
    return {name for name, schema in schemas.items() if "enum" in schema}


def _response_schemas() -> set[str]:
    """Names of the component schemas reachable from any response."""
    seen: set[str] = set()
    pending = [
        content["schema"]
        for op in operations()
        for response in op.body["responses"].values()
        for content in resolve(response).get("content", {}).values()
    ]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref not in seen:
                seen.add(ref)
                pending.append(resolve(node))
            pending.extend(v for k, v in node.items() if k != "$ref")
        elif isinstance(node, list):
            pending.extend(node)
    return {ref.rsplit("/", 1)[1] for ref in seen}


def _closed_enum_uses(node: Any, enums: set[str], where: str) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.rsplit("/", 1)[-1] in enums:
            yield where
        for key, value in node.items():
            children = value
            if key == "anyOf":
                options = [o for o in value if o.get("$ref", "").rsplit("/", 1)[-1] in enums]
                if options and not any(o.get("type") == "string" for o in value):
                    yield f"{where}.anyOf"
                children = [o for o in value if o not in options]
            yield from _closed_enum_uses(children, enums, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _closed_enum_uses(value, enums, f"{where}[{index}]")


def test_server_emitted_enums_are_open_in_responses() -> None:
    """The generator raises on unknown values of closed enums: responses accept any string."""
    enums = _enum_schemas()
    schemas = load_spec()["components"]["schemas"]
    found = [
        hit
        for name in sorted(_response_schemas() - enums)
        for hit in _closed_enum_uses(schemas[name], enums, name)
    ]
    assert found == []


def redocly_lint(spec: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(ROOT / "node_modules" / ".bin" / "redocly"),
            "lint",
            str(spec),
            "--config",
            str(ROOT / "redocly.yaml"),
            "--format",
            "stylish",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_redocly_lint_is_clean() -> None:
    result = redocly_lint(SPEC_PATH)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning" not in result.stdout.lower()


def test_redocly_lint_fails_on_an_invalid_example(tmp_path: Path) -> None:
    broken = tmp_path / "triboo.yaml"
    shutil.copy(SPEC_PATH, broken)
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("total_time_spent: 352", "total_time_spent: lots"), "utf-8")
    result = redocly_lint(broken)
    assert result.returncode != 0
    assert "no-invalid-media-type-examples" in result.stdout + result.stderr
