"""Review of issue 15's client core and hook, used as a user would: each test fails today.

Every test calls :class:`TribooClient` (or :class:`TribooHook`, TaskFlow style) against the
in-process sandbox with odd input, and states the value a fixed version gives and why.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from airflow.sdk.exceptions import AirflowFailException
from triboo_provider.client import TribooClient, TribooSettings
from triboo_provider.client.errors import TribooConfigError, TribooInputError
from triboo_provider.hooks.triboo import TribooHook
from triboo_sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer, make_sandbox

NO_LIMITS = {"users_per_minute": 0, "reports_per_minute": 0, "bulk_enroll_per_minute": 0}
PERSON_VALUE = "Jane-Doe-Private-1984"  # a person's field value, never to reach a log


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(make_sandbox(users=30, today=dt.date(2026, 11, 1))) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[TribooClient]:
    httpx.delete(f"{server.url}/__sandbox__/faults").raise_for_status()
    extras: dict[str, Any] = {**NO_LIMITS, "retry_max_wait": 0.1}
    settings = TribooSettings.from_connection(
        server.url, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, extras
    )
    with TribooClient(settings) as made:
        made.sleep = lambda seconds: None
        made.find_users(user_ids=[1])  # the token is fetched: later counts are the call's own
        yield made


@pytest.fixture
def course_id(client: TribooClient) -> str:
    return str(next(iter(client.iter_courses()))["id"])


def refused_before_sending(client: TribooClient, call: Callable[[], object]) -> TribooInputError:
    """The call raises TribooInputError and sent nothing."""
    before = client.requests_sent
    with pytest.raises(TribooInputError) as raised:
        call()
    assert client.requests_sent == before, "a request was sent for input that cannot be sent"
    return raised.value


# -- course_progress --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start", ["{{ ds }}", "2024-02-30", "01/02/2024", "20240101", "2024-01-01T00:00:00", 20240101]
)
def test_course_progress_with_a_text_that_is_no_date_is_an_input_error(
    client: TribooClient, course_id: str, start: Any
) -> None:
    # Why: in @task code `ds` is a str; today it is a bare AttributeError ('str' object has
    # no attribute 'isoformat'), not a TribooError, and Airflow retries it.
    problem = refused_before_sending(client, lambda: client.course_progress(course_id, start=start))
    assert str(start) not in str(problem)


def test_course_progress_reads_iso_date_text_as_a_date(
    client: TribooClient, course_id: str
) -> None:
    # Decided (fix): the reviewer expected "2024-01-01" to be refused too; it is accepted as
    # the date it names (ds is text in @task code, and the operators read it so), and gives
    # the same report as the date.
    as_text = client.course_progress(course_id, start="2024-01-01", end="2026-11-02")
    as_dates = client.course_progress(course_id, dt.date(2024, 1, 1), dt.date(2026, 11, 2))
    assert as_text == as_dates


def test_course_progress_refuses_an_end_without_a_start(
    client: TribooClient, course_id: str
) -> None:
    # The server refuses `to` alone with a 400: known before sending.
    refused_before_sending(
        client, lambda: client.course_progress(course_id, end=dt.date(2026, 1, 1))
    )


@pytest.mark.parametrize("bad", ["", " ", ".", "..", "{{ params.course }}", None])
def test_course_progress_refuses_an_unsendable_course_id(client: TribooClient, bad: Any) -> None:
    # Why: today "." and ".." are sent and the dot segment is resolved (GET /api/extended/v1/),
    # None goes as the text "None", a blank as an empty segment: 404/400s after a request.
    refused_before_sending(client, lambda: client.course_progress(bad))


# -- update_user ------------------------------------------------------------------------------


@pytest.mark.parametrize("identifier", [True, 2.9, 0, -5])
def test_update_by_id_refuses_what_is_no_user_id(client: TribooClient, identifier: Any) -> None:
    # Why: int() truncates: today True PATCHes user 1 and 2.9 user 2 (another person), and
    # 0/-5 are sent although find_users refuses them as "not a positive integer".
    refused_before_sending(
        client, lambda: client.update_user(by="id", identifier=identifier, fields={"city": "Oslo"})
    )


@pytest.mark.parametrize("by", ["username", "email"])
@pytest.mark.parametrize("identifier", [None, "", " ", ".", "..", "{{ params.username }}"])
def test_update_by_name_refuses_an_unsendable_identifier(
    client: TribooClient, by: str, identifier: Any
) -> None:
    # Why: today None is sent as the user "None", ".." PATCHes /api/extended/v1/ (the dot
    # segment leaves the route), "." PATCHes the collection, an unrendered template is sent.
    refused_before_sending(
        client, lambda: client.update_user(by=by, identifier=identifier, fields={"city": "Oslo"})
    )


def test_a_bad_field_value_is_not_repeated_in_the_error_or_its_cause(client: TribooClient) -> None:
    # Why: the message (and the chained ValueError) quote the value, "Invalid isoformat
    # string: 'Jane-...'", and the task log prints both: a person's field in the log.
    problem = refused_before_sending(
        client,
        lambda: client.update_user(by="id", identifier=1, fields={"lt_hire_date": PERSON_VALUE}),
    )
    assert PERSON_VALUE not in "".join(traceback.format_exception(problem))


def test_create_with_a_bad_field_value_does_not_log_it(client: TribooClient) -> None:
    # Why: same leak on the create path, which operators feed from HR files.
    user = {"username": "leak.check", "email": "leak.check@example.com", "name": "L"}
    user |= {"first_name": "L", "last_name": "C", "lt_hire_date": PERSON_VALUE}
    problem = refused_before_sending(client, lambda: client.create_user(user))
    assert PERSON_VALUE not in "".join(traceback.format_exception(problem))


# -- bulk_enroll ------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["upstream", "extended"])
def test_bulk_enroll_with_no_course_is_an_input_error(client: TribooClient, endpoint: str) -> None:
    # Why: today it is a TribooServerError ("covers 0 of 1 pairs"), which Airflow retries,
    # after a POST (extended); an empty course list is the caller's problem.
    refused_before_sending(
        client, lambda: client.bulk_enroll(identifiers=["api-acme"], courses=[], endpoint=endpoint)
    )


@pytest.mark.parametrize("endpoint", ["upstream", "extended"])
def test_bulk_enroll_with_no_identifier_is_an_input_error(
    client: TribooClient, course_id: str, endpoint: str
) -> None:
    # Why: today a POST is sent and the server's 400 comes back as a TribooValidationError.
    refused_before_sending(
        client, lambda: client.bulk_enroll(identifiers=[], courses=[course_id], endpoint=endpoint)
    )


@pytest.mark.parametrize("action", ["Enroll", "delete", "{{ params.action }}"])
def test_bulk_enroll_refuses_an_unknown_action_before_sending(
    client: TribooClient, course_id: str, action: Any
) -> None:
    # Why: `endpoint` and `by` are checked before any call (issue 15, goal 4), `action` is
    # sent as given and only the server's 400 stops it.
    refused_before_sending(
        client,
        lambda: client.bulk_enroll(identifiers=["api-acme"], courses=[course_id], action=action),
    )


# -- find_users / paging ----------------------------------------------------------------------


def test_an_identifier_too_long_for_a_url_is_an_input_error(client: TribooClient) -> None:
    # Why: today httpx.InvalidURL ("URL component 'query' too long") escapes untyped, so
    # Airflow retries it; the docstring promises TribooInputError for what cannot be sent.
    refused_before_sending(client, lambda: client.find_users(usernames=["a" * 70_000]))


@pytest.mark.parametrize("page_size", [-1, 1001])
def test_iter_user_progress_refuses_a_page_size_outside_1_to_1000(
    client: TribooClient, page_size: Any
) -> None:
    # Why: the connection's page_size is checked (1 to 1000) but the argument is sent as
    # given: -1 reaches the server today (which then uses its own default).
    refused_before_sending(client, lambda: list(client.iter_user_progress(page_size=page_size)))


# -- lifecycle --------------------------------------------------------------------------------


def test_test_connection_does_not_switch_retries_off_for_later_calls(
    client: TribooClient, server: SandboxServer
) -> None:
    # Why: test_connection() replaces the client's settings with max_retries=0 for good, so
    # a @task that checks the connection first then fails on the first transient 500.
    ok, message = client.test_connection()
    assert ok, message
    assert client.settings.max_retries == 5
    httpx.post(f"{server.url}/__sandbox__/faults", json={"fail_next": 1}).raise_for_status()
    assert client.find_users(user_ids=[1])


# -- settings built the documented way, without Airflow's extra_dejson -------------------------


def test_extras_given_as_the_connections_json_text_are_read_as_airflow_reads_them() -> None:
    # Why: Connection.extra is JSON text; passing it raised a bare ValueError ("dictionary
    # update sequence element"), retried by Airflow. Decided (fix): the JSON text of an
    # object is read as Airflow's extra_dejson reads it; the reviewer expected a
    # TribooConfigError for it, which is kept for text that is not a JSON object.
    settings = TribooSettings.from_connection(
        "https://acme.example.com", "id", "secret", '{"timeout": 30}'
    )
    assert settings.timeout == 30


@pytest.mark.parametrize("text", ["timeout=30", "[1, 2]", '"x"', "null", "[" * 100_000])
def test_extras_text_that_is_no_json_object_is_a_config_error(text: str) -> None:
    with pytest.raises(TribooConfigError, match="extra must be a JSON object") as raised:
        TribooSettings.from_connection("https://acme.example.com", "id", "secret", text)
    assert text not in str(raised.value)


def test_no_extras_at_all_means_every_default() -> None:
    # Why: "an absent extra is its default", but extra=None raises TypeError today.
    settings = TribooSettings.from_connection("https://acme.example.com", "id", "secret", None)
    assert settings.page_size == 1000


# -- the hook, TaskFlow style -----------------------------------------------------------------


def test_hook_input_error_from_a_task_keeps_a_persons_value_out_of_the_log(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Why: a @task calling hook.update_user with an HR row logs the failure's traceback;
    # it must fail at once (AirflowFailException) and name the field, not its value.
    import json

    monkeypatch.setenv(
        "AIRFLOW_CONN_TRIBOO_DEFAULT",
        json.dumps(
            {
                "conn_type": "triboo",
                "host": server.url,
                "login": DEMO_CLIENT_ID,
                "password": DEMO_CLIENT_SECRET,
                "extra": NO_LIMITS,
            }
        ),
    )
    with TribooHook() as hook, pytest.raises(AirflowFailException) as raised:
        hook.update_user(by="id", identifier=5, fields={"lt_hire_date": PERSON_VALUE})
    text = "".join(traceback.format_exception(raised.value))
    assert "lt_hire_date" in text
    assert PERSON_VALUE not in text
