"""Read ``openapi/triboo.yaml`` for tests: operations, resolved references, examples."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "triboo.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@functools.cache
def load_spec() -> dict[str, Any]:
    """The spec as plain data, parsed once per test session."""
    with SPEC_PATH.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def resolve(node: Any) -> Any:
    """Follow ``$ref`` links (local ones only) until a non-reference node is reached."""
    spec = load_spec()
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@dataclass(frozen=True)
class Operation:
    """One operation of the spec."""

    operation_id: str
    method: str
    path: str
    body: dict[str, Any]


@dataclass(frozen=True)
class ResponseExample:
    """One documented example answer of one operation."""

    operation_id: str
    status: int
    media_type: str
    name: str
    value: Any
    schema: dict[str, Any]
    headers: tuple[str, ...]

    @property
    def test_id(self) -> str:
        return f"{self.operation_id}-{self.status}-{self.name}"


def operations() -> Iterator[Operation]:
    """Every operation of the spec, in document order."""
    for path, item in load_spec()["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield Operation(item[method]["operationId"], method.upper(), path, item[method])


def response_examples() -> Iterator[ResponseExample]:
    """Every example of every documented response of every operation."""
    for operation in operations():
        for status, reference in operation.body["responses"].items():
            response = resolve(reference)
            headers = tuple(response.get("headers", {}))
            for media_type, content in response.get("content", {}).items():
                for name, example in content.get("examples", {}).items():
                    yield ResponseExample(
                        operation.operation_id,
                        int(status),
                        media_type,
                        name,
                        resolve(example)["value"],
                        content["schema"],
                        headers,
                    )


def request_example(operation_id: str) -> Any:
    """The first documented request body example of an operation."""
    for operation in operations():
        if operation.operation_id == operation_id:
            body = resolve(operation.body["requestBody"])
            (content,) = body["content"].values()
            first = next(iter(content["examples"].values()))
            return resolve(first)["value"]
    raise KeyError(operation_id)
