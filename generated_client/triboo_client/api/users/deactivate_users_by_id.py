from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.deactivation_result import DeactivationResult
from ...types import UNSET, Response


def request_kwargs(
    *,
    user_id: str,
) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for this operation: ``method``, ``url``
    (relative to the client's ``base_url``) and, when used, ``params``, ``headers``, ``cookies``
    and the body (``json``, ``data``, ``files`` or ``content``).

    For sending the request with an httpx client of your own choosing (e.g.
    ``client.get_httpx_client()``), to stream the answer or to decode its JSON without models;
    ``build_response`` or ``parse_response`` then read the answer as ``sync_detailed`` does.
    """

    params: dict[str, Any] = {}

    params["user_id"] = user_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/extended/v1/users/",
        "params": params,
    }

    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | list[DeactivationResult] | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = DeactivationResult.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = ApiError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = AuthenticationError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ApiError.from_dict(response.json())

        return response_403

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
) -> Response[ApiError | AuthenticationError | list[DeactivationResult]]:
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
    *,
    client: AuthenticatedClient,
    user_id: str,
) -> Response[ApiError | AuthenticationError | list[DeactivationResult]]:
    """Deactivate users by id

     Deactivate (`is_active=false`, nothing is deleted) every user named in `user_id`.
    Always 200 with one entry per requested id, in request order; ids that do not exist
    come back with `status: user_not_found` and `username: ""`. Without a usable
    filter the server refuses with 400 rather than deactivate everyone. Statuses come
    from a snapshot taken before: an id given twice reports `user_deactivated` twice.
    An `email` filter on this route deactivates the users it names and answers `[]`.

    Args:
        user_id (str): Comma-separated numeric user ids.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | list[DeactivationResult]]
    """

    kwargs = request_kwargs(
        user_id=user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    user_id: str,
) -> ApiError | AuthenticationError | list[DeactivationResult] | None:
    """Deactivate users by id

     Deactivate (`is_active=false`, nothing is deleted) every user named in `user_id`.
    Always 200 with one entry per requested id, in request order; ids that do not exist
    come back with `status: user_not_found` and `username: ""`. Without a usable
    filter the server refuses with 400 rather than deactivate everyone. Statuses come
    from a snapshot taken before: an id given twice reports `user_deactivated` twice.
    An `email` filter on this route deactivates the users it names and answers `[]`.

    Args:
        user_id (str): Comma-separated numeric user ids.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | list[DeactivationResult]
    """

    return sync_detailed(
        client=client,
        user_id=user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    user_id: str,
) -> Response[ApiError | AuthenticationError | list[DeactivationResult]]:
    """Deactivate users by id

     Deactivate (`is_active=false`, nothing is deleted) every user named in `user_id`.
    Always 200 with one entry per requested id, in request order; ids that do not exist
    come back with `status: user_not_found` and `username: ""`. Without a usable
    filter the server refuses with 400 rather than deactivate everyone. Statuses come
    from a snapshot taken before: an id given twice reports `user_deactivated` twice.
    An `email` filter on this route deactivates the users it names and answers `[]`.

    Args:
        user_id (str): Comma-separated numeric user ids.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | list[DeactivationResult]]
    """

    kwargs = request_kwargs(
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    user_id: str,
) -> ApiError | AuthenticationError | list[DeactivationResult] | None:
    """Deactivate users by id

     Deactivate (`is_active=false`, nothing is deleted) every user named in `user_id`.
    Always 200 with one entry per requested id, in request order; ids that do not exist
    come back with `status: user_not_found` and `username: ""`. Without a usable
    filter the server refuses with 400 rather than deactivate everyone. Statuses come
    from a snapshot taken before: an id given twice reports `user_deactivated` twice.
    An `email` filter on this route deactivates the users it names and answers `[]`.

    Args:
        user_id (str): Comma-separated numeric user ids.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | list[DeactivationResult]
    """

    return (
        await asyncio_detailed(
            client=client,
            user_id=user_id,
        )
    ).parsed
