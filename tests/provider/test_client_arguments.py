"""The client core's argument rules (``client/arguments.py``), as Hypothesis properties.

Each rule is driven through the public client methods against a tenant that does not
exist (``https://tenant.invalid``): an argument the rule refuses must raise
``TribooInputError`` before any request (``requests_sent`` stays 0, and no DNS look-up is
even tried), and never repeat the value given. What a rule accepts is checked against the
request the generated client builds from it: it stays on its route.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from triboo_client import models
from triboo_client.api.reports import get_course_progress_report
from triboo_client.api.users import list_users, partial_update_user_by_username
from triboo_provider import params
from triboo_provider.client import TribooClient, TribooSettings, arguments
from triboo_provider.client.errors import TribooInputError
from triboo_provider.identifiers import MAX_LENGTHS

BASE = "https://tenant.invalid"
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def client() -> TribooClient:
    return TribooClient(TribooSettings(BASE, "id", "secret", max_retries=0))


def refused(client: TribooClient, call: Callable[[], object]) -> str:
    """The call raises TribooInputError before any request; its message, and its whole
    traceback checked to hold no more than the message and code (no cause quoting a
    value: every value the tests check for is in no code line)."""
    with pytest.raises(TribooInputError) as raised:
        call()
    assert client.requests_sent == 0
    assert raised.value.__cause__ is None or isinstance(raised.value.__cause__, TribooInputError)
    assert raised.value.__context__ is None or raised.value.__suppress_context__
    return str(raised.value)


HTTP = httpx.Client(base_url=BASE)  # builds requests only: nothing is sent


def path_of(kwargs: dict[str, Any]) -> str:
    return HTTP.build_request(**kwargs).url.raw_path.decode("ascii").split("?")[0]


MARKED = st.text(min_size=1).map(lambda text: f"Qz7{text}")  # never part of a message

# -- user ids ---------------------------------------------------------------------------------


@PROPERTY
@given(number=st.integers(-(2**70), 2**70), spaces=st.sampled_from(["", " ", "\t"]))
def test_a_user_id_is_a_positive_64_bit_integer_or_its_text(
    number: int, spaces: str, client: TribooClient
) -> None:
    given_as: int | str
    for given_as in (number, f"{spaces}{number}{spaces}"):
        if 0 < number < 2**63:
            assert arguments.user_id(given_as) == number
            continue
        message = refused(
            client, partial(client.update_user, by="id", identifier=given_as, fields={})
        )
        assert "identifier: not a user id" in message
        assert abs(number) < 10 or str(number) not in message


@PROPERTY
@given(value=st.one_of(st.booleans(), st.floats(allow_nan=True), st.none(), MARKED))
def test_no_bool_float_none_or_other_text_is_a_user_id(value: object, client: TribooClient) -> None:
    message = refused(client, lambda: client.update_user(by="id", identifier=value, fields={}))  # type: ignore[arg-type]
    assert "identifier: not a user id" in message
    if isinstance(value, str):
        assert value not in message


# -- a name in a URL path ---------------------------------------------------------------------


@PROPERTY
@given(value=st.text(max_size=300))
def test_a_username_in_a_path_stays_on_its_route_or_is_refused(
    value: str, client: TribooClient
) -> None:
    stripped = value.strip()
    sendable = (
        bool(stripped)
        and stripped not in (".", "..")
        and not params.has_template(stripped)  # the list rule's, tested with it
        and len(stripped) <= MAX_LENGTHS["username"]
    )
    if not sendable:
        refused(client, lambda: client.update_user(by="username", identifier=value, fields={}))
        return
    name = arguments.path_name(value, "username", "identifier")
    assert name == stripped
    path = path_of(partial_update_user_by_username.request_kwargs(name, body=models.UserUpdate()))
    prefix = "/api/extended/v1/users_by_username/"
    assert path.startswith(prefix)
    assert path.endswith("/")
    assert unquote(path[len(prefix) : -1]) == name  # one segment: the name, whole


@PROPERTY
@given(value=st.one_of(MARKED, st.sampled_from(["", " ", ".", "..", " .. ", "{{ x }}", "{%x%}"])))
@pytest.mark.parametrize("by", ["username", "email"])
def test_an_unsendable_name_is_refused_without_repeating_it(
    by: str, value: str, client: TribooClient
) -> None:
    too_long = value + "x" * 300 if value.startswith("Qz7") else value
    text = refused(
        client, lambda: client.update_user(by=by, identifier=too_long, fields={"city": "Oslo"})
    )
    if too_long.strip() not in ("", ".", ".."):
        assert too_long.strip() not in text


@PROPERTY
@given(value=st.text(max_size=300))
def test_a_course_id_stays_on_its_route_or_is_refused(value: str, client: TribooClient) -> None:
    try:
        course: str | None = arguments.path_name(value, "course_id", "course_id")
    except TribooInputError:
        course = None
    if course is None:  # refused outside the except block: no context to check against
        refused(client, lambda: client.course_progress(value))
        return
    path = path_of(get_course_progress_report.request_kwargs(course))
    prefix = "/api/extended/v1/course_progress_report/"
    assert path.startswith(prefix)
    assert unquote(path[len(prefix) : -1]) == course


@pytest.mark.parametrize("value", [None, 45, b"course", ["course-v1:a+b+c"]])
def test_a_course_id_is_text(value: object, client: TribooClient) -> None:
    refused(client, lambda: client.course_progress(value))  # type: ignore[arg-type]


# -- identifier lists -------------------------------------------------------------------------

USERNAMES = st.from_regex(r"[A-Za-z0-9@.+_-]{1,150}", fullmatch=True)


@PROPERTY
@given(
    names=st.lists(st.one_of(USERNAMES, st.text("%&é#!*", min_size=1, max_size=150)), max_size=400)
)
def test_identifier_batches_keep_every_item_in_order_and_every_url_sendable(
    names: list[str],
) -> None:
    names = [n for n in names if n.strip() and "," not in n and not any(c.isspace() for c in n)]
    batches = list(arguments.url_batches(names))
    assert [n for batch in batches for n in batch.split(",")] == names
    for batch in batches:
        assert len(batch.split(",")) <= arguments.FILTER_BATCH
        kwargs = list_users.request_kwargs(username=batch, page=1, page_size=1000)
        url = str(HTTP.build_request(**kwargs).url)
        assert len(url) < 8000, "a request line over 8 KB is refused by common front proxies"


def test_long_identifiers_are_cut_by_url_length_not_only_by_count() -> None:
    # 100 e-mails of 254 characters that all need percent-encoding: about 76 KB in one
    # filter, over httpx's 64 KB (InvalidURL) and every proxy's request line.
    emails = [f"{n:03d}" + "&" * 239 + "@example.org" for n in range(100)]
    assert all(len(e) <= MAX_LENGTHS["email"] for e in arguments.filter_values(emails, "emails"))
    batches = list(arguments.url_batches(emails))
    assert len(batches) > 1
    assert [e for batch in batches for e in batch.split(",")] == emails
    for batch in batches:
        url = HTTP.build_request(**list_users.request_kwargs(email=batch, page=1)).url
        assert len(str(url)) < 8000


@pytest.mark.parametrize(
    ("name", "kind"),
    [("usernames", "username"), ("emails", "email"), ("identifiers", "identifier")],
)
@given(extra=st.integers(1, 70_000))
@settings(max_examples=20, deadline=None)
def test_an_identifier_longer_than_its_column_is_refused(
    name: str, kind: str, extra: int, client: TribooClient
) -> None:
    value = "a" * (MAX_LENGTHS[kind] + extra)
    with pytest.raises(TribooInputError, match=f"{name} item 1: .*can match no one"):
        arguments.filter_values([value], name)
    assert arguments.filter_values(["a" * MAX_LENGTHS[kind]], name)
    if name != "identifiers":
        look_up: dict[str, Any] = {name: [value]}
        refused(client, lambda: client.find_users(**look_up))


@pytest.mark.parametrize("empty", ["identifiers", "courses"])
def test_bulk_enroll_wants_an_identifier_and_a_course(empty: str, client: TribooClient) -> None:
    given_lists: dict[str, Any] = {
        "identifiers": ["jane"],
        "courses": ["course-v1:a+b+c"],
        empty: [],
    }
    refused(client, lambda: client.bulk_enroll(**given_lists))


# -- choices, dates, page sizes ---------------------------------------------------------------


CHOICES: dict[str, tuple[tuple[str, ...], Callable[[TribooClient, Any], object]]] = {
    "action": (
        ("enroll", "unenroll"),
        lambda c, v: c.bulk_enroll(identifiers=["jane"], courses=["c"], action=v),
    ),
    "endpoint": (
        ("upstream", "extended"),
        lambda c, v: c.bulk_enroll(identifiers=["jane"], courses=["c"], endpoint=v),
    ),
    "by": (("id", "username", "email"), lambda c, v: c.update_user(by=v, identifier=1, fields={})),
}


@PROPERTY
@given(
    value=st.one_of(st.text(max_size=60), st.none(), st.integers()),
    name=st.sampled_from(sorted(CHOICES)),
)
def test_a_choice_is_one_of_its_options_exactly(
    value: object, name: str, client: TribooClient
) -> None:
    options, call = CHOICES[name]
    if value in options:
        assert arguments.choice(value, name, options) == value
        return
    message = refused(client, lambda: call(client, value))
    assert f"{name}: must be one of {', '.join(options)}, not " in message


@PROPERTY
@given(day=st.dates(), time=st.times())
def test_a_date_is_a_date_its_datetime_or_its_iso_text(day: dt.date, time: dt.time) -> None:
    for given_as in (day, dt.datetime.combine(day, time), day.isoformat(), f" {day.isoformat()} "):
        if day.year < 1000 and isinstance(given_as, str):
            continue  # isoformat pads the year, YYYY: still accepted, as the regex wants
        assert arguments.report_dates(given_as, None) == (day, None)
        assert arguments.report_dates(day, given_as) == (day, day)


@PROPERTY
@given(text=st.text(max_size=30))
def test_date_text_is_accepted_only_as_yyyy_mm_dd(text: str, client: TribooClient) -> None:
    try:
        first, _ = arguments.report_dates(text, None)
        accepted = True
    except TribooInputError:
        accepted = False
    if not accepted:
        message = refused(client, lambda: client.course_progress("course-v1:a+b+c", start=text))
        assert len(text.strip()) < 3 or text.strip() not in message
        return
    if first is None:
        assert not text.strip()
    else:
        assert first.isoformat() == text.strip()


def test_an_end_needs_a_start(client: TribooClient) -> None:
    text = refused(client, lambda: client.course_progress("c", end=dt.date(2026, 1, 1)))
    assert "end: needs start" in text


@PROPERTY
@given(size=st.one_of(st.integers(-(2**64), 2**64), st.floats(), st.booleans(), st.text()))
def test_a_page_size_is_an_integer_from_1_to_1000(size: object, client: TribooClient) -> None:
    ok = isinstance(size, int) and not isinstance(size, bool) and 1 <= size <= 1000
    if ok:
        assert arguments.page_size(size) == size
    else:
        refused(client, lambda: client.iter_user_progress(page_size=size))  # type: ignore[arg-type]


# -- a field value the model cannot read ------------------------------------------------------


@PROPERTY
@given(
    field=st.sampled_from(["lt_hire_date", "gender", "level_of_education", "platform_role"]),
    value=MARKED,
)
def test_a_field_value_is_named_by_its_field_never_repeated(
    field: str, value: str, client: TribooClient
) -> None:
    text = refused(client, lambda: client.update_user(by="id", identifier=1, fields={field: value}))
    assert f"UserUpdate field {field}:" in text
    assert value not in text
