"""Django REST framework's own rules, as the real server applies them, over HTTP.

The fork runs Django REST framework 3.6 on Django 1.11 and Python 2
(``BarryPaneer/platform``: ``lms/envs/common.py`` sets ``JSONRenderer`` as the only
renderer and the Learning Tribes exception handler; ``extended_api/serializers.py`` uses
``CharField``, ``EmailField``, ``IntegerField`` and ``DateField``; ``UserFilterMixin`` keeps
ids that pass ``isdigit()`` and ``int()``s them). And the 2021 generation's own update
and token rules from ``../shared/triboo-server-behavior.md``. Each answer the sandbox
sends here is also checked against the spec (openapi-core).
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import string
import warnings
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openapi_core import OpenAPI
from triboo_sandbox.fields import drf_date, drf_integer, py2_int
from triboo_sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer, make_sandbox
from triboo_sandbox.store import User

from tests.sandbox.test_tour import HttpxRequest, HttpxResponse
from tests.sandbox_support import TODAY, fetch_token
from tests.spec_tools import load_spec

V1 = "/api/extended/v1"
ARABIC_INDIC = str.maketrans(string.digits, "٠١٢٣٤٥٦٧٨٩")


class Tenant:
    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        headers = {"Authorization": f"Bearer {fetch_token(server.url)}"}
        self.http = httpx.Client(base_url=server.url, headers=headers)
        spec = copy.deepcopy(load_spec())
        spec["servers"] = [{"url": server.url}]
        self.openapi = OpenAPI.from_dict(spec)

    def send(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        """One request; its answer must be one the spec describes."""
        answer = self.http.request(method, path, **kwargs)  # type: ignore[arg-type]
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            self.openapi.validate_response(HttpxRequest(answer.request), HttpxResponse(answer))
        return answer

    def learner(self, skip: int = 0) -> User:
        store = self.server.sandbox.store
        return [u for u in store.org_users("acme") if not u.is_superuser][skip]


def tenant_of(generation: str) -> Iterator[Tenant]:
    with SandboxServer(make_sandbox(users=40, today=TODAY, generation=generation)) as server:
        tenant = Tenant(server)
        yield tenant
        tenant.http.close()


@pytest.fixture(params=["current", "2021"])
def tenant(request: pytest.FixtureRequest) -> Iterator[Tenant]:
    yield from tenant_of(request.param)


@pytest.fixture
def current() -> Iterator[Tenant]:
    yield from tenant_of("current")


@pytest.fixture
def legacy() -> Iterator[Tenant]:
    yield from tenant_of("2021")


# -- numbers as Python 2's int() reads them --------------------------------------------------


def test_a_digit_that_is_no_decimal_is_no_id_no_page(tenant: Tenant) -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: no route, page or size crashes."""
    assert tenant.send("GET", f"{V1}/users/²/").json() == {"detail": "Not found."}
    assert tenant.send("GET", f"{V1}/user_progress_report/²/").status_code == 404
    assert tenant.send("GET", f"{V1}/users/", params={"page": "²"}).json() == {
        "detail": "Invalid page."
    }
    page = tenant.send("GET", f"{V1}/users/", params={"page_size": "²"}).json()
    assert len(page["results"]) == 10


def test_such_an_id_in_a_users_filter_crashes_the_server(tenant: Tenant) -> None:
    """``UserFilterMixin`` keeps it (``isdigit()``) and ``int()`` raises: a 500, in each
    generation's crash format, for the list and for bulk deactivation (nothing deactivated)."""
    users = tenant.server.sandbox.store.org_users("acme")
    before = [u.is_active for u in users]
    listed = tenant.send("GET", f"{V1}/users/", params={"user_id": "²"})
    deactivated = tenant.send("DELETE", f"{V1}/users/", params={"user_id": "①"})
    for answer in (listed, deactivated):
        assert answer.status_code == 500
    html = tenant.server.sandbox.generation == "2021"
    assert listed.headers["content-type"].startswith("text/html" if html else "application/json")
    assert [u.is_active for u in users] == before


def test_ids_and_pages_are_read_as_int_reads_text(tenant: Tenant) -> None:
    user = tenant.learner()
    found = tenant.send("GET", f"{V1}/users/%20{user.user_id}/")  # int(" 7") == 7
    assert found.json()["username"] == user.username
    arabic = str(user.user_id).translate(ARABIC_INDIC)  # int() takes any decimal digit
    assert tenant.send("GET", f"{V1}/users/{arabic}/").json()["user_id"] == user.user_id
    assert tenant.send("GET", f"{V1}/users/1_0/").status_code == 404  # Python 2: no "_"
    page = tenant.send("GET", f"{V1}/users/", params={"page": " 2", "page_size": " 5"}).json()
    assert (page["current_page"], len(page["results"])) == (2, 5)


def test_a_bulk_enroll_user_id_that_is_no_number_is_invalid(tenant: Tenant) -> None:
    user = tenant.learner()
    body = {
        "action": "enroll",
        "courses": "course-v1:acme+SEC101+2024_T1",
        "user_ids": f"{user.user_id},²",
    }
    answer = tenant.send("POST", f"{V1}/bulk_enroll", json=body)
    rows = answer.json()["courses"]["course-v1:acme+SEC101+2024_T1"]["results"]
    assert "after" in rows[0]
    assert rows[1] == {"identifier": {"user_id": "²"}, "invalidIdentifier": True}


@given(st.text(alphabet=string.digits + " _+-²\u0661x", max_size=6))
def test_py2_int_is_int_without_underscores(text: str) -> None:
    try:
        expected: int | None = None if "_" in text else int(text)
    except ValueError:
        expected = None
    assert py2_int(text) == expected


# -- content negotiation and parsers -----------------------------------------------------------


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "", "text/*"])
def test_an_accept_json_cannot_satisfy_is_a_406_before_authentication(
    tenant: Tenant, accept: str
) -> None:
    for headers in ({"Accept": accept}, {"Accept": accept, "Authorization": "Bearer nope"}):
        answer = tenant.send("GET", f"{V1}/courses/", headers=headers)
        assert answer.status_code == 406
        assert answer.json() == {"detail": "Could not satisfy the request Accept header."}


@pytest.mark.parametrize(
    "accept", ["*/*", "application/*", "application/json; indent=4", "text/html, */*;q=0.1"]
)
def test_an_accept_json_satisfies_is_answered(tenant: Tenant, accept: str) -> None:
    assert tenant.send("GET", f"{V1}/courses/", headers={"Accept": accept}).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/vnd.api+json", None])
def test_a_body_no_parser_reads_is_a_415_and_changes_nothing(
    tenant: Tenant, content_type: str | None
) -> None:
    user = tenant.learner()
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = tenant.send(
        "PATCH", f"{V1}/users/{user.user_id}/", content=b'{"lt_department": "X"}', headers=headers
    )
    assert answer.status_code == 415
    assert answer.json() == {"detail": f'Unsupported media type "{content_type or ""}" in request.'}
    assert user.profile.get("lt_department") != "X"


def test_an_empty_body_of_any_type_is_no_fields(tenant: Tenant) -> None:
    user = tenant.learner()
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", headers={"Content-Type": "x/y"})
    assert answer.status_code == 200


def test_json_content_types_match_ignoring_case_and_parameters(tenant: Tenant) -> None:
    user = tenant.learner()
    headers = {"Content-Type": "Application/JSON; charset=utf-8"}
    body = b'{"lt_department": "Ops"}'
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", content=body, headers=headers)
    assert answer.json()["lt_department"] == "Ops"


@pytest.mark.parametrize("body", [[], ["lt_department", "X"], "text", 7, None])
def test_a_json_body_that_is_no_object(tenant: Tenant, body: object) -> None:
    """The user views call ``request.data.copy()`` / ``.get()`` first (a 500); the bulk
    enroll serializers refuse it (DRF 3.6's root error, Python 2's type names)."""
    user = tenant.learner()
    sent = {"content": json.dumps(body).encode(), "headers": {"Content-Type": "application/json"}}
    for method, path in (("POST", f"{V1}/users/"), ("PATCH", f"{V1}/users/{user.user_id}/")):
        assert tenant.send(method, path, **sent).status_code == 500
    assert user.profile.get("lt_department") != "X"
    answer = tenant.send("POST", f"{V1}/bulk_enroll", **sent)
    name = {list: "list", str: "unicode", int: "int"}.get(type(body))
    expected = (
        f"Invalid data. Expected a dictionary, but got {name}." if name else "No data provided"
    )
    assert answer.json() == {"non_field_errors": [expected]}


# -- serializer fields ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [["a"], {"a": 1}, True])
def test_a_text_field_refuses_lists_objects_and_booleans(tenant: Tenant, value: object) -> None:
    user = tenant.learner()
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"lt_department": value})
    assert answer.status_code == 400
    assert answer.json() == {"lt_department": ["Not a valid string."]}


def test_a_text_field_takes_numbers_and_strips_spaces(tenant: Tenant) -> None:
    user = tenant.learner()
    body = {"lt_department": 123, "lt_company": "  Acme  "}
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json=body).json()
    assert (answer["lt_department"], answer["lt_company"]) == ("123", "Acme")
    blank = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"lt_company": "   "})
    assert blank.json() == {"lt_company": ["This field may not be blank."]}


@pytest.mark.parametrize(
    ("value", "stored"),
    [("1990.0", 1990), (1990.0, 1990), (" 1990 ", 1990), (True, None), (1990.5, None)],
)
def test_year_of_birth_is_drf_integer_field(tenant: Tenant, value: object, stored: int) -> None:
    user = tenant.learner()
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"year_of_birth": value})
    if stored is None:
        assert answer.json() == {"year_of_birth": ["A valid integer is required."]}
    else:
        assert answer.json()["year_of_birth"] == stored


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2020-1-1", "2020-01-01"), ("2020-12-31", "2020-12-31"), ("20200101", None),
     ("2020-02-30", None), ("2020-01-01T00:00", None), (20200101, None)],
)  # fmt: skip
def test_hire_date_is_django_1_11_date_parsing(tenant: Tenant, value: object, stored: str) -> None:
    user = tenant.learner()
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"lt_hire_date": value})
    if stored is None:
        message = "Date has wrong format. Use one of these formats instead: YYYY[-MM[-DD]]."
        assert answer.json() == {"lt_hire_date": [message]}
    else:
        assert answer.json()["lt_hire_date"] == stored


@given(st.integers(min_value=-10, max_value=3000), st.integers(-1, 14), st.integers(-1, 33))
def test_drf_date_is_a_real_calendar_date(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month}-{day}"
    try:
        expected: str | None = dt.date(year, month, day).isoformat() if year >= 0 else None
    except ValueError:
        expected = None
    assert drf_date(text) == expected


@given(st.one_of(st.integers(), st.text(max_size=8), st.floats(allow_nan=False), st.booleans()))
def test_drf_integer_never_raises(value: object) -> None:
    assert drf_integer(value) is None or isinstance(drf_integer(value), int)


# -- generations: lt_ilt_supervisor, reactivation, PUT ------------------------------------------


def test_ilt_supervisor_is_an_email_on_current_builds(current: Tenant) -> None:
    url = f"{V1}/users/{current.learner().user_id}/"
    refused = current.send("PATCH", url, json={"lt_ilt_supervisor": True})
    assert refused.json() == {"lt_ilt_supervisor": ["Not a valid string."]}
    taken = current.send("PATCH", url, json={"lt_ilt_supervisor": "boss@acme.example.com"})
    assert taken.json()["lt_ilt_supervisor"] == "boss@acme.example.com"


def test_ilt_supervisor_is_a_boolean_on_2021_builds(legacy: Tenant) -> None:
    user = legacy.learner()
    url = f"{V1}/users/{user.user_id}/"
    refused = legacy.send("PATCH", url, json={"lt_ilt_supervisor": "boss@acme.example.com"})
    assert refused.json() == {
        "lt_ilt_supervisor": ['"boss@acme.example.com" is not a valid boolean.']
    }
    assert legacy.send("PATCH", url, json={"lt_ilt_supervisor": "yes"}).status_code == 200
    assert legacy.send("GET", url).json()["lt_ilt_supervisor"] is True


def test_2021_builds_do_not_reactivate_through_an_update(legacy: Tenant) -> None:
    user = legacy.learner()
    user.is_active = False
    answer = legacy.send("PATCH", f"{V1}/users/{user.user_id}/", json={"is_active": True})
    assert (answer.status_code, answer.json()) == (409, {"status": "user_inactive"})
    assert not user.is_active


def test_current_builds_reactivate_through_an_update(current: Tenant) -> None:
    user = current.learner()
    user.is_active = False
    answer = current.send("PATCH", f"{V1}/users/{user.user_id}/", json={"is_active": True})
    assert answer.json()["is_active"] is True


@pytest.mark.parametrize(
    ("method", "body", "role"),
    [
        ("PUT", {"lt_department": "X"}, "Learner"),
        ("PATCH", {"lt_department": "X"}, "Platform Admin"),
        ("PUT", {"platform_role": "Studio Admin"}, "Studio Admin"),
    ],
)
def test_a_2021_put_without_a_role_demotes_to_learner(
    legacy: Tenant, method: str, body: dict[str, str], role: str
) -> None:
    user = legacy.learner()
    user.profile["platform_role"] = "Platform Admin"
    answer = legacy.send(method, f"{V1}/users/{user.user_id}/", json=body)
    assert answer.json()["platform_role"] == role


def test_a_current_put_without_a_role_keeps_it(current: Tenant) -> None:
    user = current.learner()
    user.profile["platform_role"] = "Platform Admin"
    answer = current.send("PUT", f"{V1}/users/{user.user_id}/", json={"lt_department": "X"})
    assert answer.json()["platform_role"] == "Platform Admin"


# -- the token endpoint -------------------------------------------------------------------------


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_http_basic_counts_when_the_body_names_the_client(tenant: Tenant) -> None:
    """Django OAuth Toolkit checks HTTP Basic first, the body's secret second; the view wants
    the client id in the body."""
    url = f"{tenant.server.url}/oauth2/access_token"
    grant = {"grant_type": "client_credentials"}
    both = httpx.post(url, data={**grant, "client_id": DEMO_CLIENT_ID}, headers=basic(
        DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))  # fmt: skip
    assert both.status_code == 200
    alone = httpx.post(url, data=grant, headers=basic(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET))
    assert alone.json() == {"error": "invalid_client"}
    wrong_basic = httpx.post(
        url,
        data={**grant, "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET},
        headers=basic(DEMO_CLIENT_ID, "wrong"),
    )
    assert wrong_basic.status_code == 200  # the body's secret is tried next
    unicode_secret = {**grant, "client_id": DEMO_CLIENT_ID, "client_secret": "sécret"}
    assert httpx.post(url, data=unicode_secret).status_code == 401


def test_the_token_endpoint_is_a_plain_django_view(tenant: Tenant) -> None:
    answer = httpx.get(f"{tenant.server.url}/oauth2/access_token")
    assert (answer.status_code, answer.content) == (405, b"")
    assert answer.headers["allow"] == "POST, OPTIONS"


@pytest.mark.parametrize(("generation", "ttl"), [("current", 36000), ("2021", 31535999)])
def test_token_lifetime_per_generation(generation: str, ttl: int) -> None:
    with SandboxServer(make_sandbox(users=5, generation=generation)) as server:
        answer = httpx.post(
            f"{server.url}/oauth2/access_token",
            data={
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
            },
        )
    assert answer.json()["expires_in"] == ttl


# -- second review: uniqueness, form input, the fork's own fields, column sizes ----------------

COURSE = "course-v1:acme+SEC101+2024_T1"
NEW = {"first_name": "New", "last_name": "Person", "name": "New Person"}


def test_spaces_around_an_existing_name_never_make_a_second_account(tenant: Tenant) -> None:
    """MySQL ignores trailing spaces (PAD SPACE): check_status finds the user, a 409. A
    leading space passes it, then the serializer strips it: the username's UniqueValidator
    (400) or the e-mail's unique index (500). Never a 201."""
    user, store = tenant.learner(), tenant.server.sandbox.store
    count = len(store.users)
    attempts = [
        ({"username": f"{user.username} ", "email": "a1@acme.example.com"}, 409),
        ({"username": f" {user.username}", "email": "a2@acme.example.com"}, 400),
        ({"username": "fresh.one", "email": f"{user.email.upper()} "}, 409),
        ({"username": "fresh.two", "email": f" {user.email}"}, 500),
    ]
    for body, status in attempts:
        assert tenant.send("POST", f"{V1}/users/", json={**NEW, **body}).status_code == status
    assert len(store.users) == count


def test_renaming_to_ones_own_name_with_a_leading_space_is_allowed(tenant: Tenant) -> None:
    user = tenant.learner()
    answer = tenant.send(
        "PATCH", f"{V1}/users/{user.user_id}/", json={"username": f" {user.username}"}
    )
    assert answer.json()["username"] == user.username


def test_form_input_leaves_empty_optional_fields_out(tenant: Tenant) -> None:
    user = tenant.learner()
    user.profile["analytics_access"] = "Restricted"
    form = {"lt_department": "", "year_of_birth": "", "lt_gdpr": "", "analytics_access": ""}
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", data=form)
    assert answer.status_code == 200
    assert answer.json()["analytics_access"] is None  # allow_null: an empty input is null
    blank = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"lt_department": ""})
    assert blank.status_code == 400  # JSON says "" itself


@pytest.mark.parametrize(
    ("value", "status", "after"),
    [(None, 200, None), ("", 200, "Restricted"), ("junk", 200, "Restricted"),
     (" Full Access ", 200, "Full Access"), (5, 400, "Restricted")],
)  # fmt: skip
def test_analytics_access_is_the_forks_text_field(
    tenant: Tenant, value: object, status: int, after: str | None
) -> None:
    user = tenant.learner()
    user.profile["analytics_access"] = "Restricted"
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"analytics_access": value})
    assert answer.status_code == status
    if status == 400:
        assert answer.json() == {"analytics_access": ["Enter a valid string."]}
    assert tenant.send("GET", f"{V1}/users/{user.user_id}/").json()["analytics_access"] == after


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [("country", "fr", 200), ("gender", "x", 200), ("level_of_education", "phd", 200),
     ("gender", "unknown", 500), ("country", "FRA", 500), ("lt_department", "d" * 256, 500),
     ("name", "n" * 256, 500), ("lt_level", "l" * 150, 200), ("first_name", "", 200),
     ("last_name", "l" * 31, 400), ("year_of_birth", 2**31, 500), ("year_of_birth", "", 400)],
)  # fmt: skip
def test_what_the_serializer_checks_and_what_only_mysql_refuses(
    tenant: Tenant, field: str, value: object, status: int
) -> None:
    """No choice is checked; the profile's column sizes are MySQL's (strict mode: a 500);
    first_name, last_name and email may be blank (auth_user's blank=True)."""
    user = tenant.learner()
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={field: value})
    assert answer.status_code == status
    if status == 200:
        assert answer.json()[field] == value


@pytest.mark.parametrize(
    ("field", "value", "outcome"),
    [("lt_gdpr", "Yes", '"Yes" is not a valid boolean.'), ("lt_gdpr", 1.0, True),
     ("lt_gdpr", " true ", '" true " is not a valid boolean.'),
     ("lt_gdpr", "", '"" is not a valid boolean.'),
     ("udemy_catalog_access", "Yes", True), ("udemy_catalog_access", 0.0, False),
     ("udemy_catalog_access", "", 500), ("udemy_catalog_access", "tRuE", 500)],
)  # fmt: skip
def test_booleans_take_drf_spellings_and_catalog_flags_the_forks(
    current: Tenant, field: str, value: object, outcome: object
) -> None:
    user = current.learner()
    answer = current.send("PATCH", f"{V1}/users/{user.user_id}/", json={field: value})
    if outcome == 500:
        assert answer.status_code == 500
    elif isinstance(outcome, str):
        assert answer.json() == {field: [outcome]}
    else:
        assert answer.json()[field] is outcome


@pytest.mark.parametrize(
    ("value", "role"), [(" Studio Admin ", "Studio Admin"), ("", "Learner"), (5, None)]
)
def test_platform_role_is_stripped_text(tenant: Tenant, value: object, role: str | None) -> None:
    user = tenant.learner()
    answer = tenant.send("PATCH", f"{V1}/users/{user.user_id}/", json={"platform_role": value})
    if role is None:
        assert answer.json() == {"platform_role": ["Enter a valid string."]}
    else:
        assert answer.json()["platform_role"] == role


@pytest.mark.parametrize(
    ("start", "detail"),
    [("2024-1-5", None), ("20240105", "'20240105' value has an invalid date format. It must "
     "be in YYYY-MM-DD format."), ("2024-02-30", "'2024-02-30' value has the correct format "
     "(YYYY-MM-DD) but it is an invalid date.")],
)  # fmt: skip
def test_course_report_dates_as_strptime_then_django_read_them(
    tenant: Tenant, start: str, detail: str | None
) -> None:
    answer = tenant.send("GET", f"{V1}/course_progress_report/{COURSE}/", params={"from": start})
    if detail is None:
        assert answer.status_code == 200
    else:
        assert (answer.status_code, answer.json()) == (400, {"detail": detail})


@pytest.mark.parametrize(
    ("courses", "status", "body"),
    [(f"{COURSE},", 400, {"courses": ["Course key not valid: "]}), ("", 200, {}),
     ([], 200, {}), ([""], 400, {"courses": ["Course key not valid: "]}), (5, 500, None)],
)  # fmt: skip
def test_courses_is_the_string_list_field(
    tenant: Tenant, courses: object, status: int, body: object
) -> None:
    user = tenant.learner()
    answer = tenant.send(
        "POST",
        f"{V1}/bulk_enroll",
        json={"action": "enroll", "courses": courses, "user_ids": str(user.user_id)},
    )
    assert answer.status_code == status
    if status == 400:
        assert answer.json() == body
    elif status == 200:
        assert answer.json()["courses"] == body


def test_upstream_identifiers_split_on_commas_and_line_breaks_only(tenant: Tenant) -> None:
    first, second = tenant.learner(), tenant.learner(1)
    jwt = fetch_token(tenant.server.url, kind="jwt")
    body = {
        "action": "enroll",
        "courses": COURSE,
        "identifiers": f"{first.username} {second.username}\n{second.username}",
    }
    answer = tenant.send(
        "POST",
        "/api/bulk_enroll/v1/bulk_enroll",
        json=body,
        headers={"Authorization": f"JWT {jwt}"},
    )
    rows = answer.json()["courses"][COURSE]["results"]
    assert [("invalidIdentifier" in row) for row in rows] == [True, False]


def test_a_method_a_route_lacks_is_decided_after_negotiation_auth_and_throttling() -> None:
    """DRF's dispatch runs ``initial()`` (406, 401, 429) before it finds no handler: a 405
    is counted in the shared history like any request."""
    with SandboxServer(make_sandbox(users=5, rate_limits="real")) as server:
        url = f"{server.url}{V1}/users/"
        assert httpx.put(url).status_code == 401
        assert httpx.put(url, headers={"Accept": "text/html"}).status_code == 406
        headers = {"Authorization": f"Bearer {fetch_token(server.url)}"}
        answers = [httpx.put(url, headers=headers).status_code for _ in range(20)]
        assert answers == [405] * 20
        throttled = httpx.get(url, headers=headers)
    assert throttled.status_code == 429  # users: 20 a minute, the 405s included


def test_a_bulk_deactivation_of_id_0_reports_a_null_id(tenant: Tenant) -> None:
    answer = tenant.send("DELETE", f"{V1}/users/", params={"user_id": "0"})
    assert answer.json() == [{"user_id": None, "username": "", "status": "user_not_found"}]
