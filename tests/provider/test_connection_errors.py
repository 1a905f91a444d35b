"""Review of issue 14: what a misconfigured ``triboo`` connection answers.

1. Every configuration mistake is a TribooConfigError, whatever the input (fuzzed): never an
   OverflowError at the first request or an httpx.InvalidURL from the base URL, and
   ``test_connection()`` answers ``(False, message)`` instead of raising.
2. No message or log line repeats a value the user typed, but the host (the URL tried).
3. (In test_connection_settings.py: an empty or null token_path is unset.)
4. A failed token request names the token URL tried and says what to check.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import httpx
import pytest
from airflow.sdk import Connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from triboo_provider.client.settings import DEPRECATED_EXTRAS, TribooSettings
from triboo_provider.exceptions import TribooConfigError, TribooConnectionError
from triboo_provider.get_provider_info import get_provider_info
from triboo_provider.hooks.triboo import TribooHook
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.provider.conftest import TOKEN

SECRET = "s3cr3t-Client-Secret-Value-123"  # the reviewer's value
SECRET_NAME = "k9x2m4p7q1w8e5r3t6y0"  # a lowercase secret, shaped like a name but for digits
CHECK = "check the Base URL (with its path) and the extra oauth2_path"
FORM = get_provider_info()["connection-types"][0]["conn-fields"]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def connection(**fields: Any) -> Iterator[None]:
    """``triboo_default`` as an Airflow Connection with exactly these fields (any types)."""
    extra = fields.pop("extra", {})
    made = Connection(conn_id="triboo_default", conn_type="triboo", extra=json.dumps(extra),
                      **fields)  # fmt: skip
    with mock.patch.object(TribooHook, "get_connection", return_value=made):
        yield


def answer(**fields: Any) -> tuple[bool, str]:
    with connection(**fields):
        return TribooHook().test_connection()


def valid(**changes: Any) -> dict[str, Any]:
    """A connection with nothing wrong in it, to a port where nothing listens."""
    return {"host": "127.0.0.1", "schema": "http", "port": closed_port(),
            "login": "demo-client", "password": "demo-secret"} | changes  # fmt: skip


# -- 1. every configuration mistake is a TribooConfigError, and test_connection answers --


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # The reviewer's three: an OverflowError at the first request, one while reading the
        # settings, an httpx.InvalidURL from base_url().
        ({"extra": {"timeout": 1e10}}, "extra timeout must be between 1 and 3600"),
        ({"extra": {"timeout": 10**400}}, "extra timeout must be between 1 and 3600"),
        ({"host": "http://127.0.0.1:18765/%00", "schema": None, "port": None},
         "host: its path holds a control character"),
        ({"extra": {"retry_max_wait": 1e10}}, "extra retry_max_wait must be between 0 and 3600"),
        ({"extra": {"max_retries": "9" * 5000}}, "extra max_retries must be between 0 and 20"),
        ({"extra": {"oauth2_path": "/a/%0a"}}, "oauth2_path holds a control character"),
        ({"extra": {"users_per_minute": [1, {"a": None}]}}, "users_per_minute must be a whole"),
    ],
)  # fmt: skip
def test_test_connection_answers_a_configuration_problem(
    changes: dict[str, Any], message: str
) -> None:
    ok, said = answer(**valid(**changes))
    assert not ok
    assert said.startswith("connection triboo_default: the triboo connection is misconfigured: ")
    assert message in said


def test_the_largest_timeout_reaches_the_socket() -> None:
    """The form's maximum is a value the socket takes: a connection error, not a crash."""
    ok, said = answer(**valid(extra={"timeout": 3600}))
    assert not ok
    assert "could not reach" in said


numbers = st.one_of(
    st.integers(),
    st.floats(),  # inf, -inf, nan included
    st.sampled_from([10**400, -(10**400), 1e308, 2**63, 0.1, -0.0]),
)
odd_texts = st.sampled_from(
    ["1e400", "-1e400", "9" * 5000, "inf", "nan", " 30 ", "0x10", "1_000", "***", "{{ x }}",
     "/x", "/%00", "/a?b", "//evil.example/t", "@evil.example", "true", "", "  "]
)  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=12) | odd_texts,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
extra_names = st.sampled_from([*TribooSettings.extra_names(), *DEPRECATED_EXTRAS]) | st.text(
    max_size=12
)
extras = st.dictionaries(extra_names, json_values, max_size=6)
hosts = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.from_regex(r"(https?://)?[a-z0-9.:\[\]@%/?#-]{0,25}", fullmatch=True),
    st.from_regex(
        r"(https?://)?127\.0\.0\.1(:[0-9]{1,6})?"
        r"(/(%[0-9A-Fa-f]{2}|[a-z~!$&'()*+,;=:@ ]){0,5}){0,3}",
        fullmatch=True,
    ),
)
schemas = st.none() | st.text(max_size=8) | st.sampled_from(["http", "HTTPS", " https "])
ports = st.none() | st.integers() | st.text(max_size=6) | st.floats() | st.booleans()


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(host=hosts, schema=schemas, port=ports, extra=extras)
def test_any_connection_is_settings_that_build_clients_or_a_config_error(
    host: Any, schema: Any, port: Any, extra: dict[str, Any]
) -> None:
    """Fuzz: arbitrary hosts, schemas, ports and extras (text, numbers with inf, nan and huge
    ones, nested values). The only exception is a TribooConfigError; what is accepted is in
    the form's ranges and builds the hook's two clients and their requests."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # token_path's deprecation, tested elsewhere
            made = TribooSettings.from_connection(
                host, "client", "secret", extra, schema=schema, port=port
            )
    except TribooConfigError:
        return
    for name, field in FORM.items():
        low, high = field["schema"].get("minimum"), field["schema"].get("maximum")
        if low is not None:
            assert low <= getattr(made, name) <= high, name
    hook = TribooHook()
    hook.__dict__["settings"] = made
    try:
        for api in (hook.api, hook.jwt_api):
            http = api.get_httpx_client()
            http.build_request("POST", made.token_url)
            http.build_request("GET", "/api/extended/v1/users/", params={"username": "a,b"})
    finally:
        hook.close()


class _TokenThenHangUp(BaseHTTPRequestHandler):
    """Answers the token request, then hangs up on every API request."""

    def do_POST(self) -> None:
        body = json.dumps({"access_token": TOKEN, "expires_in": 3600}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.close_connection = True  # no answer at all

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def hangs_up() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TokenThenHangUp)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


NUMERIC = sorted(name for name, field in FORM.items() if "maximum" in field["schema"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=extras | st.dictionaries(st.sampled_from(NUMERIC), numbers | odd_texts, max_size=2))
def test_test_connection_never_raises_for_any_extras(hangs_up: int, extra: dict[str, Any]) -> None:
    """With the settings' own timeout on a real socket, after a token: a timeout of 1e10
    passed the old checks and overflowed in ``sock.settimeout`` at the first API request."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ok, said = answer(**valid(port=hangs_up, extra=extra))
    assert not ok
    assert said.startswith(
        ("connection triboo_default: the triboo connection is misconfigured: ",
         f"Triboo listCourses: could not reach http://127.0.0.1:{hangs_up} (RemoteProtocolError")
    ), said  # fmt: skip


def test_the_token_request_has_the_connections_timeout() -> None:
    """It had none: a token endpoint that accepted the connection and never answered held
    the task forever (and a huge timeout only overflowed at the first API request)."""
    with socket.socket() as silent:  # the kernel accepts connections; nothing answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        started = time.monotonic()
        ok, said = answer(**valid(port=port, extra={"timeout": 1}))
    assert time.monotonic() - started < 10
    assert not ok
    assert said.startswith(
        f"Triboo getAccessToken: could not reach http://127.0.0.1:{port}/oauth2/access_token "
        "(ReadTimeout"
    )


# -- 2. no value the user typed is repeated, in a message or a log line --

KNOWN = TribooSettings.extra_names()
# Where a secret may be pasted: a field, or an extra's name or value.
PLACEMENTS = ["schema", "port", "login", "password", "extra name", "token_path",
              "token_path and oauth2_path", *(f"extra {name}" for name in KNOWN)]  # fmt: skip


def place(conn: dict[str, Any], where: str, value: str) -> dict[str, Any]:
    extra = dict(conn.get("extra", {}))
    if where == "extra name":
        extra[value] = 1
    elif where == "token_path":
        extra["token_path"] = value
    elif where == "token_path and oauth2_path":
        extra |= {"token_path": "/a", "oauth2_path": value}
    elif where.startswith("extra "):
        extra[where.removeprefix("extra ")] = value
    else:
        return conn | {where: value}
    return conn | {"extra": extra}


def error_paths(server: HTTPServer) -> dict[str, Callable[[], dict[str, Any]]]:
    """Connections that fail each its own way (a secret is placed in them afterwards)."""

    def answering(status: int, body: str, kind: str) -> Callable[[], dict[str, Any]]:
        def make() -> dict[str, Any]:
            server.clear()
            server.expect_request("/oauth2/access_token").respond_with_data(
                body, status, content_type=kind
            )
            return valid(port=server.port)

        return make

    return {
        "unreachable": valid,
        "token 404 HTML": answering(404, "<h1>Not found</h1>", "text/html"),
        "token 401": answering(401, '{"error": "invalid_client"}', "application/json"),
        "token 200 HTML": answering(200, "<html>login</html>", "text/html"),
        "unknown extra": lambda: valid(extra={"reports_per_minut": 5}),
        "wrong type": lambda: valid(extra={"timeout": "soon"}),
        "out of range": lambda: valid(extra={"timeout": 1e10}),
        "no login": lambda: valid(login=None),
        "bad schema": lambda: valid(schema="ftp"),
        "bad host": lambda: valid(host="http://127.0.0.1:1/%00", schema=None, port=None),
        "template": lambda: valid(host="{{ var.value.host }}"),
    }


def said_and_logged(
    conn: dict[str, Any], caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> str:
    caplog.clear()
    capfd.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ok, said = answer(**conn)
    assert not ok
    out, err = capfd.readouterr()
    return "\n".join((said, caplog.text, out, err))


@pytest.mark.parametrize("placement", PLACEMENTS)
@pytest.mark.parametrize("secret", [SECRET, SECRET_NAME])
def test_a_secret_in_any_field_is_never_repeated(
    placement: str,
    secret: str,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Someone pastes the client secret in the wrong field: on every error path, neither the
    answer of test_connection nor any log line (DEBUG included) repeats it."""
    caplog.set_level(logging.DEBUG)
    for path, make in error_paths(httpserver).items():
        everything = said_and_logged(place(make(), placement, secret), caplog, capfd)
        assert secret not in everything, (placement, path)
        assert secret.lower() not in everything.lower(), (placement, path)


def test_the_host_is_repeated_so_the_check_above_can_fail(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """The control: the host is the one field shown (the URL tried), and the check sees it."""
    port = closed_port()
    conn = valid(host=f"http://127.0.0.1:{port}/{SECRET}", schema=None, port=None)
    assert SECRET in said_and_logged(conn, caplog, capfd)


@given(name=st.text(max_size=50))
def test_an_unknown_extra_name_is_shown_only_when_shaped_like_one(name: str) -> None:
    """The rule for extra names: repeated only when lowercase ASCII letters, digits (two at
    most) and underscores, starting with a letter, at most 40 characters."""
    if name in KNOWN or name in DEPRECATED_EXTRAS or not name:
        return
    with pytest.raises(TribooConfigError) as caught:
        TribooSettings.from_connection("h.example", "id", "pw", {name: 1})
    shaped = (
        len(name) <= 40
        and name.isascii()
        and name[0].islower()
        and all(c.islower() or c.isdigit() or c == "_" for c in name)
        and sum(c.isdigit() for c in name) <= 2
    )
    message = str(caught.value)
    if shaped:
        assert f"unknown extra {name!r}" in message
    else:
        assert "unknown extra with a name not repeated here" in message
        assert repr(name) not in message
        if len(name) >= 4:
            assert name not in message.replace("; known: " + ", ".join(KNOWN), "")


def test_a_secret_schema_is_not_repeated() -> None:
    """The reviewer's case: schema "s3cr3t-Client-Secret-Value-123"."""
    with pytest.raises(TribooConfigError, match="schema must be http or https") as caught:
        TribooSettings.from_connection("h.example", "id", "pw", {}, schema=SECRET)
    assert SECRET not in str(caught.value)


# -- 4. a failed token request names the token URL and what to check --


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with SandboxServer(make_sandbox(users=20, today=dt.date(2026, 11, 1))) as server:
        yield server.url


@pytest.mark.parametrize(
    ("suffix", "extra", "token_path"),
    [
        ("/triboo", {}, "/triboo/oauth2/access_token"),  # the reviewer's wrong base path
        ("", {"oauth2_path": "/nope"}, "/nope"),
        ("/triboo", {"oauth2_path": "/o/token/"}, "/triboo/o/token/"),
    ],
)
def test_a_token_endpoint_404_names_the_token_url(
    sandbox_url: str, suffix: str, extra: dict[str, Any], token_path: str
) -> None:
    port = httpx.URL(sandbox_url).port
    ok, said = answer(host=sandbox_url + suffix, login="demo-client",
                               password="demo-secret", extra=extra)  # fmt: skip
    assert not ok
    assert said.startswith("Triboo getAccessToken failed with HTTP 404: ")
    assert f"(token URL http://127.0.0.1:{port}{token_path}); {CHECK}" in said
    assert "demo-secret" not in said


@pytest.mark.parametrize(
    ("status", "body", "kind", "reason"),
    [
        (405, "", "text/plain", "HTTP 405: an empty answer"),
        (404, "<h1>Not found</h1>", "text/html", "HTTP 404: a text/html answer, not JSON"),
        (200, "<html>sign in</html>", "text/html; charset=utf-8", "HTTP 200: a text/html answer"),
        (200, '{"detail": "ok"}', "application/json", "HTTP 200: no usable access token"),
        (200, "[1, 2]", "application/json", "HTTP 200: JSON of an unexpected shape"),
    ],
)
def test_a_token_endpoint_that_is_none_names_its_url(
    httpserver: HTTPServer, status: int, body: str, kind: str, reason: str
) -> None:
    httpserver.expect_request("/base/oauth2/access_token").respond_with_data(
        body, status, content_type=kind
    )
    ok, said = answer(**valid(host=httpserver.url_for("/base"), schema=None, port=None))
    assert not ok
    assert reason in said
    assert said.endswith(
        f"(token URL http://127.0.0.1:{httpserver.port}/base/oauth2/access_token); {CHECK}"
    )


def test_refused_credentials_name_the_token_url_and_the_credentials(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/oauth2/access_token").respond_with_json(
        {"error": "invalid_client"}, status=401
    )
    ok, said = answer(**valid(port=httpserver.port))
    assert not ok
    assert said.startswith(
        "Triboo getAccessToken failed with HTTP 401: invalid_client "
        f"(token URL http://127.0.0.1:{httpserver.port}/oauth2/access_token) "
        "(check login = client id and password = client secret"
    )
    assert CHECK not in said  # the URL answered: the credentials are what to check


def test_an_unreachable_token_url_is_named() -> None:
    conn = valid(extra={"oauth2_path": "/o/token"})
    ok, said = answer(**conn)
    assert not ok
    assert said.startswith(
        f"Triboo getAccessToken: could not reach http://127.0.0.1:{conn['port']}/o/token "
        "(ConnectError: "
    )
    assert said.endswith(f"; {CHECK})")


def test_an_api_request_that_gets_no_answer_names_the_base_url_only(hangs_up: int) -> None:
    """The control of the token URL: an API request's path and query (a person's data) are
    never named, only the connection's URL."""
    with connection(**valid(port=hangs_up, extra={"max_retries": 0})):
        hook = TribooHook()
        with pytest.raises(TribooConnectionError) as caught:
            hook.find_users(usernames=["jane.doe"])
        hook.close()
    message = str(caught.value)
    assert message.startswith(
        f"Triboo listUsers: could not reach http://127.0.0.1:{hangs_up} (RemoteProtocolError"
    )
    for private in ("jane.doe", "users", "oauth2", CHECK):
        assert private not in message
