"""The sandbox behaves like the Triboo server: scoping, auth, throttling, paging, faults, quirks."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from triboo_sandbox import state
from triboo_sandbox.faults import Faults
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.sandbox_process import SupervisedSandbox
from tests.sandbox_support import TODAY, fetch_token

V1 = "/api/extended/v1"


@pytest.fixture
def sandbox_factory() -> Iterator[object]:
    started: list[SandboxServer] = []

    def start(**options: object) -> SandboxServer:
        server = SandboxServer(make_sandbox(users=200, today=TODAY, **options))  # type: ignore[arg-type]
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


def bearer(
    server: SandboxServer, client_id: str = "demo-client", secret: str = "demo-secret"
) -> httpx.Client:
    token = fetch_token(server.url, client_id=client_id, secret=secret)
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"})


# -- organisations ---------------------------------------------------------------------------


def test_other_organisation_is_invisible(server: SandboxServer, raw: httpx.Client) -> None:
    store = server.sandbox.store
    foreign = next(u for u in store.users.values() if u.org == "globex" and not u.is_superuser)
    assert raw.get(f"{V1}/users/{foreign.user_id}/").status_code == 404
    assert raw.get(f"{V1}/users_by_username/{foreign.username}/").status_code == 404
    assert raw.get(f"{V1}/user_progress_report/{foreign.user_id}/").status_code == 404
    listed = raw.get(f"{V1}/users/", params={"page_size": 1000}).json()
    assert all(u["user_id"] != foreign.user_id for u in listed["results"])
    assert listed["count"] == sum(1 for u in store.users.values() if u.org == "acme")
    courses = raw.get(f"{V1}/courses/", params={"page_size": 1000}).json()["results"]
    assert all(c["id"].startswith("course-v1:acme+") for c in courses)


def test_created_users_belong_to_the_caller(server: SandboxServer, raw: httpx.Client) -> None:
    body = {
        "username": "new.one",
        "email": "new.one@example.com",
        "first_name": "New",
        "last_name": "One",
        "name": "New One",
    }
    assert raw.post(f"{V1}/users/", json=body).status_code == 201
    with bearer(server, "globex-client", "globex-secret") as globex:
        assert globex.get(f"{V1}/users_by_username/new.one/").status_code == 404
        clash = globex.post(f"{V1}/users/", json=body)
    assert clash.status_code == 400
    assert clash.json()["username"] == ["A user with that username already exists."]


def test_api_user_without_superuser_is_forbidden(server: SandboxServer) -> None:
    with bearer(server, "staff-only-client", "staff-only-secret") as staff:
        answer = staff.get(f"{V1}/users/")
    assert answer.status_code == 403
    assert answer.json() == {"detail": "You do not have permission to perform this action."}


# -- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "status", "body"),
    [
        (
            {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "no"},
            401,
            {"error": "invalid_client"},
        ),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
            400,
            {"error": "invalid_client"},
        ),
        (
            {"client_id": "demo-client", "client_secret": "demo-secret"},
            400,
            {"error": "invalid_request", "error_description": "Missing grant type."},
        ),
        (
            {"grant_type": "password", "client_id": "demo-client"},
            400,
            {"error": "unsupported_grant_type"},
        ),
    ],
)
def test_token_errors(
    server: SandboxServer, form: dict[str, str], status: int, body: object
) -> None:
    answer = httpx.post(f"{server.url}/oauth2/access_token/", data=form)
    assert (answer.status_code, answer.json()) == (status, body)


def test_token_expiry(sandbox_factory: object) -> None:
    server = sandbox_factory(token_ttl=1)  # type: ignore[operator]
    with bearer(server) as client:
        assert client.get(f"{V1}/courses/").status_code == 200
        time.sleep(1.1)
        answer = client.get(f"{V1}/courses/")
    assert answer.status_code == 401
    assert answer.json()["error_code"] == "token_expired"
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_expire_tokens_early(server: SandboxServer, raw: httpx.Client) -> None:
    assert httpx.post(f"{server.url}/__sandbox__/expire-tokens").json()["expired"] >= 1
    assert raw.get(f"{V1}/courses/").json()["error_code"] == "token_expired"


def test_each_route_checks_its_own_scheme(server: SandboxServer) -> None:
    jwt = fetch_token(server.url, kind="jwt")
    assert jwt.count(".") == 2
    answer = httpx.get(f"{server.url}{V1}/users/", headers={"Authorization": f"JWT {jwt}"})
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}
    token = fetch_token(server.url)
    # The upstream bulk enroll takes a JWT or a Bearer token (JwtAuthentication,
    # OAuth2Authentication): past authentication, an empty body is a 400.
    upstream = httpx.post(
        f"{server.url}/api/bulk_enroll/v1/bulk_enroll",
        headers={"Authorization": f"Bearer {token}"},
        json={},
    )
    assert upstream.status_code == 400
    unknown = httpx.get(f"{server.url}{V1}/users/", headers={"Authorization": "Bearer nope"})
    assert unknown.json()["error_code"] == "token_nonexistent"


# -- throttling ------------------------------------------------------------------------------


def test_retry_after_is_drfs_wait(sandbox_factory: object) -> None:
    """DRF announces (window - age of the newest request) / (limit - requests + 1)."""
    server = sandbox_factory(rate_limits="0.05")  # type: ignore[operator]  # 3-second minutes
    with bearer(server) as client:
        for _ in range(10):
            assert client.get(f"{V1}/courses/").status_code == 200
        throttled = client.get(f"{V1}/courses/")
        assert throttled.status_code == 429
        wait = int(throttled.headers["Retry-After"])
        unit = "second" if wait == 1 else "seconds"
        assert throttled.json() == {
            "detail": f"Request was throttled. Expected available in {wait}.0 {unit}."
        }
        assert 1 <= wait <= 3
        time.sleep(wait)
        assert client.get(f"{V1}/courses/").status_code == 200


def test_one_history_is_shared_by_every_endpoint(sandbox_factory: object) -> None:
    server = sandbox_factory(rate_limits="real")  # type: ignore[operator]
    with bearer(server) as client:
        for _ in range(10):
            assert client.get(f"{V1}/users/").status_code == 200
        assert client.get(f"{V1}/courses/").status_code == 429  # reports allow 10 a minute
        assert client.get(f"{V1}/users/").status_code == 200  # users allow 20
        # Eleven in the history, over the course limit of ten: DRF announces no wait.
        over = client.get(f"{V1}/courses/")
        assert over.status_code == 429
        assert over.json() == {"detail": "Request was throttled."}
        assert "retry-after" not in over.headers


# -- pagination ------------------------------------------------------------------------------


def test_page_envelope_and_size_cap(sandbox_factory: object) -> None:
    server = sandbox_factory()  # type: ignore[operator]
    for n in range(1000):
        server.sandbox.store.add_user("acme", f"extra{n}", f"extra{n}@example.com", {})
    with bearer(server) as client:
        first = client.get(f"{V1}/users/", params={"page_size": 5000}).json()
        assert len(first["results"]) == 1000
        assert first["num_pages"] == 2
        assert first["start"] == 0
        assert first["previous"] is None
        second = client.get(first["next"]).json()
        assert second["current_page"] == 2
        assert second["start"] == 1000
        assert "page=" not in second["previous"]
        assert client.get(f"{V1}/users/", params={"page": 3, "page_size": 1000}).json() == {
            "detail": "Invalid page."
        }
        assert len(client.get(f"{V1}/users/", params={"page_size": "junk"}).json()["results"]) == 10


# -- traps -----------------------------------------------------------------------------------


def test_blank_fields_and_junk_flags(raw: httpx.Client) -> None:
    body = {
        "username": "b",
        "email": "b@example.com",
        "first_name": "B",
        "last_name": "C",
        "name": "B C",
    }
    assert raw.post(f"{V1}/users/", json={**body, "city": ""}).json() == {
        "city": ["This field may not be blank."]
    }
    crash = raw.post(f"{V1}/users/", json={**body, "edflex_catalog_access": "maybe"})
    assert crash.status_code == 500
    assert "api_error_message" in crash.json()


def test_extended_bulk_enroll_wants_json(raw: httpx.Client) -> None:
    """A form body passes the serializer, then crashes the view (it writes into the
    immutable QueryDict); a bad one is refused first, like a JSON body."""
    key = "course-v1:acme+SEC101+2024_T1"
    form = {"action": "enroll", "courses": key, "usernames": "y"}
    crashed = raw.post(f"{V1}/bulk_enroll", data=form)
    assert crashed.status_code == 500
    assert crashed.json() == {"api_error_message": "This QueryDict instance is immutable"}
    refused = raw.post(f"{V1}/bulk_enroll", data={**form, "action": "enrol"})
    assert refused.status_code == 400


def test_upstream_bulk_enroll_takes_only_the_first_of_an_array(server: SandboxServer) -> None:
    jwt = fetch_token(server.url, kind="jwt")
    keys = [k for k, c in server.sandbox.store.courses.items() if c.org == "acme"][:2]
    answer = httpx.post(
        f"{server.url}/api/bulk_enroll/v1/bulk_enroll",
        headers={"Authorization": f"JWT {jwt}"},
        json={
            "action": "enroll",
            "courses": keys,
            "identifiers": "someone@example.com",
            "auto_enroll": True,
        },
    )
    assert list(answer.json()["courses"]) == keys[:1]


# -- faults ----------------------------------------------------------------------------------


def set_faults(server: SandboxServer, **settings: object) -> None:
    httpx.post(f"{server.url}/__sandbox__/faults", json=settings).raise_for_status()


def test_fault_switches(server: SandboxServer, raw: httpx.Client) -> None:
    set_faults(server, fail_next=1, fail_status=500)
    assert raw.get(f"{V1}/courses/").json() == {"api_error_message": "Injected server error"}
    set_faults(server, fail_next=1, fail_status=503)
    answer = raw.get(f"{V1}/courses/")
    assert (answer.status_code, answer.headers["content-type"][:9]) == (503, "text/html")
    set_faults(server, html_next=1)
    assert raw.get(f"{V1}/courses/").status_code == 502
    set_faults(server, throttle_next=2)
    assert [raw.get(f"{V1}/courses/").headers.get("Retry-After") for _ in range(3)] == [
        "1",
        "1",
        None,
    ]
    set_faults(server, truncate_next=1)
    truncated = raw.get(f"{V1}/courses/")
    assert truncated.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated"):
        truncated.json()
    set_faults(server, drop_next=1)
    with pytest.raises(httpx.RemoteProtocolError):
        raw.get(f"{V1}/courses/")
    set_faults(server, delay=0.3, delay_next=1)
    started = time.monotonic()
    assert raw.get(f"{V1}/courses/").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert raw.get(f"{V1}/courses/").status_code == 200


def test_fail_rate_is_seeded(server: SandboxServer, raw: httpx.Client) -> None:
    outcomes = []
    for _ in range(2):
        set_faults(server, fail_rate=0.5, seed=7)
        outcomes.append([raw.get(f"{V1}/users/").status_code for _ in range(20)])
    assert outcomes[0] == outcomes[1]
    assert 3 <= outcomes[0].count(503) <= 17
    httpx.delete(f"{server.url}/__sandbox__/faults").raise_for_status()
    assert raw.get(f"{V1}/users/").status_code == 200


def test_unknown_fault_setting_is_refused(server: SandboxServer) -> None:
    answer = httpx.post(f"{server.url}/__sandbox__/faults", json={"explode": 1})
    assert answer.status_code == 400
    assert "unknown fault setting" in answer.json()["detail"]


# -- quirks ----------------------------------------------------------------------------------


def test_quirks(sandbox_factory: object) -> None:
    server = sandbox_factory(quirks="all")  # type: ignore[operator]
    with bearer(server) as client:
        body = {
            "username": "api-acme",
            "email": "x@example.com",
            "first_name": "A",
            "last_name": "B",
            "name": "A B",
        }
        assert client.post(f"{V1}/users/", json=body).json() == {"status": "username_already_used"}
        role = client.get(f"{V1}/users_by_username/api-acme/").json()["platform_role"]
        assert role == "Super Platform Admin"
        # A quirk is one trap: the rest of the current generation stays (e-mail routes).
        assert client.get(f"{V1}/users_by_email/api-acme@example.com/").status_code == 200


# -- command line ----------------------------------------------------------------------------


def test_cli_serves_and_stops() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "triboo_sandbox.cli", "serve", "--port", "0", "--users", "100"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Triboo sandbox ready at http://127.0.0.1:")
        url = line.split()[4]
        assert httpx.get(f"{url}/__sandbox__/health").json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert process.returncode in (0, -signal.SIGTERM)


def test_cli_refuses_non_loopback_hosts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "triboo_sandbox.cli", "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "loopback" in result.stderr


def test_malformed_json_is_a_400_with_detail(raw: httpx.Client) -> None:
    answer = raw.post(
        f"{V1}/users/", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("JSON parse error")


def test_wrong_method_is_a_405_with_allow(raw: httpx.Client) -> None:
    answer = raw.request("TRACE", f"{V1}/users/")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "DELETE, GET, HEAD, POST"
    assert answer.json() == {"detail": 'Method "TRACE" not allowed.'}


def test_tokens_expire_at_a_chosen_request(server: SandboxServer, raw: httpx.Client) -> None:
    set_faults(server, expire_after=2)
    assert raw.get(f"{V1}/courses/").status_code == 200
    answer = raw.get(f"{V1}/courses/")
    assert (answer.status_code, answer.json()["error_code"]) == (401, "token_expired")
    with bearer(server) as renewed:
        assert renewed.get(f"{V1}/courses/").status_code == 200


# -- killed and restarted ------------------------------------------------------------------


def test_kill_after_is_refused_in_a_shared_process(server: SandboxServer) -> None:
    answer = httpx.post(f"{server.url}/__sandbox__/faults", json={"kill_after": 1})
    assert answer.status_code == 400
    assert "own process" in answer.json()["detail"]
    assert server.sandbox.faults.kill_after == 0


def test_a_killed_sandbox_restarts_where_it_was(tmp_path: Path) -> None:
    """The kill comes after the change is saved and before the answer: the client hears
    nothing, the restarted sandbox has the change, and the old token still works."""
    sandbox = make_sandbox(users=50, today=TODAY)
    state.save(sandbox, tmp_path / "state")
    with SupervisedSandbox(tmp_path / "state") as supervised:
        headers = {"Authorization": f"Bearer {fetch_token(supervised.url)}"}
        with httpx.Client(base_url=supervised.url, headers=headers) as client:
            client.post("/__sandbox__/faults", json={"kill_after": 2}).raise_for_status()
            assert client.get(f"{V1}/courses/").status_code == 200  # 1 of 2
            with pytest.raises(httpx.RemoteProtocolError):  # the server disconnected
                client.patch(f"{V1}/users_by_username/yusuf.muller.4/", json={"city": "Lyon"})
            time.sleep(0.05)  # the kernel closes the listening socket as the process dies
            with pytest.raises(httpx.ConnectError):  # nothing listens while it is down
                client.get(f"{V1}/courses/")
            supervised.wait_for_restart()
            answer = client.get(f"{V1}/users_by_username/yusuf.muller.4/")
            assert (answer.status_code, answer.json()["city"]) == (200, "Lyon")
            assert client.get("/__sandbox__/faults").json()["kill_after"] == 0
        assert supervised.deaths == [-signal.SIGKILL]
    assert state.load(tmp_path / "state", Faults()).store.users[4].profile["city"] == "Lyon"


def test_a_state_file_that_is_not_one_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "state"
    junk.write_bytes(b"not a pickle")
    result = subprocess.run(
        [sys.executable, "-m", "triboo_sandbox.cli", "serve", "--port", "0", "--state", str(junk)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "is not a sandbox state file" in result.stderr
