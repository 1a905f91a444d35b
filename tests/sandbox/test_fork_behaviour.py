"""What the Learning Tribes fork's own code and tests say the server does, over HTTP.

Source: ``BarryPaneer/platform@1a863c5``, ``lms/djangoapps/extended_api/views.py`` (the
``UsersViewSet`` checks, ``UserFilterMixin``, ``bulk_destroy``, ``BulkEnrollView``) and its
``tests/tests.py``; the bulk enroll serializers are Django REST framework 3.6 fields.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from triboo_sandbox.server import SandboxServer, make_sandbox
from triboo_sandbox.store import User

from tests.sandbox_support import TODAY, fetch_token

V1 = "/api/extended/v1"
COURSE = "course-v1:acme+SEC101+2024_T1"
FOREIGN_COURSE = "course-v1:globex+SEC101+2024_T1"


@pytest.fixture
def tenant() -> Iterator[tuple[SandboxServer, httpx.Client]]:
    with SandboxServer(make_sandbox(users=40, today=TODAY)) as server:
        headers = {"Authorization": f"Bearer {fetch_token(server.url)}"}
        with httpx.Client(base_url=server.url, headers=headers) as client:
            yield server, client


def learner(server: SandboxServer, org: str = "acme", skip: int = 0) -> User:
    users = [u for u in server.sandbox.store.org_users(org) if not u.is_superuser]
    return users[skip]


# -- update: the order of the checks -------------------------------------------------------


def test_an_inactive_superuser_is_inactive_first(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    """tests.py: test_superuser_inactive_to_active_update_by_id expects "User inactive"."""
    server, client = tenant
    user = learner(server)
    user.is_superuser, user.is_active = True, False
    answer = client.put(f"{V1}/users/{user.user_id}/", json={"is_active": True})
    assert answer.status_code == 409
    assert answer.json() == {"detail": "User inactive"}
    assert not user.is_active


def test_reactivation_happens_first_and_stays(tenant: tuple[SandboxServer, httpx.Client]) -> None:
    server, client = tenant
    user = learner(server)
    user.is_active = False
    body = {"is_active": "false", "year_of_birth": "not a year"}  # a non-empty string is truthy
    answer = client.patch(f"{V1}/users/{user.user_id}/", json=body)
    assert answer.status_code == 400
    assert user.is_active


def test_another_organisations_username_and_email(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    server, client = tenant
    user, foreign = learner(server), learner(server, "globex")
    url = f"{V1}/users/{user.user_id}/"
    taken = client.patch(url, json={"username": foreign.username})
    assert taken.status_code == 400
    assert taken.json() == {"username": ["A user with that username already exists."]}
    crashed = client.patch(url, json={"email": foreign.email})
    assert crashed.status_code == 500
    assert "api_error_message" in crashed.json()
    new = {"username": "n1", "first_name": "N", "last_name": "O", "name": "N O"}
    created = client.post(f"{V1}/users/", json={**new, "email": foreign.email})
    assert created.status_code == 500


# -- list filters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user_id": "abc"}, "all"),  # no numeric id left: no filter
        ({"username": ","}, "all"),
        ({"user_id": "abc", "username": "{first}"}, ["{first}"]),  # falls through
        ({"username": "{first}, {second}"}, ["{first}", "{second}"]),  # values stripped
        ({"user_id": "{first_id}", "username": "{second}"}, ["{first}"]),  # user_id wins
    ],
)
def test_list_filters_as_user_filter_mixin_reads_them(
    tenant: tuple[SandboxServer, httpx.Client], query: dict[str, str], expected: object
) -> None:
    server, client = tenant
    first, second = learner(server), learner(server, skip=1)
    names = {
        "first": first.username,
        "second": second.username,
        "first_id": first.user_id,
    }
    params = {k: v.format(**names) for k, v in query.items()} | {"page_size": 1000}
    got = [u["username"] for u in client.get(f"{V1}/users/", params=params).json()["results"]]
    if expected == "all":
        assert len(got) == len(server.sandbox.store.org_users("acme"))
    else:
        assert isinstance(expected, list)
        assert got == [e.format(**names) for e in expected]


def test_a_detail_route_looks_in_the_filtered_list(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    server, client = tenant
    first, second = learner(server), learner(server, skip=1)
    url = f"{V1}/users/{first.user_id}/"
    assert client.get(url, params={"user_id": second.user_id}).status_code == 404
    assert client.get(url).status_code == 200


# -- bulk deactivation ----------------------------------------------------------------------


def test_bulk_deactivation_reports_from_a_snapshot_by_exact_key(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    server, client = tenant
    first, second = learner(server), learner(server, skip=1)
    shouted = first.username.upper()
    answer = client.delete(f"{V1}/users/", params={"username": shouted}).json()
    # Deactivated (the database ignores case), reported not found (the map does not).
    assert answer == [{"user_id": None, "username": shouted, "status": "user_not_found"}]
    assert not first.is_active
    twice = f"{second.user_id},{second.user_id}"
    statuses = [
        r["status"] for r in client.delete(f"{V1}/users/", params={"user_id": twice}).json()
    ]
    assert statuses == ["user_deactivated", "user_deactivated"]


def test_bulk_deactivation_by_email_deactivates_and_reports_nothing(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    server, client = tenant
    user = learner(server)
    answer = client.delete(f"{V1}/users/", params={"email": user.email})
    assert answer.json() == []
    assert not user.is_active


def test_every_users_prefix_routes_create_and_deactivate(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    server, client = tenant
    body = {"username": "via.email", "email": "via.email@example.com", "first_name": "V"}
    body |= {"last_name": "E", "name": "V E"}
    assert client.post(f"{V1}/users_by_email/", json=body).status_code == 201
    user = server.sandbox.store.find("acme", username="via.email")
    assert user is not None
    gone = client.delete(f"{V1}/users_by_email/{user.email}/")
    assert gone.json()["status"] == "user_deactivated"


# -- bulk enroll ----------------------------------------------------------------------------


def test_bulk_enroll_is_not_scoped_to_the_organisation(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    server, client = tenant
    foreign = learner(server, "globex")
    body = {"action": "enroll", "courses": FOREIGN_COURSE, "usernames": foreign.username}
    answer = client.post(f"{V1}/bulk_enroll", json=body)
    assert answer.status_code == 200
    assert answer.json()["courses"][FOREIGN_COURSE]["results"][0]["after"]["enrollment"] is True


def test_courses_are_done_one_after_another(tenant: tuple[SandboxServer, httpx.Client]) -> None:
    server, client = tenant
    user = learner(server)
    server.sandbox.store.unenroll(user.user_id, COURSE)
    courses = f"{COURSE},course-v1:acme+NOPE1+2024_T1"
    body = {"action": "enroll", "courses": courses, "usernames": user.username}
    assert client.post(f"{V1}/bulk_enroll", json=body).status_code == 404
    assert server.sandbox.store.is_enrolled(user.user_id, COURSE)


def test_the_upstream_bulk_enroll_takes_a_bearer_token(
    tenant: tuple[SandboxServer, httpx.Client],
) -> None:
    _, client = tenant
    body = {"action": "enroll", "courses": COURSE, "identifiers": "someone.new@example.com"}
    answer = client.post("/api/bulk_enroll/v1/bulk_enroll", json=body)
    assert answer.status_code == 200


@pytest.mark.parametrize(("value", "valid"), [("yes", True), ("YES", True), ("yEs", False)])
def test_booleans_are_drf_spellings(
    tenant: tuple[SandboxServer, httpx.Client], value: str, valid: bool
) -> None:
    _, client = tenant
    body = {"action": "enroll", "courses": COURSE, "usernames": "x", "email_students": value}
    assert (client.post(f"{V1}/bulk_enroll", json=body).status_code == 200) is valid
