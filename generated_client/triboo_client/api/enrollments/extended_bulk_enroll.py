from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.extended_bulk_enroll_error import ExtendedBulkEnrollError
from ...models.extended_bulk_enroll_request import ExtendedBulkEnrollRequest
from ...models.extended_bulk_enroll_response import ExtendedBulkEnrollResponse
from ...models.field_errors import FieldErrors
from ...types import Response


def request_kwargs(
    *,
    body: ExtendedBulkEnrollRequest,
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
        "url": "/api/extended/v1/bulk_enroll",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 200:
        response_200 = ExtendedBulkEnrollResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:

        def _parse_response_400(data: object) -> ExtendedBulkEnrollError | FieldErrors:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_400_type_0 = FieldErrors.from_dict(data)

                return response_400_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_400_type_1 = ExtendedBulkEnrollError.from_dict(data)

            return response_400_type_1

        response_400 = _parse_response_400(response.json())

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
) -> Response[ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse]:
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
    body: ExtendedBulkEnrollRequest,
) -> Response[ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse]:
    """Bulk enroll (Triboo extended, Bearer)

     Triboo's own bulk enrollment, authenticated like the rest of the extended API with a
    Bearer token. The body must be JSON (a form body crashes the server). Learners are
    named by `usernames`, `emails` and/or `user_ids`, each a comma- or newline-separated
    string; at least one is required. Unlike `bulkEnroll` it cannot pre-enroll unknown
    users, ignores `identifiers` and `auto_enroll`, and reports inactive users. Not in
    the vendor document. The trailing slash is optional.

    Args:
        body (ExtendedBulkEnrollRequest): At least one of `usernames`, `emails` and `user_ids` is
            required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse]
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
    body: ExtendedBulkEnrollRequest,
) -> ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse | None:
    """Bulk enroll (Triboo extended, Bearer)

     Triboo's own bulk enrollment, authenticated like the rest of the extended API with a
    Bearer token. The body must be JSON (a form body crashes the server). Learners are
    named by `usernames`, `emails` and/or `user_ids`, each a comma- or newline-separated
    string; at least one is required. Unlike `bulkEnroll` it cannot pre-enroll unknown
    users, ignores `identifiers` and `auto_enroll`, and reports inactive users. Not in
    the vendor document. The trailing slash is optional.

    Args:
        body (ExtendedBulkEnrollRequest): At least one of `usernames`, `emails` and `user_ids` is
            required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ExtendedBulkEnrollRequest,
) -> Response[ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse]:
    """Bulk enroll (Triboo extended, Bearer)

     Triboo's own bulk enrollment, authenticated like the rest of the extended API with a
    Bearer token. The body must be JSON (a form body crashes the server). Learners are
    named by `usernames`, `emails` and/or `user_ids`, each a comma- or newline-separated
    string; at least one is required. Unlike `bulkEnroll` it cannot pre-enroll unknown
    users, ignores `identifiers` and `auto_enroll`, and reports inactive users. Not in
    the vendor document. The trailing slash is optional.

    Args:
        body (ExtendedBulkEnrollRequest): At least one of `usernames`, `emails` and `user_ids` is
            required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ExtendedBulkEnrollRequest,
) -> ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse | None:
    """Bulk enroll (Triboo extended, Bearer)

     Triboo's own bulk enrollment, authenticated like the rest of the extended API with a
    Bearer token. The body must be JSON (a form body crashes the server). Learners are
    named by `usernames`, `emails` and/or `user_ids`, each a comma- or newline-separated
    string; at least one is required. Unlike `bulkEnroll` it cannot pre-enroll unknown
    users, ignores `identifiers` and `auto_enroll`, and reports inactive users. Not in
    the vendor document. The trailing slash is optional.

    Args:
        body (ExtendedBulkEnrollRequest): At least one of `usernames`, `emails` and `user_ids` is
            required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | ExtendedBulkEnrollError | FieldErrors | ExtendedBulkEnrollResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
