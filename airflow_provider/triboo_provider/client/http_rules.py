"""Two HTTP rules the client applies: comparing origins, and reading ``Retry-After``; and
how a URL is shown in messages.

Both follow the RFCs rather than string equality: ``http://LocalHost:80`` and
``http://localhost/`` are one origin (RFC 6454: scheme and host compared case-insensitively,
an absent port is the scheme's default), and ``Retry-After`` is either a number of seconds
or an HTTP-date (RFC 9110, section 10.2.3). No Airflow import.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SECONDS = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")


def origin(url: str | httpx.URL) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of an absolute URL, as RFC 6454 compares them.

    httpx parses the URL (IDNA-encoding and lower-casing the host); the port is made
    explicit from the scheme when absent, so ``https://h`` and ``https://h:443`` are equal.
    A host's trailing dot (``example.com.``, the DNS root) is dropped.

    :raises httpx.InvalidURL: ``url`` cannot be parsed.
    """
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    scheme = parsed.scheme.lower()
    host = parsed.host.lower().rstrip(".")
    return scheme, host, parsed.port or _DEFAULT_PORTS.get(scheme)


def same_origin(first: str | httpx.URL, second: str | httpx.URL) -> bool:
    """True when two absolute URLs share scheme, host and port (see :func:`origin`).

    A URL that cannot be parsed is never the same origin as anything.
    """
    try:
        return origin(first) == origin(second)
    except httpx.InvalidURL:
        return False


def shown_url(url: str | httpx.URL) -> str:
    """``scheme://host:port/path`` of an absolute URL, for messages: the port always
    written (see :func:`origin`), the path as sent; never a user, password, query or fragment.

    :raises httpx.InvalidURL: ``url`` cannot be parsed.
    """
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    scheme, host, port = origin(parsed)
    shown = f"[{host}]" if ":" in host else host
    path = parsed.raw_path.split(b"?", 1)[0].decode("ascii")
    return f"{scheme}://{shown}:{port}{path}"


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value, or None when it says nothing usable.

    Accepts a non-negative number of seconds (the server sends integers; a decimal is
    read too) or an HTTP-date such as ``Wed, 21 Oct 2026 07:28:00 GMT`` (any form
    :func:`email.utils.parsedate_to_datetime` reads; a date without a zone is UTC). A date in
    the past means 0. A header sent twice arrives joined (``"120, 120"``): the longest of
    its numbers. ``now`` is the current time (UTC) for the date form.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    seconds = [_seconds(part) for part in text.split(",")]
    if all(s is not None for s in seconds):
        return max(s for s in seconds if s is not None)
    return _date(text, now)


def _seconds(text: str) -> float | None:
    """``delay-seconds`` (RFC 9110: ASCII digits), read leniently with a decimal part;
    ``"1e2"``, ``"+60"``, ``"6_0"`` and other digits than ASCII are not seconds."""
    return float(text) if _SECONDS.fullmatch(text.strip()) else None


def _date(text: str, now: dt.datetime | None) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max(0.0, (moment - current).total_seconds())
