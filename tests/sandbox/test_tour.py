"""The generated client drives every operation against the sandbox, and every exchange
validates against openapi/triboo.yaml (openapi-core request and response validation)."""

from __future__ import annotations

import copy
import importlib
import json
import re
import warnings
from collections.abc import Iterator
from typing import Any, Literal

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from triboo_client import AuthenticatedClient, Client, models
from triboo_client.api.auth import get_access_token
from triboo_sandbox.generations import GENERATIONS
from triboo_sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer, make_sandbox
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.sandbox_support import TODAY
from tests.spec_tools import load_spec, operations


class HttpxRequest:
    """openapi-core's request protocol over an httpx request."""

    def __init__(self, request: httpx.Request) -> None:
        self.host_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        self.path = request.url.path
        self.method = request.method.lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(request.url.params.multi_items()),
            header=Headers(list(request.headers.items())),
        )
        self.content_type = request.headers.get("content-type", "")
        self.body = request.content or None


class HttpxResponse:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.headers = Headers(list(response.headers.items()))
        self.content_type = response.headers.get("content-type", "")
        self.data = response.content


class Tour:
    """Calls generated operations, recording which ran and every exchange."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.exchanges: list[httpx.Response] = []
        self.called: set[str] = set()
        hooks = {"response": [self._record]}
        self.anonymous = Client(base_url=server.url, httpx_args={"event_hooks": hooks})
        token = self.token("bearer")
        self.api = AuthenticatedClient(
            base_url=server.url, token=token, httpx_args={"event_hooks": hooks}
        )
        self.jwt = AuthenticatedClient(
            base_url=server.url,
            token=self.token("jwt"),
            prefix="JWT",
            httpx_args={"event_hooks": hooks},
        )
        self.edx = AuthenticatedClient(
            base_url=server.url,
            token=token,
            headers={"X-Edx-Api-Key": "sandbox-edx-key"},
            httpx_args={"event_hooks": hooks},
        )

    def close(self) -> None:
        for client in (self.anonymous, self.api, self.jwt, self.edx):
            client.get_httpx_client().close()

    def _record(self, response: httpx.Response) -> None:
        response.read()
        self.exchanges.append(response)

    def token(self, kind: Literal["bearer", "jwt"]) -> str:
        self.called.add("get_access_token")
        body = models.TokenRequest(
            grant_type="client_credentials",
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            token_type=kind,
        )
        answer = get_access_token.sync(client=self.anonymous, body=body)
        assert isinstance(answer, models.AccessToken)
        return answer.access_token

    def call(
        self,
        operation: str,
        *args: Any,
        status: int,
        client: Client | AuthenticatedClient | None = None,
        **kwargs: Any,
    ) -> Any:
        self.called.add(operation)
        module = importlib.import_module(f"triboo_client.api.{TAGS[operation]}.{operation}")
        if self.unrouted(operation):
            # No such route on this generation: Django's HTML 404, which the generated parser
            # (reading the JSON form of a 404) cannot decode; the exchange is still checked.
            with pytest.raises(json.JSONDecodeError):
                module.sync_detailed(*args, client=client or self.api, **kwargs)
            assert self.exchanges[-1].status_code == 404
            assert self.exchanges[-1].headers["content-type"].startswith("text/html")
            return None
        response = module.sync_detailed(*args, client=client or self.api, **kwargs)
        assert response.status_code == status, response.content[:300]
        return response.parsed

    def unrouted(self, operation: str) -> bool:
        """E-mail routes do not exist on 2021 builds."""
        return self.server.sandbox.generation == "2021" and "by_email" in operation


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# Generated module of each operation: triboo_client.api.<tag>.<snake_case operationId>.
TAGS = {snake(op.operation_id): op.body["tags"][0] for op in operations()}


@pytest.fixture(params=sorted(GENERATIONS))
def any_generation(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A fresh sandbox of each server generation."""
    with SandboxServer(make_sandbox(users=200, today=TODAY, generation=request.param)) as server:
        yield server


def test_every_operation_against_the_sandbox(any_generation: SandboxServer) -> None:
    server = any_generation
    legacy = server.sandbox.generation == "2021"
    tour = Tour(server)
    new = models.UserCreate(
        username="tour.user",
        email="tour.user@example.com",
        first_name="Tour",
        last_name="User",
        name="Tour User",
        lt_department="Finance",
        platform_role="Learner",
    )
    created = tour.call("create_user", body=new, status=201)
    assert isinstance(created, models.UserCreated)
    assert "user_id" not in created.to_dict()
    assert ("is_active" in created.to_dict()) is not legacy
    tour.call("create_user", body=new, status=409)
    page = tour.call("list_users", username="tour.user", status=200)
    (user,) = page.results
    uid = user.user_id
    assert tour.call("list_users_by_username", username="tour.user", status=200).count == 1
    by_email = tour.call("list_users_by_email", email="tour.user@example.com", status=200)
    assert legacy or by_email.count == 1
    assert tour.call("get_user", uid, status=200).username == "tour.user"
    tour.call("get_user", 999999, status=404)
    tour.call("get_user_by_username", "tour.user", status=200)
    tour.call("get_user_by_email", "tour.user@example.com", status=200)
    change = models.UserUpdate(lt_department="Sales")
    tour.call("update_user", uid, body=change, status=200)
    tour.call("partial_update_user", uid, body=models.UserUpdate(city="Lyon"), status=200)
    tour.call(
        "update_user_by_username", "tour.user", body=models.UserUpdate(city="Nice"), status=200
    )
    tour.call(
        "partial_update_user_by_username",
        "tour.user",
        body=models.UserUpdate(username="tour.user"),
        status=409,
    )
    tour.call(
        "update_user_by_email",
        "tour.user@example.com",
        body=models.UserUpdate(lt_level="Senior"),
        status=200,
    )
    tour.call(
        "partial_update_user_by_email",
        "tour.user@example.com",
        body=models.UserUpdate(lt_gdpr=True),
        status=200,
    )

    courses = tour.call("list_courses", page_size=1000, status=200)
    key = courses.results[0].id
    assert "+" in key
    assert ":" in key
    enroll = models.BulkEnrollRequest(
        action="enroll", courses=key, identifiers="tour.user,new.hire@example.com", auto_enroll=True
    )
    enrolled = tour.call("bulk_enroll", body=enroll, client=tour.jwt, status=200)
    first = enrolled.courses[key].results[0]
    assert first.after.enrollment is True
    extended = models.ExtendedBulkEnrollRequest(action="enroll", courses=key, usernames="tour.user")
    tour.call("extended_bulk_enroll", body=extended, status=200)
    tour.call(
        "create_enrollment",
        status=404,
        client=tour.edx,
        body=models.EnrollmentRequest(
            user="tour.user", course_details=models.EnrollmentCourseDetails(course_id=key)
        ),
    )

    report = tour.call("get_course_progress_report", key, status=200)
    assert uid in {row.user_id for row in report.enrollments}
    tour.call("get_course_progress_report", key, status=400, to=server.sandbox.store.today)
    tour.call("list_user_progress_reports", page_size=50, status=200)
    tour.call("list_user_progress_reports_by_username", username="tour.user", status=200)
    tour.call("list_user_progress_reports_by_email", email="tour.user@example.com", status=200)
    mine = tour.call("get_user_progress_report", uid, status=200)
    assert [c.course_id for c in mine.courses] == [key]
    tour.call("get_user_progress_report_by_username", "tour.user", status=200)
    tour.call("get_user_progress_report_by_email", "tour.user@example.com", status=200)
    tour.call("list_user_progress_reports", page=999, status=404)

    assert tour.call("deactivate_user", uid, status=200).status == "user_deactivated"
    # Deactivating an inactive user again: 409 on current builds, 200 on 2021 builds.
    tour.call("deactivate_user_by_username", "tour.user", status=200 if legacy else 409)
    others = tour.call("list_users", page_size=5, status=200).results
    ids = ",".join(str(u.user_id) for u in others[3:5])
    results = tour.call("deactivate_users_by_id", user_id=f"{ids},999999", status=200)
    assert [r.status for r in results][-1] == "user_not_found"
    results = tour.call("deactivate_users_by_username", username="nobody", status=200)
    assert results[0].user_id is None

    tour.close()
    assert tour.called == {snake(op.operation_id) for op in operations()}
    assert_exchanges_match_the_spec(server, tour.exchanges)


def assert_exchanges_match_the_spec(server: SandboxServer, exchanges: list[httpx.Response]) -> None:
    spec = copy.deepcopy(load_spec())
    spec["servers"] = [{"url": server.url}]
    openapi = OpenAPI.from_dict(spec)
    problems = []
    for response in exchanges:
        request = HttpxRequest(response.request)
        where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
        for check in ("request", "response"):
            try:
                with warnings.catch_warnings():
                    # openapi-core cannot check OAuth2 requirements; the sandbox tests do.
                    warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
                    if check == "request":
                        openapi.validate_request(request)
                    else:
                        openapi.validate_response(request, HttpxResponse(response))
            except Exception as problem:
                problems.append(f"{where}: {problem!r} {getattr(problem, '__cause__', '')!r}")
    assert problems == []
    assert len(exchanges) >= len(list(operations()))


@pytest.mark.parametrize("path", ["/api/extended/v1/users", "/api/extended/v1/courses"])
def test_missing_trailing_slash_is_a_301(server: SandboxServer, path: str) -> None:
    answer = httpx.get(server.url + path)
    assert answer.status_code == 301
    assert answer.headers["location"].endswith(path + "/")


def test_unknown_route_is_an_html_404(server: SandboxServer) -> None:
    answer = httpx.get(server.url + "/api/extended/v1/nothing/")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
