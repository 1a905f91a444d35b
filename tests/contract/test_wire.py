"""Generator pitfalls, proven by what a server receives rather than by reading code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from triboo_client import AuthenticatedClient, Client, models
from triboo_client.api.auth import get_access_token
from triboo_client.api.enrollments import bulk_enroll
from triboo_client.api.reports import get_course_progress_report
from triboo_client.api.users import get_user_by_email, list_users
from werkzeug import Request

from tests.spec_tools import load_spec, operations, resolve


def only_request(server: HTTPServer) -> Request:
    (entry,) = server.log
    return entry[0]


def test_user_ids_go_out_as_one_comma_separated_parameter(httpserver: HTTPServer) -> None:
    """The server keeps only the last of repeated parameters: [1, 2, 3] must be user_id=1,2,3."""
    httpserver.expect_request("/api/extended/v1/users/").respond_with_json(
        {
            "count": 0,
            "num_pages": 1,
            "current_page": 1,
            "start": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )
    user_ids = [1, 2, 3]
    with AuthenticatedClient(base_url=httpserver.url_for("").rstrip("/"), token="t") as api:
        page = list_users.sync(client=api, user_id=",".join(map(str, user_ids)))
    assert isinstance(page, models.UserPage)
    request = only_request(httpserver)
    assert request.args.getlist("user_id") == ["1,2,3"]
    assert request.query_string.decode().count("user_id=") == 1


def _query_parameters() -> Iterator[tuple[str, dict[str, Any]]]:
    for operation in operations():
        for reference in operation.body.get("parameters", []):
            parameter = resolve(reference)
            if parameter["in"] == "query":
                yield operation.operation_id, parameter


@pytest.mark.parametrize(
    ("operation_id", "parameter"),
    list(_query_parameters()),
    ids=lambda value: value if isinstance(value, str) else value["name"],
)
def test_no_query_parameter_is_an_array(operation_id: str, parameter: dict[str, Any]) -> None:
    """openapi-python-client sends arrays as repeated parameters (upstream #197); the spec
    therefore types multi-value filters as comma-separated strings."""
    assert resolve(parameter["schema"]).get("type") != "array", operation_id


def test_user_id_list_pattern() -> None:
    pattern = re.compile(load_spec()["components"]["schemas"]["UserIdList"]["pattern"])
    assert pattern.match("1,2,3")
    assert not pattern.match("1, 2")
    assert not pattern.match("1,,2")


def test_token_request_is_form_encoded(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/oauth2/access_token").respond_with_json(
        {"access_token": "abc", "expires_in": 36000, "token_type": "JWT", "scope": "read"}
    )
    body = models.TokenRequest(
        grant_type="client_credentials", client_id="id", client_secret="s&=cret", token_type="jwt"
    )
    with Client(base_url=httpserver.url_for("").rstrip("/")) as api:
        parsed = get_access_token.sync(client=api, body=body)
    request = only_request(httpserver)
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.get_data() == (
        b"grant_type=client_credentials&client_id=id&client_secret=s%26%3Dcret&token_type=jwt"
    )
    assert isinstance(parsed, models.AccessToken)
    assert parsed.token_type == "JWT"


def test_bulk_enroll_is_json_with_real_booleans(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/bulk_enroll/v1/bulk_enroll").respond_with_json({"courses": {}})
    body = models.BulkEnrollRequest(
        action="enroll",
        courses="course-v1:a+b+c,course-v1:d+e+f",
        identifiers="a@example.com,bob",
        auto_enroll=True,
        email_students=False,
    )
    base = httpserver.url_for("").rstrip("/")
    with AuthenticatedClient(base_url=base, token="jwt-token", prefix="JWT") as api:
        bulk_enroll.sync_detailed(client=api, body=body)
    request = only_request(httpserver)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "JWT jwt-token"
    assert json.loads(request.get_data()) == {
        "action": "enroll",
        "courses": "course-v1:a+b+c,course-v1:d+e+f",
        "identifiers": "a@example.com,bob",
        "auto_enroll": True,
        "email_students": False,
    }


def test_course_key_is_percent_encoded_and_reaches_the_route(httpserver: HTTPServer) -> None:
    """`:` and `+` are quoted; a server that decodes the path finds the route, slash kept."""
    key = "course-v1:edX+DemoX+Demo_Course"
    httpserver.expect_request(f"/api/extended/v1/course_progress_report/{key}/").respond_with_json(
        {"course_id": key, "course_title": "Demo", "enrollments": []}
    )
    base = httpserver.url_for("").rstrip("/")
    with AuthenticatedClient(base_url=base, token="t") as api:
        report = get_course_progress_report.sync(key, client=api)
    request = only_request(httpserver)
    assert request.environ["REQUEST_URI"] == (
        "/api/extended/v1/course_progress_report/course-v1%3AedX%2BDemoX%2BDemo_Course/"
    )
    assert isinstance(report, models.CourseProgressReport)
    assert report.course_id == key


def test_email_path_keeps_plus_and_at(httpserver: HTTPServer) -> None:
    email = "jane+lms@example.com"
    httpserver.expect_request(f"/api/extended/v1/users_by_email/{email}/").respond_with_json(
        {"user_id": 7, "username": "jane", "email": email}
    )
    base = httpserver.url_for("").rstrip("/")
    with AuthenticatedClient(base_url=base, token="t") as api:
        user = get_user_by_email.sync(email, client=api)
    assert only_request(httpserver).environ["REQUEST_URI"].endswith("/jane%2Blms%40example.com/")
    assert isinstance(user, models.User)
    assert user.user_id == 7
