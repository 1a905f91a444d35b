from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.user_progress_report import UserProgressReport
from ...types import Response


def request_kwargs(
    username: str,
) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for this operation: ``method``, ``url``
    (relative to the client's ``base_url``) and, when used, ``params``, ``headers``, ``cookies``
    and the body (``json``, ``data``, ``files`` or ``content``).

    For sending the request with an httpx client of your own choosing (e.g.
    ``client.get_httpx_client()``), to stream the answer or to decode its JSON without models;
    ``build_response`` or ``parse_response`` then read the answer as ``sync_detailed`` does.
    """

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/extended/v1/user_progress_report_by_username/{username}/".format(
            username=quote(str(username), safe=""),
        ),
    }

    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | UserProgressReport | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 200:
        response_200 = UserProgressReport.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = AuthenticationError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ApiError.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ApiError.from_dict(response.json())

        return response_404

    if response.status_code == 406:
        response_406 = ApiError.from_dict(response.json())

        return response_406

    if response.status_code == 429:
        response_429 = ApiError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ApiError.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiError | AuthenticationError | UserProgressReport]:
    """The ``Response`` that ``sync_detailed`` returns (status, content, headers and
    ``parse_response``'s result) for ``response``, the answer to a request built by
    ``request_kwargs``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client=client, response=response),
    )


def sync_detailed(
    username: str,
    *,
    client: AuthenticatedClient,
) -> Response[ApiError | AuthenticationError | UserProgressReport]:
    """Get a user's progress report by username

     The progress report of one user of the organisation, by username.

    Args:
        username (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | UserProgressReport]
    """

    kwargs = request_kwargs(
        username=username,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return build_response(client=client, response=response)


def sync(
    username: str,
    *,
    client: AuthenticatedClient,
) -> ApiError | AuthenticationError | UserProgressReport | None:
    """Get a user's progress report by username

     The progress report of one user of the organisation, by username.

    Args:
        username (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | UserProgressReport
    """

    return sync_detailed(
        username=username,
        client=client,
    ).parsed


async def asyncio_detailed(
    username: str,
    *,
    client: AuthenticatedClient,
) -> Response[ApiError | AuthenticationError | UserProgressReport]:
    """Get a user's progress report by username

     The progress report of one user of the organisation, by username.

    Args:
        username (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | UserProgressReport]
    """

    kwargs = request_kwargs(
        username=username,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    username: str,
    *,
    client: AuthenticatedClient,
) -> ApiError | AuthenticationError | UserProgressReport | None:
    """Get a user's progress report by username

     The progress report of one user of the organisation, by username.

    Args:
        username (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | UserProgressReport
    """

    return (
        await asyncio_detailed(
            username=username,
            client=client,
        )
    ).parsed
