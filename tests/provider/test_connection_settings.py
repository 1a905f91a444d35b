"""Issue 14: a ``triboo`` connection read as Airflow defines host, schema and port, its extras
checked, every configuration mistake a TribooConfigError that fails the task at once."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from airflow.exceptions import AirflowProviderDeprecationWarning
from hypothesis import given, settings
from hypothesis import strategies as st
from triboo_provider.client.http_rules import origin
from triboo_provider.client.settings import TribooSettings, base_url, endpoint
from triboo_provider.exceptions import (
    TribooConfigError,
    TribooConnectionError,
    TribooError,
)
from triboo_provider.get_provider_info import get_provider_info
from triboo_provider.hooks.triboo import TribooHook
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.provider.conftest import CLIENT_SECRET

SECRET = "pa55-w0rd-never-shown"


def read(extra: dict[str, Any] | None = None, **fields: Any) -> TribooSettings:
    given_fields: dict[str, Any] = {"host": "https://acme.example", "login": "id"} | fields
    return TribooSettings.from_connection(
        given_fields["host"],
        given_fields["login"],
        given_fields.get("password", SECRET),
        extra or {},
        schema=given_fields.get("schema"),
        port=given_fields.get("port"),
    )


# -- host, schema and port --


@pytest.mark.parametrize(
    ("host", "schema", "port", "expected"),
    [
        # The connection: a bare host, its port in the port field.
        ("127.0.0.1", "http", 18765, "http://127.0.0.1:18765"),
        ("127.0.0.1", None, 18765, "https://127.0.0.1:18765"),  # no scheme: https
        ("http://127.0.0.1:18765", None, None, "http://127.0.0.1:18765"),
        ("http://127.0.0.1", None, 18765, "http://127.0.0.1:18765"),
        # What Airflow's form and URIs send for empty fields: 0, "" and None are no port.
        ("http://127.0.0.1:18765/", "", 0, "http://127.0.0.1:18765"),
        ("http://127.0.0.1:18765", None, "", "http://127.0.0.1:18765"),
        ("http://127.0.0.1:18765", None, "0", "http://127.0.0.1:18765"),
        ("127.0.0.1", "http", "18765", "http://127.0.0.1:18765"),  # a port as text
        ("127.0.0.1", "http", " 18765 ", "http://127.0.0.1:18765"),
        ("127.0.0.1:18765", "http", None, "http://127.0.0.1:18765"),
        ("127.0.0.1:18765", "http", 18765, "http://127.0.0.1:18765"),  # the same twice
        # Case, spaces and trailing slashes.
        ("HTTPS://Acme.Learning-Tribes.COM/", None, None, "https://acme.learning-tribes.com"),
        ("  acme.learning-tribes.com  ", " HTTPS ", None, "https://acme.learning-tribes.com"),
        ("http://h.example", "HTTP", None, "http://h.example"),
        ("acme.example///", None, None, "https://acme.example"),
        # Default ports, written or not.
        ("https://acme.example:443", None, 443, "https://acme.example"),
        ("https://acme.example", None, 443, "https://acme.example"),
        ("http://acme.example:80", "http", None, "http://acme.example"),
        # IPv6 literals, bare or bracketed.
        ("::1", "http", 8080, "http://[::1]:8080"),
        ("[::1]:8080", "http", None, "http://[::1]:8080"),
        ("http://[::1]:8080/", None, 0, "http://[::1]:8080"),
        ("http://[::1]", None, 8080, "http://[::1]:8080"),
        ("2001:db8::7", None, None, "https://[2001:db8::7]"),
        # A base path (a tenant behind a proxy), with a port put before it.
        ("https://example.com/triboo/", None, 8443, "https://example.com:8443/triboo"),
        ("example.com/triboo", None, None, "https://example.com/triboo"),
        ("localhost", "http", 8080, "http://localhost:8080"),
        ("bücher.example", None, None, "https://xn--bcher-kva.example"),  # IDNA
    ],
)
def test_host_schema_and_port_make_the_base_url(
    host: str, schema: str | None, port: Any, expected: str
) -> None:
    assert base_url(host, schema, port) == expected
    assert read(host=host, schema=schema, port=port).base_url == expected


@pytest.mark.parametrize(
    ("host", "schema", "port", "message"),
    [
        (None, None, None, "host \\(base URL\\) is missing"),
        ("  ", None, None, "host \\(base URL\\) is missing"),
        ("http://h.example", "https", None, "host says http:// but schema says https"),
        ("HTTPS://h.example", "http", None, "host says https:// but schema says http"),
        ("h.example:8080", None, 9090, "host says port 8080 but port says 9090"),
        ("https://h.example:443", None, 8443, "host says port 443 but port says 8443"),
        ("http://[::1]:8080", None, 9090, "host says port 8080 but port says 9090"),
        ("ftp://h.example", None, None, "scheme must be http or https"),
        ("h.example", "ftp", None, "schema must be http or https"),
        ("h.example", "triboo", None, "in a connection URI the path is the schema"),
        ("h.example", None, -1, "port must be between 1 and 65535"),
        ("h.example", None, 65536, "port must be between 1 and 65535"),
        ("h.example", None, "80a", "port must be a whole number"),
        ("h.example", None, "٨٠", "port must be a whole number"),  # Arabic-Indic digits
        ("h.example", None, True, "port must be a whole number"),
        ("h.example", None, 80.0, "port must be a whole number"),
        ("h.example:0", None, None, "the port in it must be between 1 and 65535"),
        ("h.example:99999", None, None, "host is not a valid URL|between 1 and 65535"),
        ("https://h.example?x=1", None, None, "must not carry a query"),
        ("https://h.example/#top", None, None, "must not carry a query"),
        ("https://", None, None, "no valid host name"),
        ("exa mple.com", None, None, "no valid host name"),
        ("http:/h.example", None, None, "starts with a scheme but is no URL"),
        ("https//h.example", None, None, "starts with a scheme but is no URL"),
        ("{{ var.value.triboo_host }}", None, None, "host holds an unrendered template"),
        ("fe80::1%eth0", None, None, "an IPv6 zone"),
        ("[::1", None, None, "host is not a valid URL"),
        ("h.example:80:90", None, None, "host is not a valid URL"),
        ("h.example;x", None, None, "no valid host name"),
        ("h:٨٠", None, None, "host is not a valid URL"),
        ("h.example", "{{ params.scheme }}", None, "schema holds an unrendered template"),
    ],
)
def test_bad_or_contradicting_host_schema_port_are_refused(
    host: str | None, schema: str | None, port: Any, message: str
) -> None:
    with pytest.raises(TribooConfigError, match=message):
        read(host=host, schema=schema, port=port)


@pytest.mark.parametrize(
    "host", [f"https://client:{SECRET}@acme.example", f"client:{SECRET}@acme.example"]
)
def test_credentials_in_the_host_are_refused_without_repeating_them(host: str) -> None:
    with pytest.raises(TribooConfigError, match="must not carry a user or password") as caught:
        read(host=host)
    assert SECRET not in str(caught.value)


# Hypothesis: every spelling of one endpoint gives one base URL, and conflicts are refused.

labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
host_names = st.builds(lambda parts, top: ".".join([*parts, top]), st.lists(labels, max_size=3),
                       st.sampled_from(["example", "com", "internal"]))  # fmt: skip
ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(str)
schemes = st.sampled_from(["http", "https"])
ports = st.integers(1, 65535)


def netloc(host: str, port: int | None = None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


@settings(max_examples=300)
@given(host=st.one_of(host_names, ipv4, ipv6), scheme=schemes, port=st.none() | ports)
def test_every_spelling_of_one_endpoint_is_one_base_url(
    host: str, scheme: str, port: int | None
) -> None:
    expected = base_url(host, scheme, port)
    parsed = httpx.URL(expected)
    default = 443 if scheme == "https" else 80
    assert origin(parsed) == (scheme, host.lower(), port or default)
    assert expected == base_url(f"{scheme}://{netloc(host, port)}", None, None)
    assert expected == base_url(f"{scheme.upper()}://{netloc(host)}/", scheme.upper(), port or 0)
    assert expected == base_url(netloc(host, port), scheme, str(port or ""))
    assert expected == base_url(f" {scheme}://{netloc(host, port)}/// ", "", port or None)
    if ":" in host:  # an IPv6 literal is also read without brackets
        assert expected == base_url(host, scheme, port)
    assert base_url(expected) == expected  # a base URL reads as itself
    assert endpoint(expected) == f"{scheme}://{netloc(host.lower(), port or default)}"


@given(host=st.one_of(host_names, ipv4, ipv6), written=ports, other=ports, scheme=schemes)
def test_a_port_set_twice_differently_is_refused(
    host: str, written: int, other: int, scheme: str
) -> None:
    if written == other:
        assert base_url(netloc(host, written), scheme, other) == base_url(host, scheme, written)
        return
    for spelling in (netloc(host, written), f"{scheme}://{netloc(host, written)}/"):
        with pytest.raises(TribooConfigError, match=f"port {written} but port says {other}"):
            base_url(spelling, scheme, other)


@given(host=host_names, first=schemes, second=schemes)
def test_a_scheme_set_twice_differently_is_refused(host: str, first: str, second: str) -> None:
    if first == second:
        assert base_url(f"{first}://{host}", second).startswith(f"{first}://")
        return
    with pytest.raises(TribooConfigError, match=f"host says {first}:// but schema says {second}"):
        base_url(f"{first}://{host}", second)


@given(port=st.integers() | st.text(max_size=6) | st.floats() | st.booleans())
def test_the_port_rule(port: Any) -> None:
    text = port.strip() if isinstance(port, str) else None
    exact = not isinstance(port, bool | float)  # 0.0 and False are refused, not "no port"
    no_port = (exact and port == 0) or (text is not None and text == "0" * len(text))
    digits = text is not None and text.isascii() and text.isdigit()
    number = int(text) if digits and text else port
    valid = (
        exact
        and (isinstance(port, int) or digits)
        and isinstance(number, int)
        and 1 <= number <= 65535
    )
    if no_port:
        assert base_url("h.example", "http", port) == "http://h.example"
    elif valid:
        assert httpx.URL(base_url("h.example", "http", port)).port == (
            None if number == 80 else number
        )
    else:
        with pytest.raises(TribooConfigError, match="port must be"):
            base_url("h.example", "http", port)


@settings(max_examples=500)
@given(
    host=st.none() | st.text(max_size=30) | st.from_regex(r"(https?://)?[a-z0-9.:\[\]@%/-]{0,25}"),
    schema=st.none() | st.text(max_size=8) | schemes,
    port=st.none() | st.integers() | st.text(max_size=6),
)
def test_any_host_schema_port_give_a_base_url_or_a_config_error(
    host: str | None, schema: str | None, port: Any
) -> None:
    """Hostile input never crashes with anything else, and what is accepted is a clean URL."""
    try:
        made = base_url(host, schema, port)
    except TribooConfigError:
        return
    parsed = httpx.URL(made)
    assert parsed.scheme in ("http", "https")
    assert parsed.host
    assert (parsed.userinfo, parsed.query, parsed.fragment) == (b"", b"", "")
    assert not made.endswith("/")
    assert base_url(made) == made


# -- extras --


def test_every_setting_has_its_default() -> None:
    settings_ = read()
    assert settings_.oauth2_path == "/oauth2/access_token"
    assert settings_.token_url == "https://acme.example/oauth2/access_token"
    assert (settings_.timeout, settings_.verify_ssl, settings_.page_size) == (60.0, True, 1000)


def test_extras_given_as_text_are_read_as_their_types() -> None:
    """A connection URI's query gives every extra as text."""
    made = read(
        {"timeout": " 30 ", "verify_ssl": "False", "page_size": "500", "rate_window_seconds": "3"}
    )
    assert (made.timeout, made.verify_ssl, made.page_size) == (30.0, False, 500)
    assert made.rate_window_seconds == 3.0


def test_empty_or_null_extras_mean_the_default() -> None:
    made = read({"timeout": None, "oauth2_path": "", "page_size": "  "})
    assert (made.timeout, made.oauth2_path, made.page_size) == (60.0, "/oauth2/access_token", 1000)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"timeout": "abc"}, "extra timeout must be a number, not str"),
        ({"timeout": "nan"}, "extra timeout must be a number"),
        ({"timeout": float("inf")}, "extra timeout must be a finite number"),
        ({"timeout": 0}, "extra timeout must be between 1 and 3600"),
        # Review of issue 14: huge numbers overflowed a socket timeout or float().
        ({"timeout": 1e10}, "extra timeout must be between 1 and 3600"),
        ({"timeout": 10**400}, "extra timeout must be between 1 and 3600"),
        ({"timeout": "1e400"}, "extra timeout must be a finite number"),
        ({"timeout": 3600.5}, "extra timeout must be between 1 and 3600"),
        ({"retry_max_wait": 1e300}, "extra retry_max_wait must be between 0 and 3600"),
        ({"retry_after_max": 86400}, "extra retry_after_max must be between 0 and 3600"),
        ({"rate_window_seconds": 10**400}, "extra rate_window_seconds must be between 0.1 and"),
        ({"max_retries": "9" * 5000}, "extra max_retries must be between 0 and 20"),
        ({"max_retries": 21}, "extra max_retries must be between 0 and 20"),
        ({"max_retries": 1e300}, "extra max_retries must be between 0 and 20"),
        ({"users_per_minute": 10**400}, "extra users_per_minute must be between 0 and 10000"),
        ({"bulk_enroll_per_minute": 10001}, "between 0 and 10000"),
        ({"page_size": {"n": 1}}, "extra page_size must be a whole number, not dict"),
        ({"timeout": True}, "extra timeout must be a number, not bool"),
        ({"page_size": 1.5}, "extra page_size must be a whole number, not float"),
        ({"page_size": "1_000"}, "extra page_size must be a whole number"),
        ({"page_size": 0}, "extra page_size must be between 1 and 1000"),
        ({"page_size": 1001}, "extra page_size must be between 1 and 1000"),
        ({"users_per_minute": -1}, "extra users_per_minute must be between 0 and 10000"),
        ({"max_retries": [3]}, "extra max_retries must be a whole number, not list"),
        ({"verify_ssl": "yes"}, "extra verify_ssl must be true or false"),
        ({"verify_ssl": 1}, "extra verify_ssl must be true or false"),
        ({"oauth2_path": 5}, "extra oauth2_path must be text"),
        ({"oauth2_path": "oauth2/token"}, "oauth2_path must be a path on the connection's host"),
        ({"oauth2_path": "@evil.example/t"}, "oauth2_path must be a path"),
        ({"oauth2_path": "***"}, "oauth2_path must be a path"),
        ({"oauth2_path": "/o/token?x=1"}, "oauth2_path must be a path"),  # no query
        ({"oauth2_path": "/o/token#f"}, "oauth2_path must be a path"),
        ({"oauth2_path": "/o/\x00"}, "oauth2_path holds a control character"),
        ({"reports_per_minute": "***"}, "it holds \\*\\*\\*, the mask Airflow shows"),
        ({"timeout": "{{ var.value.timeout }}"}, "extra timeout holds an unrendered template"),
        ({"reports_per_minut": 5},
         "unknown extra 'reports_per_minut' \\(did you mean reports_per_minute\\?\\)"),
        ({"extra__triboo__timeout": 5},
         "unknown extra 'extra__triboo__timeout' \\(did you mean timeout\\?\\)"),
        ({"api_key": "k"}, "unknown extra 'api_key'; known: oauth2_path, timeout"),
    ],
)  # fmt: skip
def test_bad_extras_are_refused_naming_the_field(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(TribooConfigError, match=message):
        read(extra)


@given(name=st.sampled_from(TribooSettings.extra_names()), cut=st.integers(0, 100))
def test_a_misspelt_extra_suggests_the_known_name(name: str, cut: int) -> None:
    typo = name[: cut % len(name)] + name[cut % len(name) + 1 :]  # one character dropped
    if typo in TribooSettings.extra_names():
        return
    with pytest.raises(
        TribooConfigError, match=f"unknown extra '{typo}' \\(did you mean {name}\\?"
    ):
        read({typo: 1})


FORM_FIELDS = get_provider_info()["connection-types"][0]["conn-fields"]
# Every numeric extra, drawn within the form's range (minimum and maximum).
numbers = {
    name: (st.integers if field["schema"]["type"] == "integer" else st.floats)(
        field["schema"]["minimum"], field["schema"]["maximum"]
    )
    for name, field in FORM_FIELDS.items()
    if field["schema"]["type"] in ("integer", "number")
}


def test_every_numeric_extra_has_a_range_in_the_form_and_in_readme() -> None:
    """A maximum for every number: no value reaches a socket timeout or a sleep that
    overflows (timeout 1e10 did), and README's extras table says it."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert sorted(numbers) == sorted(
        name
        for name in TribooSettings.extra_names()
        if name not in ("oauth2_path", "verify_ssl", "rate_limit_store")  # not numbers
    )
    for name in numbers:
        schema = FORM_FIELDS[name]["schema"]
        assert schema["minimum"] <= schema["default"] <= schema["maximum"], name
        rows = [
            line
            for line in readme.splitlines()
            if line.startswith("| `") and f"`{name}`" in line.split("|")[1]
        ]
        assert len(rows) == 1, name
        assert f"to {schema['maximum']}" in rows[0], (name, rows[0])


@given(data=st.data(), name=st.sampled_from(sorted(numbers)))
def test_numbers_just_past_the_range_are_refused(data: st.DataObject, name: str) -> None:
    schema = FORM_FIELDS[name]["schema"]
    step = 1 if schema["type"] == "integer" else data.draw(st.floats(1e-6, 1e300))
    value = data.draw(st.sampled_from([schema["minimum"] - step, schema["maximum"] + step]))
    with pytest.raises(TribooConfigError, match=f"extra {name} must be between"):
        read({name: value})


@given(data=st.data(), name=st.sampled_from(sorted(numbers)), as_text=st.booleans())
def test_numbers_in_range_are_read_as_given_or_as_text(
    data: st.DataObject, name: str, as_text: bool
) -> None:
    value = data.draw(numbers[name])
    made = read({name: repr(value) if as_text else value})
    assert getattr(made, name) == value


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(TribooConfigError) as caught:
        TribooSettings.from_connection("h.example", None, "", {"page_sise": 1, "timeout": "x"})
    message = str(caught.value)
    for problem in ("login (client id) is missing", "password (client secret) is missing",
                    "unknown extra 'page_sise'", "extra timeout must be a number"):  # fmt: skip
        assert problem in message


def test_config_errors_fail_the_task_and_are_triboo_errors() -> None:
    from airflow.sdk.exceptions import AirflowFailException

    assert issubclass(TribooConfigError, AirflowFailException)
    assert issubclass(TribooConfigError, TribooError)


# -- the deprecated extra token_path --


def test_token_path_is_read_as_oauth2_path_with_a_deprecation_warning() -> None:
    with pytest.warns(AirflowProviderDeprecationWarning, match="token_path is deprecated"):
        made = read({"token_path": "/custom/token"})
    assert made.oauth2_path == "/custom/token"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"token_path": "***"}, "/oauth2/access_token"),
        ({"token_path": " *** "}, "/oauth2/access_token"),
        ({"token_path": "***", "oauth2_path": "/o/token"}, "/o/token"),
        ({"token_path": "/o/token", "oauth2_path": "/o/token"}, "/o/token"),
    ],
)
def test_a_masked_token_path_is_never_used_as_a_path(extra: dict[str, Any], expected: str) -> None:
    masked = "***" in str(extra["token_path"])
    match = "Airflow's mask \\*\\*\\*, not a path, and is ignored" if masked else "deprecated"
    with pytest.warns(AirflowProviderDeprecationWarning, match=match):
        assert read(extra).oauth2_path == expected


@pytest.mark.parametrize("unset", [None, "", "  "])
@pytest.mark.parametrize("path", ["/x", " /x ", None, ""])
def test_an_empty_or_null_token_path_is_unset(unset: str | None, path: str | None) -> None:
    """Review of issue 14: ``{"token_path": null, "oauth2_path": "/x"}`` was refused as "both
    set, differently"; an absent, null or empty extra is its default (README)."""
    extra: dict[str, Any] = {"token_path": unset}
    if path is not None:
        extra["oauth2_path"] = path
    with pytest.warns(AirflowProviderDeprecationWarning, match="it is empty and ignored"):
        made = read(extra)
    assert made.oauth2_path == ("/x" if path and path.strip() else "/oauth2/access_token")


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_token_path_is_used_when_oauth2_path_is_unset(unset: str | None) -> None:
    with pytest.warns(AirflowProviderDeprecationWarning, match="token_path is deprecated"):
        assert read({"token_path": "/old", "oauth2_path": unset}).oauth2_path == "/old"


@given(
    old=st.none() | st.just("") | st.text(" ", max_size=3) | st.just("***") | st.just("/a"),
    new=st.none() | st.just("") | st.text(" ", max_size=3) | st.just("/a") | st.just("/b"),
)
def test_token_path_and_oauth2_path_property(old: str | None, new: str | None) -> None:
    """Unset values are unset whatever their spelling; only two different paths conflict."""
    given_old, given_new = bool(old and old.strip()), bool(new and new.strip())
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        if given_old and given_new and old not in ("***", new):
            with pytest.raises(TribooConfigError, match="both set, differently"):
                read({"token_path": old, "oauth2_path": new})
            return
        made = read({"token_path": old, "oauth2_path": new})
    expected = new if given_new else old if given_old and old != "***" else "/oauth2/access_token"
    assert made.oauth2_path == expected


@pytest.mark.parametrize("value", [["/a"], 5, {"p": "/a"}, True])
def test_a_token_path_of_another_type_is_named_as_written(value: Any) -> None:
    with (
        pytest.warns(AirflowProviderDeprecationWarning),
        pytest.raises(
            TribooConfigError, match="extra token_path \\(deprecated name of oauth2_path\\) must be"
        ),
    ):
        read({"token_path": value})


def test_token_path_and_oauth2_path_set_differently_are_refused() -> None:
    with (
        pytest.warns(AirflowProviderDeprecationWarning),
        pytest.raises(TribooConfigError, match="both set, differently: keep oauth2_path"),
    ):
        read({"token_path": "/a", "oauth2_path": "/b"})


def test_the_hook_logs_the_deprecation(
    connect: Callable[..., None], capfd: pytest.CaptureFixture[str]
) -> None:
    connect("https://acme.example", token_path="***")
    with pytest.warns(AirflowProviderDeprecationWarning):
        assert TribooHook().settings.oauth2_path == "/oauth2/access_token"
    logged = "".join(capfd.readouterr())
    assert "connection triboo_default: connection extra token_path is deprecated" in logged


# -- the hook: the connection's port reached, errors naming the URL, test_connection --


def uri_connection(monkeypatch: pytest.MonkeyPatch, uri: str) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TRIBOO_DEFAULT", uri)


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_the_uri_port_and_schema_reach_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's URI form: the port (and the scheme, the URI's path) are used."""
    with SandboxServer(make_sandbox(users=20, today=dt.date(2026, 11, 1))) as server:
        port = httpx.URL(server.url).port
        uri_connection(
            monkeypatch,
            f"triboo://demo-client:demo-secret@127.0.0.1:{port}/http?reports_per_minute=0",
        )
        hook = TribooHook()
        try:
            assert hook.settings.base_url == f"http://127.0.0.1:{port}"
            assert hook.settings.reports_per_minute == 0
            assert len(list(hook.iter_courses())) == 36
        finally:
            hook.close()


def test_a_connection_error_names_the_url_tried_never_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = closed_port()
    uri_connection(
        monkeypatch,
        f"triboo://client:{CLIENT_SECRET}@127.0.0.1:{port}/?max_retries=1&retry_max_wait=0",
    )
    hook = TribooHook()
    hook.sleep = lambda _: None
    with pytest.raises(TribooConnectionError) as caught:
        hook.find_users(usernames=["jane.doe"])
    message = str(caught.value)
    # The first request is the token request: its URL is named (review of issue 14).
    assert message.startswith(
        f"Triboo getAccessToken: could not reach https://127.0.0.1:{port}/oauth2/access_token "
        "(ConnectError"
    )
    for private in (CLIENT_SECRET, "jane.doe", "username", "users"):
        assert private not in message


def test_https_to_a_plain_http_server_hints_at_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    with SandboxServer(make_sandbox(users=20, today=dt.date(2026, 11, 1))) as server:
        port = httpx.URL(server.url).port
        uri_connection(monkeypatch, f"triboo://demo-client:demo-secret@127.0.0.1:{port}")
        ok, message = TribooHook().test_connection()
    assert not ok
    assert f"could not reach https://127.0.0.1:{port}" in message
    assert "set the connection's schema to http" in message


def test_test_connection_tries_once_and_names_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    port = closed_port()
    uri_connection(monkeypatch, f"triboo://client:{CLIENT_SECRET}@127.0.0.1:{port}/http")
    hook = TribooHook()
    waits: list[float] = []
    hook.sleep = waits.append
    ok, message = hook.test_connection()
    assert not ok
    assert message.startswith(
        f"Triboo getAccessToken: could not reach http://127.0.0.1:{port}/oauth2/access_token "
    )
    assert message.endswith("check the Base URL (with its path) and the extra oauth2_path)")
    assert waits == []  # no retry: the Test button answers at once
    assert CLIENT_SECRET not in message


def test_test_connection_names_a_configuration_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    uri_connection(monkeypatch, "triboo://client:secret@h.example:8080/ftp?reports_per_minut=5")
    ok, message = TribooHook().test_connection()
    assert not ok
    assert message.startswith("connection triboo_default: the triboo connection is misconfigured")
    assert "schema must be http or https" in message
    assert "did you mean reports_per_minute?" in message


def test_test_connection_says_what_to_check_on_refused_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with SandboxServer(make_sandbox(users=20, today=dt.date(2026, 11, 1))) as server:
        port = httpx.URL(server.url).port
        uri_connection(monkeypatch, f"triboo://demo-client:{CLIENT_SECRET}@127.0.0.1:{port}/http")
        ok, message = TribooHook().test_connection()
    assert not ok
    assert "getAccessToken failed with HTTP 401" in message
    assert "check login = client id and password = client secret" in message
    assert CLIENT_SECRET not in message


def test_the_ui_forms_empty_port_and_schema_are_no_port_and_no_scheme(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What Airflow's UI sends for empty fields: ``port: 0``, ``schema: ""``."""
    with SandboxServer(make_sandbox(users=20, today=dt.date(2026, 11, 1))) as server:
        connection = {"conn_type": "triboo", "host": server.url + "/", "port": 0, "schema": "",
                      "login": "demo-client", "password": "demo-secret"}  # fmt: skip
        monkeypatch.setenv("AIRFLOW_CONN_TRIBOO_DEFAULT", json.dumps(connection))
        ok, message = TribooHook().test_connection()
    assert ok, message
    assert message.startswith(f"Connected to {server.url}: 36 course(s)")


def test_no_deprecation_warning_for_a_current_connection(connect: Callable[..., None]) -> None:
    connect("https://acme.example")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert TribooHook().settings.base_url == "https://acme.example"
