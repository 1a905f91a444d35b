"""The sandbox's two server generations, each difference with the value the real server
gives (``../shared/triboo-server-behavior.md``; issue 13 found each by replaying the
server's own test suites against the sandbox)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from triboo_sandbox.generations import CURRENT_ONLY_FLAGS, GENERATIONS
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.sandbox_support import TODAY, fetch_token

V1 = "/api/extended/v1"
NEW = {"username": "new.hire", "email": "new.hire@example.com", "first_name": "N"}
NEW = {**NEW, "last_name": "H", "name": "New Hire"}

Start = Callable[..., tuple[SandboxServer, httpx.Client]]


@pytest.fixture
def start() -> Iterator[Start]:
    """Start a sandbox of a generation; answer it and a client with a Bearer token."""
    opened: list[tuple[SandboxServer, httpx.Client]] = []

    def run(generation: str = "current", users: int = 60) -> tuple[SandboxServer, httpx.Client]:
        server = SandboxServer(
            make_sandbox(users=users, today=TODAY, generation=generation)
        ).start()
        headers = {"Authorization": f"Bearer {fetch_token(server.url)}"}
        client = httpx.Client(base_url=server.url, headers=headers)
        opened.append((server, client))
        return server, client

    yield run
    for server, client in opened:
        client.close()
        server.stop()


# -- 1. is_active in create and update answers -------------------------------------------


def test_current_answers_carry_is_active_and_create_forces_it(start: Start) -> None:
    _, client = start()
    created = client.post(f"{V1}/users/", json={**NEW, "is_active": False})
    assert created.status_code == 201
    assert created.json()["is_active"] is True
    found = client.get(f"{V1}/users_by_username/new.hire/").json()
    gone = client.delete(f"{V1}/users/{found['user_id']}/")
    assert gone.json()["status"] == "user_deactivated"
    back = client.patch(f"{V1}/users/{found['user_id']}/", json={"is_active": True})
    assert back.status_code == 200
    assert back.json()["is_active"] is True


def test_2021_answers_carry_no_is_active(start: Start) -> None:
    _, client = start("2021")
    created = client.post(f"{V1}/users/", json=NEW).json()
    assert "is_active" not in created
    assert "password_reset_link" not in created
    found = client.get(f"{V1}/users_by_username/new.hire/").json()
    updated = client.patch(f"{V1}/users/{found['user_id']}/", json={"city": "Lyon"}).json()
    assert "is_active" not in updated


# -- 2. the extended bulk enroll validates its body first --------------------------------


@pytest.mark.parametrize("generation", sorted(GENERATIONS))
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"action": "invalid-action"}, {"action": ['"invalid-action" is not a valid choice.']}),
        ({"action": "enrol"}, {"action": ['"enrol" is not a valid choice.']}),
        ({"action": None}, {"action": ["This field may not be null."]}),
        ({"action": ...}, {"action": ["This field is required."]}),
        ({"courses": None}, {"courses": ["This field may not be null."]}),
        ({"courses": ...}, {"courses": ["This field is required."]}),
        ({"courses": "foo"}, {"courses": ["Course key not valid: foo"]}),
        ({"usernames": None}, {"usernames": ["This field may not be null."]}),
        ({"emails": ""}, {"emails": ["This field may not be blank."]}),
        ({"user_ids": {"a": 1}}, {"user_ids": ["Not a valid string."]}),
        ({"email_students": "maybe"}, {"email_students": ['"maybe" is not a valid boolean.']}),
    ],
)
def test_extended_bulk_enroll_field_errors_come_first(
    start: Start, generation: str, body: dict[str, object], errors: dict[str, list[str]]
) -> None:
    """A body field given ``...`` is left out of the request."""
    server, client = start(generation)
    learner = next(u for u in server.sandbox.store.org_users("acme") if not u.is_superuser)
    course = next(iter(server.sandbox.store.enrollments[learner.user_id]))
    sent: dict[str, object] = {"action": "enroll", "courses": course} | body
    sent.setdefault("usernames", learner.username)
    sent = {name: value for name, value in sent.items() if value is not ...}
    answer = client.post(f"{V1}/bulk_enroll", json=sent)
    assert answer.status_code == 400
    assert answer.json() == errors
    assert server.sandbox.store.is_enrolled(learner.user_id, course)  # "enrol" unenrolled it


def test_no_identifiers_comes_after_the_fields(start: Start) -> None:
    _, client = start()
    body = {"action": "enroll", "courses": "course-v1:acme+SEC101+2024_T1"}
    answer = client.post(f"{V1}/bulk_enroll", json=body)
    assert answer.status_code == 400
    assert answer.json() == {
        "action": "enroll",
        "results": [{"error": True, "message": "A username or email or user_id must be provided"}],
    }


# -- 3. the token endpoint reads a form only ------------------------------------------------


@pytest.mark.parametrize("generation", sorted(GENERATIONS))
def test_a_json_token_request_is_a_request_without_a_grant(start: Start, generation: str) -> None:
    server, _ = start(generation)
    form = {"grant_type": "client_credentials", "client_id": "demo-client"}
    form["client_secret"] = "demo-secret"
    answer = httpx.post(f"{server.url}/oauth2/access_token", json=form)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert httpx.post(f"{server.url}/oauth2/access_token", data=form).status_code == 200


# -- 4. a detail id that is no number ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, f"{V1}/users/abc/") for m in ("GET", "PUT", "PATCH", "DELETE")]
    + [("GET", f"{V1}/user_progress_report/abc/")],
)
def test_a_detail_id_that_is_no_number_is_a_json_404(start: Start, method: str, path: str) -> None:
    _, client = start()
    answer = client.request(
        method, path, json={"city": "x"} if method in ("PUT", "PATCH") else None
    )
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}


def test_a_lookup_the_router_refuses_is_an_html_404(start: Start) -> None:
    """The fork's lookup regex refuses %&',;=?$\" in usernames and e-mails."""
    _, client = start()
    answer = client.get(f"{V1}/users_by_email/sean.o'brien@example.com/")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


# -- 5. look-ups ignore case -----------------------------------------------------------------


def test_lookups_and_already_used_ignore_case(start: Start) -> None:
    _, client = start()
    assert client.post(f"{V1}/users/", json=NEW).status_code == 201
    shouted = {**NEW, "username": "NEW.HIRE", "email": "other@example.com"}
    assert client.post(f"{V1}/users/", json=shouted).status_code == 409
    assert client.get(f"{V1}/users_by_username/New.Hire/").json()["username"] == "new.hire"
    assert client.get(f"{V1}/users_by_email/NEW.HIRE@EXAMPLE.COM/").status_code == 200
    listed = client.get(f"{V1}/users/", params={"username": "NEW.hire"}).json()
    assert [u["username"] for u in listed["results"]] == ["new.hire"]


# -- 6. 2021 grants super admin ----------------------------------------------------------


def test_2021_grants_super_admin_through_create_and_update(start: Start) -> None:
    server, client = start("2021")
    created = client.post(f"{V1}/users/", json={**NEW, "platform_role": "Super Platform Admin"})
    assert created.json()["platform_role"] == "Super Platform Admin"
    user = server.sandbox.store.find("acme", username="new.hire")
    assert user is not None
    assert user.is_superuser
    other = next(u for u in server.sandbox.store.org_users("acme") if not u.is_superuser)
    promoted = client.patch(
        f"{V1}/users/{other.user_id}/", json={"platform_role": "Super Platform Admin"}
    )
    assert promoted.json()["platform_role"] == "Super Platform Admin"
    assert other.is_superuser
    # Current builds ignore the role: the user stays a learner.
    _, current = start()
    ignored = current.post(f"{V1}/users/", json={**NEW, "platform_role": "Super Platform Admin"})
    assert ignored.json()["platform_role"] == "Learner"


# -- 7. both generations ignore the report's list filters -------------------------------------


@pytest.mark.parametrize("generation", sorted(GENERATIONS))
@pytest.mark.parametrize("name", ["user_id", "username", "email", "supervisor"])
def test_report_list_filters_are_ignored(start: Start, generation: str, name: str) -> None:
    server, client = start(generation)
    everyone = len(server.sandbox.store.org_users("acme"))
    answer = client.get(f"{V1}/user_progress_report/", params={name: "10", "page_size": 100})
    assert answer.json()["count"] == everyone


# -- the rest of the 2021 generation -----------------------------------------------------------


def test_2021_has_no_email_routes_and_caps_pages_at_100(start: Start) -> None:
    server, client = start("2021", users=150)
    user = next(u for u in server.sandbox.store.org_users("acme") if not u.is_superuser)
    for path in (
        f"{V1}/users_by_email/",
        f"{V1}/users_by_email/{user.email}/",
        f"{V1}/user_progress_report_by_email/",
        f"{V1}/user_progress_report_by_email/{user.email}/",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html")
    page = client.get(f"{V1}/user_progress_report/", params={"page_size": 1000}).json()
    assert len(page["results"]) == 100  # 152 users: the 2021 cap, not 1000
    assert page["num_pages"] == 2
    assert all("email" not in r for r in page["results"])


def test_2021_error_bodies_roles_and_catalog_flags(start: Start) -> None:
    server, client = start("2021")
    assert client.get(f"{V1}/users_by_username/api-acme/").json()["platform_role"] == (
        "Super Platform Admin"
    )
    assert client.post(f"{V1}/users/", json={**NEW, "username": "api-acme"}).json() == {
        "status": "username_already_used"
    }
    client.post(f"{V1}/users/", json=NEW)
    read = client.get(f"{V1}/users_by_username/new.hire/").json()
    # A new user may use every catalog: the 2021 flags, "denied" when true, read false.
    assert read["internal_catalog_access"] is False
    assert CURRENT_ONLY_FLAGS.isdisjoint(read)
    client.patch(f"{V1}/users/{read['user_id']}/", json={"internal_catalog_access": True})
    user = server.sandbox.store.find("acme", username="new.hire")
    assert user is not None
    assert user.profile["internal_catalog_access"] is False  # denied, as the store keeps it
    course = client.get(f"{V1}/courses/").json()["results"][0]
    assert {"short_description", "effort"} <= set(course)
    assert course["course_category"] == course["course_category"].lower()


def test_an_unknown_generation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown generation '2019'"):
        make_sandbox(users=10, generation="2019")
