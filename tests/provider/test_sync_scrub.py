"""A server's refusal never repeats a value we sent (issue 17 review, finding 5): the
2021 server's 400 quotes a refused value, a person's data, into the task log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triboo_provider.client import TribooClient, TribooSettings
from triboo_provider.client.answers import SCRUBBED, scrub_text, scrubbed
from triboo_provider.client.errors import (
    TribooConflictError,
    TribooRateLimitError,
    TribooValidationError,
)
from triboo_sandbox.server import SandboxServer, make_sandbox

SUPERVISOR = "boss@acme.example.com"


@pytest.fixture(params=["current", "2021"])
def server(request: pytest.FixtureRequest) -> Iterator[Any]:
    made = make_sandbox(users=6, today=dt.date(2026, 11, 1), generation=request.param)
    with SandboxServer(made) as running:
        yield running


def a_learner(server: Any) -> Any:
    users = server.sandbox.store.users.values()
    return min(
        (u for u in users if u.org == "acme" and not u.is_superuser and u.is_active),
        key=lambda u: u.user_id,
    )


def refused_value(generation: str) -> tuple[str, str]:
    """A field and a text the server refuses and repeats in its 400 (DRF's boolean
    message): lt_ilt_supervisor on 2021 (a boolean there), a catalog flag on current."""
    return ("lt_ilt_supervisor" if generation == "2021" else "lt_gdpr", SUPERVISOR)


@pytest.mark.parametrize("call", ["create", "update"])
def test_a_refusal_does_not_repeat_the_value_sent(server: Any, call: str) -> None:
    client = TribooClient(
        TribooSettings.from_connection(server.url, "demo-client", "demo-secret", {})
    )
    field, value = refused_value(server.sandbox.generation)
    person = a_learner(server)
    made = {"username": "new.one", "email": "new.one@acme.example.com", "name": "N O"}
    send: Callable[[], object] = (
        (lambda: client.create_user({**made, "first_name": "N", "last_name": "O", field: value}))
        if call == "create"
        else (lambda: client.update_user(by="id", identifier=person.user_id, fields={field: value}))
    )
    with client, pytest.raises(TribooValidationError) as refused:
        send()
    error = refused.value
    assert list(error.field_errors) == [field]
    assert SCRUBBED in error.field_errors[field][0]  # the server did repeat it
    shown = f"{error} {error.detail} {error.field_errors} {error.args}"
    assert value not in shown
    assert error.__context__ is None
    assert error.__cause__ is None


VALUE = st.text(st.characters(blacklist_characters='"<>', codec="utf-8"), min_size=1).filter(
    str.strip
)


@given(st.lists(VALUE, min_size=1, max_size=4), st.text(), st.text(), st.data())
def test_scrubbing_removes_every_quoted_value(
    sent: list[str], before: str, after: str, data: st.DataObject
) -> None:
    value = data.draw(st.sampled_from(sent))
    message = f'{before}"{value}" is not valid{after}'
    cleaned = scrub_text(message, sent)
    assert re.search(re.escape(f'"{value}"'), cleaned, re.IGNORECASE) is None


@given(st.lists(VALUE, max_size=4), st.text())
def test_scrubbing_leaves_a_text_without_values_alone(sent: list[str], text: str) -> None:
    if not any(re.search(re.escape(v), text, re.IGNORECASE) for v in sent):
        assert scrub_text(text, sent) == text


def test_scrubbing_keeps_words_and_every_attribute() -> None:
    assert scrub_text('Enter a valid email; "m" is no gender', ["m"]) == (
        'Enter a valid email; "<value>" is no gender'
    )
    assert scrub_text("JANE@X.ORG, jane", ["jane@x.org", "jane"]) == "<value>, <value>"
    kept = scrubbed(
        TribooConflictError("createUser", 409, "jane taken", reason="email_taken"), ["jane"]
    )
    assert (type(kept), kept.reason, kept.detail) == (
        TribooConflictError,
        "email_taken",
        "<value> taken",
    )
    limited = scrubbed(TribooRateLimitError("x", 429, "", retry_after=3.0), ["a"])
    assert (type(limited), limited.retry_after) == (TribooRateLimitError, 3.0)


def test_a_retried_answer_that_repeats_a_value_is_scrubbed_in_every_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 503 that quotes the e-mail sent is retried: the warning before each retry, and
    the error raised at the end, show ``<value>`` (the hook logs them to the task log)."""
    from http import HTTPStatus

    from triboo_client.types import Response

    client = TribooClient(
        TribooSettings.from_connection(
            "http://127.0.0.1:1", "id", "secret", {"max_retries": 2, "rate_limit_store": "local"}
        )
    )
    client.sleep = lambda seconds: None
    answer: Response[object] = Response(
        status_code=HTTPStatus.SERVICE_UNAVAILABLE,
        content=b"",
        headers={},
        parsed={"detail": f"cannot store {SUPERVISOR} now"},
    )
    with (
        caplog.at_level("WARNING", logger="triboo_provider.client"),
        pytest.raises(Exception, match="503") as raised,
    ):
        client.call("updateUser", lambda: answer, sent=[SUPERVISOR])
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert all(SCRUBBED in w and SUPERVISOR not in w for w in warnings), warnings
    assert SUPERVISOR not in str(raised.value)
    assert raised.value.__context__ is None


def test_bulk_enroll_and_deactivation_scrub_the_identifiers_they_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every call that sends people's identifiers names them as ``sent``, so that a
    refusal repeating one (a 400 quoting an e-mail) shows ``<value>``, as create and
    update do."""
    client = TribooClient(
        TribooSettings.from_connection(
            "http://127.0.0.1:1", "id", "s", {"rate_limit_store": "local"}
        )
    )
    seen: list[tuple[str, list[str]]] = []

    def call(operation: str, send: Any, **kwargs: Any) -> Any:
        seen.append((operation, list(kwargs.get("sent", ()))))
        raise TribooRateLimitError(operation, 429, "")  # stop here: no request is made

    monkeypatch.setattr(client, "call", call)
    for endpoint in ("upstream", "extended"):
        with pytest.raises(TribooRateLimitError):
            client.bulk_enroll(
                identifiers=["jane@acme.example.com", "bob"], courses=["course-v1:A+B+C"],
                endpoint=endpoint,
            )  # fmt: skip
    with pytest.raises(TribooRateLimitError):
        client.deactivate_users(usernames=["jane", "bob"])
    assert [sent for _, sent in seen] == [["jane@acme.example.com", "bob"]] * 2 + [["jane", "bob"]]
