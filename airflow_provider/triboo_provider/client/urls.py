"""The base URL a connection's host, schema and port name (:func:`base_url`).

**Host, schema and port** follow Airflow's HTTP connection (``HttpHook``):

- ``host`` is the base URL (``https://acme.learning-tribes.com``, optionally with a base path
  such as ``https://example.com/triboo``) or a bare host: a name, an IPv4 address, an IPv6
  address with or without brackets (``[::1]``, ``::1``), optionally with ``:port``.
- ``schema`` is the URL scheme, ``http`` or ``https`` (any case). Empty: the host URL's
  scheme, else ``https`` (``HttpHook`` defaults to ``http``; a Triboo tenant is served over
  TLS). In a connection URI the path is the schema: ``triboo://id:secret@host:8080/http``.
- ``port`` is optional: ``None``, ``0`` (what Airflow's form sends for an empty port field)
  and ``""`` mean "the scheme's default"; a string of digits is read as a number.

When two of them say different things (``host`` ``http://h`` with ``schema`` ``https``,
``host`` ``h:8080`` with ``port`` ``9090``), the connection is refused rather than one
guessed; the same value twice is fine. A host carrying a user or password, a query or a
fragment is refused too. URLs are parsed by httpx (the provider's HTTP client), not by hand.

Every problem raises :class:`~triboo_provider.client.errors.TribooConfigError` naming the
field, never a value the user typed.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import httpx

from triboo_provider.client.errors import TribooConfigError
from triboo_provider.client.extras import TEMPLATE, unrendered
from triboo_provider.client.http_rules import shown_url

SCHEMES = ("http", "https")
DEFAULT_SCHEME = "https"
_HOST_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?")
CONTROL = "holds a control character (also when percent-encoded, such as %00 or %0A)"


def base_url(host: str | None, schema: str | None = None, port: int | str | None = None) -> str:
    """The base URL a connection's host, schema and port name, without a trailing slash.

    :raises TribooConfigError: a field is missing, malformed, or contradicts another.
    """
    scheme = _scheme(schema)
    number = _port(port)
    if not isinstance(host, str) or not host.strip():
        raise TribooConfigError("host (base URL) is missing")
    text = host.strip()
    if TEMPLATE.search(text):
        raise TribooConfigError(unrendered("host"))
    if "://" in text:
        url, written = _parse(text)
        if url.scheme not in SCHEMES:
            raise TribooConfigError("host: the URL's scheme must be http or https")
        if scheme is not None and scheme != url.scheme:
            raise TribooConfigError(
                f"host says {url.scheme}:// but schema says {scheme}: set one, or the same in both"
            )
        scheme = url.scheme
    else:
        if re.match(r"https?(:|//)", text, re.IGNORECASE):
            raise TribooConfigError("host starts with a scheme but is no URL: write http(s)://…")
        url, written = _parse(f"//[{text}]" if _is_ipv6(text) else f"//{text}")
    if url.userinfo:
        raise TribooConfigError(
            "host must not carry a user or password: the client id goes in login, "
            "the client secret in password"
        )
    if url.query or url.fragment:
        raise TribooConfigError("host must not carry a query (?…) or a fragment (#…)")
    name = url.raw_host.decode("ascii")  # IDNA-encoded: bücher.example is xn--bcher-kva…
    if "%" in name and ":" in name:
        raise TribooConfigError("host: an IPv6 zone (%…) cannot be used; give a routable address")
    if not (_is_ipv6(name) or _HOST_NAME.fullmatch(name)):
        raise TribooConfigError("host: no valid host name or IP address in it")
    if written is not None and number is not None and written != number:
        raise TribooConfigError(
            f"host says port {written} but port says {number}: set one, or the same in both"
        )
    return _build(scheme or DEFAULT_SCHEME, name, number if number is not None else written, url)


def _build(scheme: str, host: str, port: int | None, url: httpx.URL) -> str:
    try:
        built = httpx.URL(scheme=scheme, host=host, port=port, path=url.path.rstrip("/"))
    except httpx.InvalidURL:  # "/%00" reads as a path holding a NUL, which no URL can carry
        # Not chained: httpx's message quotes the URL, which may hold a pasted secret.
        raise TribooConfigError(f"host: its path {CONTROL}") from None
    return str(built).rstrip("/")


def endpoint(url: str) -> str:
    """``scheme://host:port/base-path`` of a base URL, the port always written (messages)."""
    return shown_url(url).rstrip("/")


def _parse(text: str) -> tuple[httpx.URL, int | None]:
    """httpx's reading of ``text``, and the port written in it (httpx drops a default one)."""
    try:
        url = httpx.URL(text)
        written = urlsplit(text).port
    except (httpx.InvalidURL, ValueError):
        # Not chained: httpx's message quotes the host, which may hold a pasted secret.
        raise TribooConfigError("host is not a valid URL or host name") from None
    if written is not None and not 1 <= written <= 65535:
        raise TribooConfigError("host: the port in it must be between 1 and 65535")
    return url, written


def _is_ipv6(text: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address)
    except ValueError:
        return False


def _scheme(schema: str | None) -> str | None:
    if schema is None or (isinstance(schema, str) and not schema.strip()):
        return None
    if not isinstance(schema, str):
        raise TribooConfigError("schema must be http or https")
    text = schema.strip()
    if TEMPLATE.search(text):
        raise TribooConfigError(unrendered("schema"))
    if text.lower() not in SCHEMES:
        raise TribooConfigError(
            "schema must be http or https (the URL scheme, as in Airflow's HTTP connection); "
            "in a connection URI the path is the schema (triboo://id:secret@host:8080/http)"
        )
    return text.lower()


def _port(port: object) -> int | None:
    if port is None or (isinstance(port, str) and not port.strip()):
        return None
    if isinstance(port, int) and not isinstance(port, bool):
        number = port
    elif isinstance(port, str) and port.strip().isascii() and port.strip().isdigit():
        number = int(port.strip())
    else:
        raise TribooConfigError("port must be a whole number between 1 and 65535, or empty")
    if number == 0:  # Airflow's form sends 0 for an empty port field
        return None
    if not 1 <= number <= 65535:
        raise TribooConfigError("port must be between 1 and 65535, or empty")
    return number
