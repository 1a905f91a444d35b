from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.bulk_enroll_request import BulkEnrollRequest
from ...models.bulk_enroll_response import BulkEnrollResponse
from ...models.field_errors import FieldErrors
from ...types import Response


def request_kwargs(
    *,
    body: BulkEnrollRequest,
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
        "url": "/api/bulk_enroll/v1/bulk_enroll",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 200:
        response_200 = BulkEnrollResponse.from_dict(response.json())

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
) -> Response[ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors]:
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
    body: BulkEnrollRequest,
) -> Response[ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors]:
    """Bulk enroll (upstream Open edX, JWT)

     Enroll or unenroll many learners, by e-mail or username, in one or more courses.
    This is the endpoint the vendor document describes. It takes
    `Authorization: JWT <token>` (get one with `token_type=jwt`), as the vendor document
    says, or a Bearer token (`JwtAuthentication`, `OAuth2Authentication`), and a staff
    API user (`IsStaff`: no superuser or organisation needed). The trailing slash is
    optional.

    Neither bulk enroll is scoped to the caller's organisation: a global staff API user
    may enroll any user into any course (`require_level('staff')` passes for global
    staff, and users are found by e-mail or username in every organisation).

    Unknown e-mails are pre-enrolled (`after.allowed: true`) when `auto_enroll` is set.
    Send `courses` as a comma-separated string with no spaces: a JSON array is reduced
    to its first item. An unknown course is a 404, and the courses before it in the list
    may already be done. The vendor's sample "response"
    `{"detail": "Authentication credentials were not provided."}` is this endpoint's 401.

    Args:
        body (BulkEnrollRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors]
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
    body: BulkEnrollRequest,
) -> ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors | None:
    """Bulk enroll (upstream Open edX, JWT)

     Enroll or unenroll many learners, by e-mail or username, in one or more courses.
    This is the endpoint the vendor document describes. It takes
    `Authorization: JWT <token>` (get one with `token_type=jwt`), as the vendor document
    says, or a Bearer token (`JwtAuthentication`, `OAuth2Authentication`), and a staff
    API user (`IsStaff`: no superuser or organisation needed). The trailing slash is
    optional.

    Neither bulk enroll is scoped to the caller's organisation: a global staff API user
    may enroll any user into any course (`require_level('staff')` passes for global
    staff, and users are found by e-mail or username in every organisation).

    Unknown e-mails are pre-enrolled (`after.allowed: true`) when `auto_enroll` is set.
    Send `courses` as a comma-separated string with no spaces: a JSON array is reduced
    to its first item. An unknown course is a 404, and the courses before it in the list
    may already be done. The vendor's sample "response"
    `{"detail": "Authentication credentials were not provided."}` is this endpoint's 401.

    Args:
        body (BulkEnrollRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BulkEnrollRequest,
) -> Response[ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors]:
    """Bulk enroll (upstream Open edX, JWT)

     Enroll or unenroll many learners, by e-mail or username, in one or more courses.
    This is the endpoint the vendor document describes. It takes
    `Authorization: JWT <token>` (get one with `token_type=jwt`), as the vendor document
    says, or a Bearer token (`JwtAuthentication`, `OAuth2Authentication`), and a staff
    API user (`IsStaff`: no superuser or organisation needed). The trailing slash is
    optional.

    Neither bulk enroll is scoped to the caller's organisation: a global staff API user
    may enroll any user into any course (`require_level('staff')` passes for global
    staff, and users are found by e-mail or username in every organisation).

    Unknown e-mails are pre-enrolled (`after.allowed: true`) when `auto_enroll` is set.
    Send `courses` as a comma-separated string with no spaces: a JSON array is reduced
    to its first item. An unknown course is a 404, and the courses before it in the list
    may already be done. The vendor's sample "response"
    `{"detail": "Authentication credentials were not provided."}` is this endpoint's 401.

    Args:
        body (BulkEnrollRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors]
    """

    kwargs = request_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BulkEnrollRequest,
) -> ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors | None:
    """Bulk enroll (upstream Open edX, JWT)

     Enroll or unenroll many learners, by e-mail or username, in one or more courses.
    This is the endpoint the vendor document describes. It takes
    `Authorization: JWT <token>` (get one with `token_type=jwt`), as the vendor document
    says, or a Bearer token (`JwtAuthentication`, `OAuth2Authentication`), and a staff
    API user (`IsStaff`: no superuser or organisation needed). The trailing slash is
    optional.

    Neither bulk enroll is scoped to the caller's organisation: a global staff API user
    may enroll any user into any course (`require_level('staff')` passes for global
    staff, and users are found by e-mail or username in every organisation).

    Unknown e-mails are pre-enrolled (`after.allowed: true`) when `auto_enroll` is set.
    Send `courses` as a comma-separated string with no spaces: a JSON array is reduced
    to its first item. An unknown course is a 404, and the courses before it in the list
    may already be done. The vendor's sample "response"
    `{"detail": "Authentication credentials were not provided."}` is this endpoint's 401.

    Args:
        body (BulkEnrollRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | BulkEnrollResponse | FieldErrors
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
