"""A ``triboo`` connection read into :class:`TribooSettings`, or refused with one clear error.

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

**Every problem** (missing host, login or password, an unknown extra, a value of the wrong
type or out of the form's range, a bad scheme or port, an unrendered ``{{ … }}``, a path
httpx cannot send) raises :class:`~triboo_provider.exceptions.TribooConfigError`, which fails
the task at once: no retry can fix a connection. Every numeric extra has a minimum and a
maximum (the form's ``schema``), so no value reaches a socket timeout or a sleep that
overflows; any value, however odd (huge, ``inf``, ``nan``, nested), is a TribooConfigError.

**Messages name the field and what is expected, never a value the user typed** (a secret
may have been pasted in the wrong field, and Airflow's masker only hides the password):
the exceptions are the host and ``oauth2_path``, which together say which URL was tried, a
port once read as a number between 1 and 65535, and a scheme once read as ``http`` or
``https``. An unknown extra's
name is repeated only when it is short and looks like an extra name (lowercase ASCII
letters, underscores and at most two digits, starting with a letter, at most 40 characters:
``reports_per_minut``); any other name is not repeated, and a did-you-mean names our own
known name only.

**The deprecated extra** ``token_path`` (Airflow hides every extra whose name contains
``token``, so the UI form saved ``***`` in it) is still read, with an
``AirflowProviderDeprecationWarning``; its new name is ``oauth2_path``. A stored ``***``
under the old name is Airflow's mask, never a path: it is ignored (the default, or
``oauth2_path``, is used) and the warning says so.
"""

from __future__ import annotations

import difflib
import ipaddress
import math
import re
import warnings
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

import httpx

from triboo_provider.exceptions import TribooConfigError
from triboo_provider.get_provider_info import get_provider_info
from triboo_provider.http_rules import same_origin, shown_url
from triboo_provider.throttle import SERVER_LIMITS

MAX_PAGE_SIZE = 1000
SCHEMES = ("http", "https")
DEFAULT_SCHEME = "https"
MASK = "***"  # what Airflow shows, and its form saves, in place of a hidden value
DEPRECATED_EXTRAS = {"token_path": "oauth2_path"}
_TEMPLATE = re.compile(r"{{|{%")
_HOST_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
# An unknown extra's name that is repeated in messages: short, and shaped like an extra name
# (a random secret of this alphabet would hold more than two digits).
_SHOWN_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_SHOWN_DIGITS = 2
# A request path of the API, to check that httpx can build a request on the base URL.
_PROBE_PATH = "/api/extended/v1/courses/"
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL = "holds a control character (also when percent-encoded, such as %00 or %0A)"


@dataclass(frozen=True)
class TribooSettings:
    """A ``triboo`` connection, with every default spelled out.

    ``base_url`` is built from host, schema and port (see the module's docstring), without
    a trailing slash; every other field but the credentials is a connection extra, and
    its default, label and range are those of the connection form (``get_provider_info``).
    """

    base_url: str
    client_id: str
    client_secret: str
    oauth2_path: str = "/oauth2/access_token"
    timeout: float = 60.0
    verify_ssl: bool = True
    page_size: int = MAX_PAGE_SIZE
    users_per_minute: int = SERVER_LIMITS["users"]
    reports_per_minute: int = SERVER_LIMITS["reports"]
    bulk_enroll_per_minute: int = SERVER_LIMITS["bulk_enroll"]
    rate_window_seconds: float = 60.0
    max_retries: int = 5
    retry_max_wait: float = 120.0
    retry_after_max: float = 600.0

    @classmethod
    def extra_names(cls) -> list[str]:
        """The connection extras this provider reads (the deprecated ones aside)."""
        return [f.name for f in fields(cls) if f.name not in _NOT_EXTRAS]

    @classmethod
    def from_connection(
        cls,
        host: str | None,
        login: str | None,
        password: str | None,
        extra: dict[str, Any],
        *,
        schema: str | None = None,
        port: int | str | None = None,
    ) -> TribooSettings:
        """Read a connection's fields, or raise :class:`TribooConfigError` naming every
        problem found. ``extra`` is the connection's ``extra_dejson``."""
        problems: list[str] = []
        url = ""
        try:
            url = base_url(host, schema, port)
        except TribooConfigError as problem:
            problems.append(problem.args[0])
        if not _given(login):
            problems.append("login (client id) is missing")
        elif not isinstance(login, str):
            problems.append("login (client id) must be text")
        elif _TEMPLATE.search(login):
            problems.append(_unrendered("login"))
        if not _given(password):
            problems.append("password (client secret) is missing")
        elif not isinstance(password, str):
            problems.append("password (client secret) must be text")
        values = _read_extras(dict(extra), problems)
        if problems or not isinstance(login, str) or not isinstance(password, str):
            raise TribooConfigError(_message(problems))
        settings = cls(url, login.strip(), password, **values)
        unsendable = _unsendable(settings)
        if unsendable:
            raise TribooConfigError(_message([unsendable]))
        return settings

    @property
    def token_url(self) -> str:
        return self.base_url + self.oauth2_path

    @property
    def endpoint(self) -> str:
        """The base URL with its port spelled out (``https://127.0.0.1:443``), for messages."""
        return endpoint(self.base_url)

    @property
    def limits(self) -> dict[str, int]:
        return {
            "users": self.users_per_minute,
            "reports": self.reports_per_minute,
            "bulk_enroll": self.bulk_enroll_per_minute,
        }


_NOT_EXTRAS = ("base_url", "client_id", "client_secret")


def _unsendable(settings: TribooSettings) -> str | None:
    """What keeps httpx from sending the token request and an API request, or None.

    The clients are built as the hook builds them (``httpx.Client`` with the base URL), so
    a URL httpx refuses is a configuration problem here, not an error at the first request.
    """
    path = settings.oauth2_path
    # The client secret goes to the token URL: it must stay on the connection's host (an
    # oauth2_path such as "@other.example/token" would move it elsewhere).
    if not path.startswith("/") or "?" in path or "#" in path:
        return "oauth2_path must be a path on the connection's host, e.g. /oauth2/access_token"
    try:
        token_url = httpx.URL(settings.token_url)
    except httpx.InvalidURL:
        return f"oauth2_path {_CONTROL}"
    if _CONTROLS.search(token_url.path):  # percent-encoded: "/a/%0a"
        return f"oauth2_path {_CONTROL}"
    if not same_origin(token_url, settings.base_url):
        return "oauth2_path must be a path on the connection's host, e.g. /oauth2/access_token"
    try:
        with httpx.Client(
            base_url=settings.base_url,
            timeout=httpx.Timeout(settings.timeout),
            transport=httpx.MockTransport(lambda request: httpx.Response(204)),
            trust_env=False,  # no proxy transports: nothing is sent
        ) as client:
            client.build_request("POST", token_url)
            client.build_request("GET", _PROBE_PATH)
    except httpx.InvalidURL:
        return "host: httpx cannot build a request on this base URL"
    return None


def base_url(host: str | None, schema: str | None = None, port: int | str | None = None) -> str:
    """The base URL a connection's host, schema and port name, without a trailing slash.

    :raises TribooConfigError: a field is missing, malformed, or contradicts another.
    """
    scheme = _scheme(schema)
    number = _port(port)
    if not isinstance(host, str) or not host.strip():
        raise TribooConfigError("host (base URL) is missing")
    text = host.strip()
    if _TEMPLATE.search(text):
        raise TribooConfigError(_unrendered("host"))
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
        raise TribooConfigError(f"host: its path {_CONTROL}") from None
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
    if _TEMPLATE.search(text):
        raise TribooConfigError(_unrendered("schema"))
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


def _read_extras(extra: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """The known extras, coerced and range-checked; problems are appended, not raised."""
    _deprecated(extra, problems)
    known = TribooSettings.extra_names()
    for name in sorted(set(extra) - set(known), key=str):
        # Airflow 2's form stored extras as extra__<conn type>__<name>: compare the name.
        bare = str(name).removeprefix("extra__triboo__")
        close = difflib.get_close_matches(bare, [*known, *DEPRECATED_EXTRAS], n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(f"unknown extra {_shown_name(name)}{hint}; known: {', '.join(known)}")
    form = get_provider_info()["connection-types"][0]["conn-fields"]
    defaults = {f.name: f.default for f in fields(TribooSettings)}
    values: dict[str, Any] = {}
    for name in known:
        if name not in extra or not _given(extra[name]):
            continue  # absent, null or "": the default
        try:
            value = _coerce(name, extra[name], type(defaults[name]))
            _check_range(name, value, form[name]["schema"])
        except (OverflowError, ValueError):  # 10**400 as a float, 5000 digits as an int
            problems.append(f"extra {name} must be {_bounds(form[name]['schema'])}")
            continue
        except TribooConfigError as problem:
            problems.append(problem.args[0])
            continue
        values[name] = value
    return values


def _deprecated(extra: dict[str, Any], problems: list[str]) -> None:
    """Read ``token_path`` as ``oauth2_path``, with a deprecation warning; drop a ``***``."""
    # Imported here: airflow.exceptions is Airflow's own home of the provider warning class.
    from airflow.exceptions import AirflowProviderDeprecationWarning  # noqa: PLC0415

    for old, new in DEPRECATED_EXTRAS.items():
        if old not in extra:
            continue
        value = extra.pop(old)
        masked = isinstance(value, str) and value.strip() == MASK
        current = extra.get(new)
        note = (
            f"connection extra {old} is deprecated, rename it {new} (Airflow hides every extra "
            f"whose name contains 'token', so its UI form saves {MASK} in it)"
        )
        if not _given(value):  # absent, null or "": unset, as every extra
            note += "; it is empty and ignored: remove it"
        elif masked:
            note += (
                f"; its stored value is Airflow's mask {MASK}, not a path, and is ignored: "
                f"{new if _given(current) else 'the default'} is used"
            )
        elif not isinstance(value, str):  # named as written, not as its new name
            problems.append(f"extra {old} (deprecated name of {new}) must be text")
        elif _given(current) and _stripped(current) != _stripped(value):
            problems.append(f"{old} (deprecated) and {new} are both set, differently: keep {new}")
        else:
            extra[new] = value
        warnings.warn(note, AirflowProviderDeprecationWarning, stacklevel=4)


def _coerce(name: str, value: Any, kind: type) -> Any:
    """``value`` as ``kind``; strings (a connection URI's extras are all strings) are read."""
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _TEMPLATE.search(text):
        raise TribooConfigError(_unrendered(f"extra {name}"))
    if kind is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _wrong(name, "true or false", value)
    if isinstance(value, bool):  # a bool is an int to Python, never a number here
        raise _wrong(name, _WHAT[kind], value)
    if kind is int:
        return _integer(name, value, text)
    if kind is float:
        return _number(name, value, text)
    if text is None:
        raise _wrong(name, "text", value)
    return text


def _integer(name: str, value: Any, text: str | None) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if text is not None and _INTEGER.fullmatch(text):
        return int(text)
    raise _wrong(name, "a whole number", value)


def _number(name: str, value: Any, text: str | None) -> float:
    if isinstance(value, int | float):
        number = float(value)
    elif text is not None and _NUMBER.fullmatch(text):
        number = float(text)
    else:
        raise _wrong(name, "a number", value)
    if not math.isfinite(number):
        raise _wrong(name, "a finite number", value)
    return number


_WHAT = {int: "a whole number", float: "a number", str: "text"}


def _check_range(name: str, value: Any, schema: dict[str, Any]) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if (low is not None and value < low) or (high is not None and value > high):
        raise TribooConfigError(f"extra {name} must be {_bounds(schema)}")


def _bounds(schema: dict[str, Any]) -> str:
    """The range of a numeric extra in words, from the form's schema."""
    low, high = schema.get("minimum"), schema.get("maximum")
    return f"at least {low}" if high is None else f"between {low} and {high}"


def _shown_name(name: object) -> str:
    """An unknown extra's name as messages show it: quoted when it looks like an extra
    name (see the module's docstring), else not repeated (it may be a pasted value)."""
    if (
        isinstance(name, str)
        and _SHOWN_NAME.fullmatch(name)
        and sum(c.isdigit() for c in name) <= _SHOWN_DIGITS
    ):
        return repr(name)
    return "with a name not repeated here (it does not look like an extra name: a value?)"


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _wrong(name: str, what: str, value: Any) -> TribooConfigError:
    # The value is not repeated (someone may have pasted a secret in the wrong field).
    hint = (
        f": it holds {MASK}, the mask Airflow shows for hidden values; enter the real value"
        if isinstance(value, str) and value.strip() == MASK
        else f", not {type(value).__name__}"
    )
    return TribooConfigError(f"extra {name} must be {what}{hint}")


def _unrendered(field: str) -> str:
    return (
        f"{field} holds an unrendered template ({{{{ … }}}}): Airflow does not render "
        "connection fields; put the value itself, or use a secrets backend"
    )


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _message(problems: list[str]) -> str:
    return "the triboo connection is misconfigured: " + "; ".join(problems)
