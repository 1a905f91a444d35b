from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.field_errors import FieldErrors
from ...models.user_create import UserCreate
from ...models.user_created import UserCreated
from ...types import Response


def request_kwargs(
    *,
    body: UserCreate,
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
        "method": "post",
        "url": "/api/extended/v1/users/",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | FieldErrors | UserCreated | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 201:
        response_201 = UserCreated.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = FieldErrors.from_dict(response.json())

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
) -> Response[ApiError | AuthenticationError | FieldErrors | UserCreated]:
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
    body: UserCreate,
) -> Response[ApiError | AuthenticationError | FieldErrors | UserCreated]:
    """Create a user

     Create one account in the caller's organisation (its profile field `org` is set to
    the API user's organisation).

    Checks run in this order: username taken in the organisation (409), e-mail taken in
    the organisation (409), field validation (400; a username taken in *another*
    organisation is a 400 field error); an e-mail used in another organisation passes
    them all and fails in the database (500 `{"api_error_message": …}`). The 201 answer
    has no `user_id`: look the user up by username to learn it.

    Vendor document: the body is urlencoded and the outcome is only a `status` code
    (`user_created`, `username_already_used`, `email_already_used`, `error`). The server
    accepts JSON as well, answers 201/409/400, and sends `{"detail": …}` conflict bodies
    on current builds (`{"status": …}` on 2021 builds).

    Args:
        body (UserCreate): A new user. `username`, `email`, `first_name`, `last_name` and `name`
            are required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | FieldErrors | UserCreated]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: UserCreate,
) -> ApiError | AuthenticationError | FieldErrors | UserCreated | None:
    """Create a user

     Create one account in the caller's organisation (its profile field `org` is set to
    the API user's organisation).

    Checks run in this order: username taken in the organisation (409), e-mail taken in
    the organisation (409), field validation (400; a username taken in *another*
    organisation is a 400 field error); an e-mail used in another organisation passes
    them all and fails in the database (500 `{"api_error_message": …}`). The 201 answer
    has no `user_id`: look the user up by username to learn it.

    Vendor document: the body is urlencoded and the outcome is only a `status` code
    (`user_created`, `username_already_used`, `email_already_used`, `error`). The server
    accepts JSON as well, answers 201/409/400, and sends `{"detail": …}` conflict bodies
    on current builds (`{"status": …}` on 2021 builds).

    Args:
        body (UserCreate): A new user. `username`, `email`, `first_name`, `last_name` and `name`
            are required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | FieldErrors | UserCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UserCreate,
) -> Response[ApiError | AuthenticationError | FieldErrors | UserCreated]:
    """Create a user

     Create one account in the caller's organisation (its profile field `org` is set to
    the API user's organisation).

    Checks run in this order: username taken in the organisation (409), e-mail taken in
    the organisation (409), field validation (400; a username taken in *another*
    organisation is a 400 field error); an e-mail used in another organisation passes
    them all and fails in the database (500 `{"api_error_message": …}`). The 201 answer
    has no `user_id`: look the user up by username to learn it.

    Vendor document: the body is urlencoded and the outcome is only a `status` code
    (`user_created`, `username_already_used`, `email_already_used`, `error`). The server
    accepts JSON as well, answers 201/409/400, and sends `{"detail": …}` conflict bodies
    on current builds (`{"status": …}` on 2021 builds).

    Args:
        body (UserCreate): A new user. `username`, `email`, `first_name`, `last_name` and `name`
            are required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | FieldErrors | UserCreated]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UserCreate,
) -> ApiError | AuthenticationError | FieldErrors | UserCreated | None:
    """Create a user

     Create one account in the caller's organisation (its profile field `org` is set to
    the API user's organisation).

    Checks run in this order: username taken in the organisation (409), e-mail taken in
    the organisation (409), field validation (400; a username taken in *another*
    organisation is a 400 field error); an e-mail used in another organisation passes
    them all and fails in the database (500 `{"api_error_message": …}`). The 201 answer
    has no `user_id`: look the user up by username to learn it.

    Vendor document: the body is urlencoded and the outcome is only a `status` code
    (`user_created`, `username_already_used`, `email_already_used`, `error`). The server
    accepts JSON as well, answers 201/409/400, and sends `{"detail": …}` conflict bodies
    on current builds (`{"status": …}` on 2021 builds).

    Args:
        body (UserCreate): A new user. `username`, `email`, `first_name`, `last_name` and `name`
            are required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | FieldErrors | UserCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
