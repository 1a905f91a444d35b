from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_token import AccessToken
from ...models.api_error import ApiError
from ...models.o_auth_error import OAuthError
from ...models.token_request import TokenRequest
from ...types import Response


def request_kwargs(
    *,
    body: TokenRequest,
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
        "url": "/oauth2/access_token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccessToken | ApiError | OAuthError | str | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 200:
        response_200 = AccessToken.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = OAuthError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = OAuthError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = response.text
        return response_403

    if response.status_code == 500:
        response_500 = ApiError.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccessToken | ApiError | OAuthError | str]:
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
    client: AuthenticatedClient | Client,
    body: TokenRequest,
) -> Response[AccessToken | ApiError | OAuthError | str]:
    """Get an access token

     Exchange the client id and secret for an access token (OAuth2 client credentials).
    The body must be form-urlencoded and must carry `client_id`; HTTP Basic alone is
    refused. A JSON body is not read (Django OAuth Toolkit reads the form): it is
    answered like a request without a grant type, `400 {"error": "invalid_request"}`. With
    `token_type=jwt` the answer is a JWT for the upstream bulk-enrollment
    endpoint. The trailing slash is optional.

    The vendor document suggests `/oauth2/v1/access_token` as a fallback; no known
    build routes it. More than 120 token requests a minute from one IP address are
    answered with an HTML 403 page, not a 429.

    Args:
        body (TokenRequest): OAuth2 client-credentials grant (form-urlencoded; no field may be
            null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | ApiError | OAuthError | str]
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
    client: AuthenticatedClient | Client,
    body: TokenRequest,
) -> AccessToken | ApiError | OAuthError | str | None:
    """Get an access token

     Exchange the client id and secret for an access token (OAuth2 client credentials).
    The body must be form-urlencoded and must carry `client_id`; HTTP Basic alone is
    refused. A JSON body is not read (Django OAuth Toolkit reads the form): it is
    answered like a request without a grant type, `400 {"error": "invalid_request"}`. With
    `token_type=jwt` the answer is a JWT for the upstream bulk-enrollment
    endpoint. The trailing slash is optional.

    The vendor document suggests `/oauth2/v1/access_token` as a fallback; no known
    build routes it. More than 120 token requests a minute from one IP address are
    answered with an HTML 403 page, not a 429.

    Args:
        body (TokenRequest): OAuth2 client-credentials grant (form-urlencoded; no field may be
            null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | ApiError | OAuthError | str
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
) -> Response[AccessToken | ApiError | OAuthError | str]:
    """Get an access token

     Exchange the client id and secret for an access token (OAuth2 client credentials).
    The body must be form-urlencoded and must carry `client_id`; HTTP Basic alone is
    refused. A JSON body is not read (Django OAuth Toolkit reads the form): it is
    answered like a request without a grant type, `400 {"error": "invalid_request"}`. With
    `token_type=jwt` the answer is a JWT for the upstream bulk-enrollment
    endpoint. The trailing slash is optional.

    The vendor document suggests `/oauth2/v1/access_token` as a fallback; no known
    build routes it. More than 120 token requests a minute from one IP address are
    answered with an HTML 403 page, not a 429.

    Args:
        body (TokenRequest): OAuth2 client-credentials grant (form-urlencoded; no field may be
            null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | ApiError | OAuthError | str]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TokenRequest,
) -> AccessToken | ApiError | OAuthError | str | None:
    """Get an access token

     Exchange the client id and secret for an access token (OAuth2 client credentials).
    The body must be form-urlencoded and must carry `client_id`; HTTP Basic alone is
    refused. A JSON body is not read (Django OAuth Toolkit reads the form): it is
    answered like a request without a grant type, `400 {"error": "invalid_request"}`. With
    `token_type=jwt` the answer is a JWT for the upstream bulk-enrollment
    endpoint. The trailing slash is optional.

    The vendor document suggests `/oauth2/v1/access_token` as a fallback; no known
    build routes it. More than 120 token requests a minute from one IP address are
    answered with an HTML 403 page, not a 429.

    Args:
        body (TokenRequest): OAuth2 client-credentials grant (form-urlencoded; no field may be
            null).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | ApiError | OAuthError | str
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
