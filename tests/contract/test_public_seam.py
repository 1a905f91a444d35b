"""The generated client's public seam: every operation module's ``request_kwargs``,
``parse_response`` and ``build_response`` give what ``sync_detailed`` gives.

Callers (the provider's export path) send ``request_kwargs`` with their own httpx client and
read the answer with ``build_response`` / ``parse_response``; these tests hold the generator's
custom template (openapi/client_templates/endpoint_module.py.jinja) to that promise for every
operation and every documented example answer, on a transport that records each request.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx
import pytest
import triboo_client.api
from triboo_client import AuthenticatedClient, errors
from triboo_client.types import Response

from tests.spec_tools import ResponseExample, operations, request_example, response_examples

SEAM = ("request_kwargs", "parse_response", "build_response")


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def _endpoint_modules() -> dict[str, ModuleType]:
    """Every generated operation module, by module name (the snake_case operationId)."""
    package = triboo_client.api
    found = {}
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if not info.ispkg:
            found[info.name.rsplit(".", 1)[1]] = importlib.import_module(info.name)
    return found


MODULES = _endpoint_modules()
OPERATION_IDS = {_snake(op.operation_id): op.operation_id for op in operations()}


@dataclass
class Recorder:
    """An httpx transport that answers every request with one recorded answer and keeps the
    requests it was sent."""

    status: int
    content: bytes
    headers: dict[str, str]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, content=self.content, headers=self.headers)

    def client(self, *, strict: bool = False) -> AuthenticatedClient:
        return AuthenticatedClient(
            base_url="https://lms.example.com",
            token="t0ken",  # a placeholder the transport never checks
            raise_on_unexpected_status=strict,
            httpx_args={"transport": httpx.MockTransport(self)},
        )


def _arguments(module: ModuleType) -> dict[str, Any]:
    """Values for the required parameters of ``module.request_kwargs``: a path value that
    needs quoting, and the spec's first request example as the body model."""
    values: dict[str, Any] = {}
    for name, parameter in inspect.signature(module.request_kwargs).parameters.items():
        if parameter.default is not inspect.Parameter.empty:
            continue
        if name == "body":
            model = parameter.annotation
            example = request_example(OPERATION_IDS[module.__name__.rsplit(".", 1)[1]])
            values[name] = model.from_dict(example)
        elif parameter.annotation is int or parameter.annotation == "int":
            values[name] = 7
        else:
            values[name] = "a b/é+c"
    return values


CASES = [pytest.param(example, id=example.test_id) for example in response_examples()]


def _answer(example: ResponseExample) -> Recorder:
    # A JSON example is a value to encode; any other (an HTML error page) is the body's text.
    json_media = "json" in example.media_type
    body = json.dumps(example.value) if json_media else str(example.value)
    headers = {"Content-Type": example.media_type, "Retry-After": "3"}
    return Recorder(example.status, body.encode(), headers)


def _same_request(first: httpx.Request, second: httpx.Request) -> None:
    assert (first.method, first.url) == (second.method, second.url)
    assert first.headers.multi_items() == second.headers.multi_items()
    assert first.read() == second.read()


def test_every_operation_has_a_generated_module() -> None:
    assert sorted(MODULES) == sorted(OPERATION_IDS)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_endpoint_module_has_the_public_seam(name: str) -> None:
    module = MODULES[name]
    for function in SEAM:
        assert inspect.isfunction(getattr(module, function, None)), f"{name}.{function}"
        assert getattr(module, function).__doc__, f"{name}.{function} has no docstring"
    assert not any(hasattr(module, f"_{function}") for function in ("get_kwargs", *SEAM[1:]))


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_operation_has_an_example_answer_to_replay(name: str) -> None:
    assert any(e.operation_id == OPERATION_IDS[name] for e in response_examples())


def _outcome(call: Callable[[], object]) -> object:
    """The answer, or the type and text of the exception raised instead."""
    try:
        return call()
    except Exception as error:  # any failure: the comparison is the point
        return type(error), str(error)


@pytest.mark.parametrize("example", CASES)
def test_request_kwargs_and_build_response_round_trip_equals_sync_detailed(
    example: ResponseExample,
) -> None:
    module = MODULES[_snake(example.operation_id)]
    arguments = _arguments(module)
    recorder = _answer(example)
    with recorder.client() as api:
        detailed = _outcome(lambda: module.sync_detailed(client=api, **arguments))
        raw = api.get_httpx_client().request(**module.request_kwargs(**arguments))
        built = _outcome(lambda: module.build_response(client=api, response=raw))
        parsed = _outcome(lambda: module.parse_response(client=api, response=raw))
    first, second = recorder.requests
    _same_request(first, second)
    if not isinstance(detailed, Response):
        # The 2021 build's HTML 500 page under a JSON-only model: both ways fail alike.
        assert example.media_type != "application/json"
        assert built == parsed == detailed
        return
    assert isinstance(built, Response)
    assert built.status_code == detailed.status_code == example.status
    assert built.content == detailed.content
    assert built.headers == detailed.headers
    assert built.parsed == detailed.parsed == parsed
    assert built.parsed is not None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_undocumented_status_is_read_alike(name: str) -> None:
    module = MODULES[name]
    arguments = _arguments(module)
    recorder = Recorder(418, b"teapot", {"Content-Type": "text/plain"})
    with recorder.client() as lenient:
        raw = lenient.get_httpx_client().request(**module.request_kwargs(**arguments))
        assert module.parse_response(client=lenient, response=raw) is None
        built = module.build_response(client=lenient, response=raw)
        assert built.parsed is module.sync_detailed(client=lenient, **arguments).parsed is None
    with recorder.client(strict=True) as strict:
        raw = strict.get_httpx_client().request(**module.request_kwargs(**arguments))
        with pytest.raises(errors.UnexpectedStatus) as from_seam:
            module.build_response(client=strict, response=raw)
        with pytest.raises(errors.UnexpectedStatus) as from_sync:
            module.sync_detailed(client=strict, **arguments)
    assert from_seam.value.status_code == from_sync.value.status_code == 418
    assert from_seam.value.content == from_sync.value.content == b"teapot"
