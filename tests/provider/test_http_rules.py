"""Origins compared as URLs are (every host check), and Retry-After in both of its forms
(every route that can answer 429, the token endpoint included)."""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from triboo_provider.client.http_rules import origin, retry_after_seconds, same_origin, shown_url
from triboo_provider.exceptions import TribooAPIError, TribooError, TribooRateLimitError
from triboo_provider.hooks.triboo import TribooHook, TribooSettings
from triboo_provider.operators.reports import TribooExportCoursesOperator
from triboo_sandbox.server import SandboxServer, make_sandbox
from werkzeug import Response

from tests.provider.test_paging import ROUTES, ChangingList, hook_reads, serve
from tests.provider.test_unreadable_answers import CALLS

V1 = "/api/extended/v1"
NOW = dt.datetime(2026, 11, 30, 12, 0, 0, tzinfo=dt.UTC)

HOSTS = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,2}", fullmatch=True)


def flip_case(text: str, flips: list[bool]) -> str:
    return "".join(c.upper() if f else c for c, f in zip(text, flips, strict=False))


@given(HOSTS, st.sampled_from(["http", "https"]), st.data())
def test_an_origin_spelled_differently_is_the_same(
    host: str, scheme: str, data: st.DataObject
) -> None:
    default = {"http": 80, "https": 443}[scheme]
    flips = data.draw(st.lists(st.booleans(), min_size=len(host) + 5, max_size=len(host) + 5))
    spelled = f"{flip_case(scheme, flips[:5])}://{flip_case(host, flips[5:])}"
    port = data.draw(st.sampled_from(["", f":{default}"]))
    dot = data.draw(st.sampled_from(["", "."]))
    assert same_origin(f"{scheme}://{host}/api/", f"{spelled}{dot}{port}/other?page=2")
    assert origin(f"{spelled}{port}") == (scheme, host, default)


@given(HOSTS, st.integers(1, 65535), st.integers(1, 65535))
def test_another_port_scheme_or_host_is_another_origin(host: str, one: int, two: int) -> None:
    assert same_origin(f"http://{host}:{one}", f"http://{host}:{two}") == (one == two)
    assert not same_origin(f"http://{host}:{one}", f"https://{host}:{one}")
    assert not same_origin(f"http://{host}:{one}", f"http://{host}x:{one}")
    assert not same_origin(f"http://{host}", f"http://{host}.evil.example")


def test_unparseable_urls_are_never_the_same_origin() -> None:
    assert not same_origin("http://[::1", "http://[::1]")


# -- every host check ---------------------------------------------------------------------


@pytest.fixture
def spelled(token_endpoint: HTTPServer, connect: Callable[..., None]) -> Callable[..., None]:
    """Point the connection at the test server as ``http://LocalHost:PORT``."""

    def point(**extra: Any) -> None:
        connect(f"http://LocalHost:{token_endpoint.port}", **extra)

    return point


@pytest.mark.parametrize("operation", list(ROUTES))
def test_next_links_in_another_spelling_are_followed(
    operation: str, token_endpoint: HTTPServer, spelled: Callable[..., None]
) -> None:
    spelled(page_size=2)
    serve(token_endpoint, ROUTES[operation], ChangingList([1, 2, 3, 4, 5], 2, {}))
    hook = TribooHook()
    try:
        assert sorted(hook_reads(hook)[operation]()) == [1, 2, 3, 4, 5]
    finally:
        hook.close()


@pytest.mark.parametrize(
    ("link", "same"),
    [
        ("http://LOCALHOST:{port}/x/?page=2", True),
        ("http://localhost.:{port}/x/?page=2", True),
        ("/x/?page=2", True),  # relative: the same origin by definition
        ("https://localhost:{port}/x/?page=2", False),
        ("http://localhost:{other}/x/?page=2", False),
        ("http://127.0.0.2:{port}/x/?page=2", False),
        ("http://localhost:{port}@evil.example/x/?page=2", False),
    ],
)
def test_next_links_are_compared_as_origins(
    link: str,
    same: bool,
    token_endpoint: HTTPServer,
    spelled: Callable[..., None],
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A link is never followed; one naming another origin is logged, once."""
    spelled()
    hook = TribooHook()
    url = link.format(port=token_endpoint.port, other=token_endpoint.port + 1)
    capfd.readouterr()
    hook._check_next(url)
    hook._check_next(url)
    logged = "".join(capfd.readouterr())
    assert logged.count("next-page links point to") == (0 if same else 1)


@pytest.mark.parametrize(
    ("location", "named"),
    [
        ("http://LOCALHOST:{port}/api/extended/v1/users/", "the same host"),
        ("/api/extended/v1/users/", "the same host"),
        ("https://elsewhere.example/steal", "elsewhere.example"),
    ],
)
def test_redirects_are_refused_and_named_as_origins(
    location: str, named: str, token_endpoint: HTTPServer, spelled: Callable[..., None]
) -> None:
    spelled()
    token_endpoint.expect_request(f"{V1}/users/").respond_with_response(
        Response(status=301, headers={"Location": location.format(port=token_endpoint.port)})
    )
    hook = TribooHook()
    try:
        with pytest.raises(TribooAPIError, match=f"redirect to {re.escape(named)} refused"):
            hook.find_users(usernames=["a"])
    finally:
        hook.close()


@pytest.mark.parametrize(
    ("oauth2_path", "allowed"),
    [
        ("/oauth2/access_token", True),
        ("/oauth2/access_token/", True),
        ("@evil.example/oauth2/access_token", False),
        ("evil.example/oauth2/access_token", False),
        ("//evil.example/oauth2/access_token", True),  # appended to the base: a path
    ],
)
def test_the_token_url_stays_on_the_connection_host(oauth2_path: str, allowed: bool) -> None:
    def make() -> TribooSettings:
        return TribooSettings.from_connection(
            "http://LocalHost:8080", "id", "secret", {"oauth2_path": oauth2_path}
        )

    if allowed:
        assert same_origin(make().token_url, "http://localhost:8080")
    else:
        with pytest.raises(TribooError, match="oauth2_path must be a path"):
            make()


def test_the_issue_example_course_export_through_another_spelling(
    connect: Callable[..., None], tmp_path: Path
) -> None:
    """Connection host http://LocalHost:PORT: every page of the catalogue is exported."""
    with SandboxServer(make_sandbox(users=30, today=dt.date(2026, 11, 1))) as server:
        port = httpx.URL(server.url).port
        connect(f"http://LocalHost:{port}", "demo-client", "demo-secret", page_size=10)
        task = TribooExportCoursesOperator(task_id="c", path=str(tmp_path / "c.csv"), format="csv")
        try:
            result = task.execute({})
        finally:
            task.post_execute({})
    assert result["rows"] == 36  # four pages of ten


# -- Retry-After ---------------------------------------------------------------------------


@given(st.integers(0, 7 * 86400))
def test_an_http_date_reads_as_the_seconds_until_it(seconds: int) -> None:
    moment = NOW + dt.timedelta(seconds=seconds)
    for text in (
        email.utils.format_datetime(moment, usegmt=True),  # IMF-fixdate, what RFC 9110 wants
        moment.strftime("%a, %d %b %Y %H:%M:%S +0000"),
    ):
        assert retry_after_seconds(text, NOW) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("12", 12.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("Mon, 30 Nov 2026 11:59:00 GMT", 0.0),  # in the past: now
        ("Mon, 30 Nov 2026 12:00:40 GMT", 40.0),
        ("Mon, 30 Nov 2026 12:00:40", 40.0),  # no zone: UTC
        ("-5", None),
        ("nan", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("Mon, 99 Nov 2026 12:00:40 GMT", None),
    ],
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, NOW) == seconds


def http_date(seconds: float) -> str:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    return email.utils.format_datetime(moment, usegmt=True)


@pytest.fixture
def throttled_once(
    token_endpoint: HTTPServer, connect: Callable[..., None]
) -> Iterator[Callable[[str], tuple[list[float], TribooHook]]]:
    """Answer the first API request with a 429 carrying the given Retry-After."""
    hooks: list[TribooHook] = []

    def arm(retry_after: str) -> tuple[list[float], TribooHook]:
        connect(token_endpoint.url_for("").rstrip("/"), max_retries=1, retry_max_wait=3)
        token_endpoint.expect_oneshot_request(re.compile("^/api/")).respond_with_json(
            {"detail": "Request was throttled."}, status=429, headers={"Retry-After": retry_after}
        )
        token_endpoint.expect_request(re.compile("^/api/")).respond_with_data(
            "<h1>gone</h1>", 404, content_type="text/html"
        )
        hook = TribooHook()
        waits: list[float] = []
        hook.sleep = waits.append
        hooks.append(hook)
        return waits, hook

    yield arm
    for hook in hooks:
        hook.close()


@pytest.mark.parametrize("call", list(CALLS))
def test_every_route_waits_as_long_as_an_http_date_says(
    call: str, throttled_once: Callable[[str], tuple[list[float], TribooHook]]
) -> None:
    """The issue's example: a 429 whose Retry-After is a date 40 s ahead waits about 40 s."""
    waits, hook = throttled_once(http_date(40))
    with pytest.raises(TribooAPIError):  # the retry then finds the route gone (404)
        CALLS[call](hook)
    assert len(waits) == 1
    assert 38.5 <= waits[0] <= 41.0


def test_an_unreadable_retry_after_backs_off_and_says_so(
    throttled_once: Callable[[str], tuple[list[float], TribooHook]],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    waits, hook = throttled_once("in a little while")
    with caplog.at_level(logging.WARNING), pytest.raises(TribooAPIError):
        hook.find_users(usernames=["a"])
    assert len(waits) == 1
    assert 0 <= waits[0] <= 3  # the jittered backoff, capped by retry_max_wait
    logged = caplog.text + "".join(capfd.readouterr())  # Airflow's structlog writes stdout
    assert "Retry-After 'in a little while' is neither seconds nor an HTTP-date" in logged


def test_the_token_endpoint_429_is_honoured_too(
    httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=1)
    httpserver.expect_oneshot_request("/oauth2/access_token").respond_with_json(
        {"detail": "throttled"}, status=429, headers={"Retry-After": http_date(30)}
    )
    httpserver.expect_request("/oauth2/access_token").respond_with_json(
        {"error": "invalid_client"}, status=401
    )
    hook = TribooHook()
    waits: list[float] = []
    hook.sleep = waits.append
    with pytest.raises(TribooError, match="getAccessToken failed with HTTP 401"):
        hook.find_users(usernames=["a"])
    assert len(waits) == 1
    assert 28.5 <= waits[0] <= 31.0


def test_a_token_endpoint_404_is_not_retried(
    httpserver: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(httpserver.url_for("").rstrip("/"), max_retries=3)
    httpserver.expect_request("/oauth2/access_token").respond_with_data(
        "<h1>Not found</h1>", 404, content_type="text/html"
    )
    with pytest.raises(TribooAPIError, match="getAccessToken failed with HTTP 404"):
        TribooHook().find_users(usernames=["a"])
    assert len(httpserver.log) == 1


def test_a_rate_limit_error_without_retry_after(
    token_endpoint: HTTPServer, connect: Callable[..., None]
) -> None:
    connect(token_endpoint.url_for("").rstrip("/"), max_retries=0)
    token_endpoint.expect_request(f"{V1}/users/").respond_with_json({"detail": "x"}, status=429)
    with pytest.raises(TribooRateLimitError) as raised:
        TribooHook().find_users(usernames=["a"])
    assert raised.value.retry_after is None
    assert raised.value.retry_after_header is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://h.example/oauth2/access_token", "https://h.example:443/oauth2/access_token"),
        ("http://client:pw@H.Example:8080/o/t?secret=1#f", "http://h.example:8080/o/t"),
        ("http://[::1]/base/o/token/", "http://[::1]:80/base/o/token/"),
        ("https://h.example/a%20b/%3Fq", "https://h.example:443/a%20b/%3Fq"),
    ],
)
def test_a_url_is_shown_without_credentials_query_or_fragment(url: str, shown: str) -> None:
    """What messages name of a URL tried: scheme, host, port (always) and path."""
    assert shown_url(url) == shown
