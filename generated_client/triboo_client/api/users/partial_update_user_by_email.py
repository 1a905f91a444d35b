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


def request_kwargs(
    email: str,
    *,
    body: UserUpdate,
) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for this operation: ``method``, ``url``
    (relative to the client's ``base_url``) and, when used, ``params``, ``headers``, ``cookies``
    and the body (``json``, ``data``, ``files`` or ``content``).

    For sending the request with an httpx client of your own choosing (e.g.
    ``client.get_httpx_client()``), to stream the answer or to decode its JSON without models;
    ``build_response`` or ``parse_response`` then read the answer as ``sync_detailed`` does.
    """
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/extended/v1/users_by_email/{email}/".format(
            email=quote(str(email), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | FieldErrors | UserUpdated | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
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


def build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]:
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
    email: str,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]:
    """Partially update a user by e-mail

     `partialUpdateUser` addressed by e-mail. Current builds only.

    Args:
        email (str):
        body (UserUpdate): Fields to change; every field is optional. Send only fields that
            change: an
            unchanged username or e-mail is a 409.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]
    """

    kwargs = request_kwargs(
        email=email,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return build_response(client=client, response=response)


def sync(
    email: str,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> ApiError | AuthenticationError | FieldErrors | UserUpdated | None:
    """Partially update a user by e-mail

     `partialUpdateUser` addressed by e-mail. Current builds only.

    Args:
        email (str):
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
        email=email,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    email: str,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]:
    """Partially update a user by e-mail

     `partialUpdateUser` addressed by e-mail. Current builds only.

    Args:
        email (str):
        body (UserUpdate): Fields to change; every field is optional. Send only fields that
            change: an
            unchanged username or e-mail is a 409.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | FieldErrors | UserUpdated]
    """

    kwargs = request_kwargs(
        email=email,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    email: str,
    *,
    client: AuthenticatedClient,
    body: UserUpdate,
) -> ApiError | AuthenticationError | FieldErrors | UserUpdated | None:
    """Partially update a user by e-mail

     `partialUpdateUser` addressed by e-mail. Current builds only.

    Args:
        email (str):
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
            email=email,
            client=client,
            body=body,
        )
    ).parsed
