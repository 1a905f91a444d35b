"""The shapes the client core names: JSON objects, a logger, a paged endpoint module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # annotations only: the settings import this module, not the HTTP stack
    import httpx
    from triboo_client import AuthenticatedClient

# A decoded JSON object: the one place ``Any`` stands in the client core's signatures.
JSONObject = dict[str, Any]

T_co = TypeVar("T_co", covariant=True)


class Log(Protocol):
    """What the client logs through: a ``logging.Logger``, or Airflow's task logger."""

    def info(self, msg: str, /, *args: object) -> object: ...

    def warning(self, msg: str, /, *args: object) -> object: ...


class PagedEndpoint(Protocol[T_co]):
    """A generated list operation's module, through its public request/response seam.

    ``request_kwargs`` builds the request's ``httpx`` arguments (method, URL, params);
    ``parse_response`` reads an answer into the documented model of its status.
    """

    def request_kwargs(self, *, page: int, page_size: int) -> JSONObject: ...

    def parse_response(self, *, client: AuthenticatedClient, response: httpx.Response) -> T_co: ...
