"""The one place where a client method's arguments are checked, before any request.

Every argument that names something (a user, a course), picks among choices, dates a
report or sizes a page goes through one rule here, so no method sends what the server
would refuse, misroute or read as another person. Each rule raises
:class:`~triboo_provider.client.errors.TribooInputError` (the task fails at once, no retry
can fix an argument) naming the argument, and never repeats an identifier or a date given:
they are a person's data, and messages end up in task logs.

- **user id** (:func:`user_id`): a positive integer below 2**63, or its decimal text (a
  template renders ``"45"``); never a boolean or a float (``int()`` reads ``True`` as user
  1 and ``2.9`` as user 2: another person).
- **a name in a URL path** (:func:`path_name`: a username, an e-mail or a course id):
  text, stripped, not blank, not an unrendered template, not ``.`` or ``..`` (a dot segment
  is resolved by httpx, so the request would leave its route), and no longer than the
  server's column (:data:`triboo_provider.identifiers.MAX_LENGTHS`), beyond which it can
  never match. Other characters are percent-encoded by the generated client.
- **identifier lists** (:func:`filter_values`): :func:`triboo_provider.params.as_texts`,
  then each item sendable in a comma-separated list and no longer than its column;
  :func:`required` for lists that must not be empty; :func:`url_batches` cuts them so that
  every request URL stays well under the 8 KB request line of common front proxies.
- **date** (:func:`report_dates`): a ``datetime.date``, a ``datetime`` (its date, as the
  operators read one), or ISO text ``YYYY-MM-DD`` (``ds`` is text in ``@task`` code); None
  or blank text is not given.
- **choice** (:func:`choice`) and **page size** (:func:`page_size`).
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Iterator, Sequence
from typing import Literal, TypeVar
from urllib.parse import quote

from triboo_provider import params
from triboo_provider.client.errors import TribooInputError
from triboo_provider.client.settings import MAX_PAGE_SIZE
from triboo_provider.identifiers import length_problem, list_problems

FILTER_BATCH = 100  # identifiers per comma-separated filter at most
# Characters of one percent-encoded filter value at most: with the route and the other
# parameters, the request line stays under nginx's default 8 KB (large_client_header_buffers)
# and far under httpx's 64 KB limit, whatever the identifiers.
URL_BUDGET = 6000
_UNLISTABLE = re.compile(r"[,\s]")  # what the server splits identifier lists on
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LIST_KINDS = {"usernames": "username", "emails": "email", "identifiers": "identifier"}
C = TypeVar("C", bound=str)
PathKind = Literal["username", "email", "course_id"]


def choice(value: object, name: str, allowed: Sequence[C]) -> C:
    """``value`` as one of ``allowed`` (exact text: ``"Enroll"`` is not ``"enroll"``).

    :raises TribooInputError: it is none of them; the message names the choices.
    """
    for option in allowed:
        if isinstance(value, str) and value == option:
            return option
    if isinstance(value, str):
        given = "an unrendered template" if params.has_template(value) else repr(value[:40])
    else:
        given = f"a {type(value).__name__}"
    raise TribooInputError([f"{name}: must be one of {', '.join(allowed)}, not {given}"])


def user_id(value: object, name: str = "identifier") -> int:
    """``value`` as a user id: an integer (``numbers.Integral``, not a boolean) from 1 to
    2**63 - 1, or text of at most 19 ASCII digits with that value.

    :raises TribooInputError: anything else (the value is not repeated).
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if 0 < int(value) < 2**63:
            return int(value)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[0-9]{1,19}", text) and 0 < int(text) < 2**63:
            return int(text)
    kind = "text" if isinstance(value, str) else f"a {type(value).__name__}"
    raise TribooInputError([f"{name}: not a user id (a positive integer), given {kind}"])


def path_name(value: object, kind: PathKind, name: str) -> str:
    """``value`` stripped, as one segment of a request path naming a ``kind``.

    :raises TribooInputError: no text, blank, an unrendered template, a dot segment, or
        longer than the server's column for ``kind``.
    """
    if not isinstance(value, str):
        problem: str | None = f"a {kind} (text) is due, not a {type(value).__name__}"
    else:
        text = value.strip()
        if not text:
            problem = "blank"
        elif params.has_template(text):
            problem = "a template that was not rendered ({{ … }} or {% … %})"
        elif text in (".", ".."):
            problem = "a dot segment, which a URL path cannot carry (use the id)"
        else:
            problem = length_problem(text, kind)
        if problem is None:
            return text
    raise TribooInputError([f"{name}: {problem}"])


def filter_values(values: object, name: str) -> list[str]:
    """Identifiers for one comma-separated parameter (``user_ids``, ``usernames``,
    ``emails``, ``identifiers``, ``courses``), by :func:`triboo_provider.params.as_texts`.

    :raises TribooInputError: ``values`` is no list, an item is not text (or an integer,
        for ``user_ids``), blank, an unrendered template, holds a comma or whitespace (the
        server splits on both), is longer than its server column (usernames, e-mails,
        identifiers), or for ``user_ids`` is not a positive integer. Every item is named.
    """
    items = params.as_texts(values, name, integers=name == "user_ids")
    bad = []
    for number, value in enumerate(items, 1):
        if not value or _UNLISTABLE.search(value):
            bad.append(f"{name} item {number}: blank or holds a comma or whitespace")
        elif params.has_template(value):
            bad.append(f"{name} item {number}: a template that was not rendered")
        elif name in _LIST_KINDS and (problem := length_problem(value, _LIST_KINDS[name])):
            bad.append(f"{name} item {number}: {problem}, so it can match no one")
    if name == "user_ids":
        bad += list_problems(items, name, "user_id")
    if bad:
        raise TribooInputError(bad)
    return items


def required(values: list[str], name: str) -> list[str]:
    """``values``, when there is at least one.

    :raises TribooInputError: ``values`` is empty (a call about nothing is the caller's
        mistake, and the server answers it with a 400 or an empty result).
    """
    if not values:
        raise TribooInputError([f"{name}: at least one is due, none given"])
    return values


def url_batches(values: Sequence[str]) -> Iterator[str]:
    """``values`` joined with commas, in order, each batch at most :data:`FILTER_BATCH`
    items and :data:`URL_BUDGET` characters once percent-encoded (an item longer than the
    budget alone goes in a batch of its own; :func:`filter_values` keeps items under 1 KB
    encoded)."""
    batch: list[str] = []
    size = 0
    for value in values:
        cost = len(quote(value, safe="")) + 3  # the item and its encoded comma, "%2C"
        if batch and (len(batch) == FILTER_BATCH or size + cost > URL_BUDGET):
            yield ",".join(batch)
            batch, size = [], 0
        batch.append(value)
        size += cost
    if batch:
        yield ",".join(batch)


def report_dates(start: object, end: object) -> tuple[dt.date | None, dt.date | None]:
    """``start`` and ``end`` of a report (each optional) as dates.

    :raises TribooInputError: one is no date (a date, a datetime, or ``YYYY-MM-DD`` text),
        or ``end`` is given without ``start`` (the server refuses ``to`` alone).
    """
    problems: list[str] = []
    dates = _date(start, "start", problems), _date(end, "end", problems)
    if dates[1] is not None and dates[0] is None and not problems:
        problems.append("end: needs start (the server refuses `to` alone)")
    if problems:
        raise TribooInputError(problems)
    return dates


def _date(value: object, name: str, problems: list[str]) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # not given: a template of an unset parameter renders ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if params.has_template(text):
            problems.append(f"{name}: a template that was not rendered ({{{{ … }}}})")
            return None
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass  # "2024-02-30": reported below, without the text
    problems.append(f"{name}: not a date (a date, or text YYYY-MM-DD)")
    return None


def page_size(value: object, name: str = "page_size") -> int | None:
    """``value`` as items per page, None for the connection's.

    :raises TribooInputError: not an integer from 1 to :data:`MAX_PAGE_SIZE`.
    """
    if value is None:
        return None
    if (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and 1 <= int(value) <= MAX_PAGE_SIZE
    ):
        return int(value)
    raise TribooInputError([f"{name}: must be an integer from 1 to {MAX_PAGE_SIZE}"])
