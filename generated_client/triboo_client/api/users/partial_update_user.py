from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.field_errors import FieldErrors
from ...models.user_update import UserUpdate
from ...models.user_updated import UserUpdated
from ...types import Response


def _get_kwargs(
    user_id: int,
    *,
    body: UserUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/extended/v1/users/{user_id}/".format(
            user_id=quote(str(user_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | FieldErrors | UserUpdated | None:
    if response.status_code == 200:
        response_200 = UserUpdated.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = FieldErrors.from_dict(response.json())

        return response_400

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

    if response.status_code == 409:
        response_409 = ApiError.from_dict(response.json())

        return response_409

    if response.status_code == 415:
        response_415 = ApiError.from_dict(response.json())

        return response_415

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]:
    """Partially update a user by id

     Same as `updateUser` but never resets fields that are not sent. Not in the vendor
    document; served by every known build.

    Args:
        user_id (int):
        body (UserUpdate): Fields to change; every field is optional. Send only fields that
            change: an
            unchanged username or e-mail is a 409.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> ApiError | AuthenticationError | FieldErrors | UserUpdated | None:
    """Partially update a user by id

     Same as `updateUser` but never resets fields that are not sent. Not in the vendor
    document; served by every known build.

    Args:
        user_id (int):
        body (UserUpdate): Fields to change; every field is optional. Send only fields that
            change: an
            unchanged username or e-mail is a 409.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | FieldErrors | UserUpdated
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]:
    """Partially update a user by id

     Same as `updateUser` but never resets fields that are not sent. Not in the vendor
    document; served by every known build.

    Args:
        user_id (int):
        body (UserUpdate): Fields to change; every field is optional. Send only fields that
            change: an
            unchanged username or e-mail is a 409.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: int,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> ApiError | AuthenticationError | FieldErrors | UserUpdated | None:
    """Partially update a user by id

     Same as `updateUser` but never resets fields that are not sent. Not in the vendor
    document; served by every known build.

    Args:
        user_id (int):
        body (UserUpdate): Fields to change; every field is optional. Send only fields that
            change: an
            unchanged username or e-mail is a 409.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | FieldErrors | UserUpdated
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            body=body,
        )
    ).parsed
