import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_error import ApiError
from ...models.authentication_error import AuthenticationError
from ...models.course_progress_report import CourseProgressReport
from ...types import UNSET, Response, Unset


def request_kwargs(
    course_id: str,
    *,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> dict[str, Any]:
    """The keyword arguments of ``httpx.Client.request`` for this operation: ``method``, ``url``
    (relative to the client's ``base_url``) and, when used, ``params``, ``headers``, ``cookies``
    and the body (``json``, ``data``, ``files`` or ``content``).

    For sending the request with an httpx client of your own choosing (e.g.
    ``client.get_httpx_client()``), to stream the answer or to decode its JSON without models;
    ``build_response`` or ``parse_response`` then read the answer as ``sync_detailed`` does.
    """

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/extended/v1/course_progress_report/{course_id}/".format(
            course_id=quote(str(course_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ApiError | AuthenticationError | CourseProgressReport | None:
    """The parsed body of ``response`` (the answer to a request built by ``request_kwargs``), as
    ``sync`` returns it: the model of a documented status, else ``None``.

    Raises:
        errors.UnexpectedStatus: an undocumented status, if ``client.raise_on_unexpected_status``.
    """
    if response.status_code == 200:
        response_200 = CourseProgressReport.from_dict(response.json())

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
) -> Response[ApiError | AuthenticationError | CourseProgressReport]:
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
    course_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> Response[ApiError | AuthenticationError | CourseProgressReport]:
    """Get a course's progress report

     Every active user with an active enrollment in the course, with progress. Not
    paginated. `from` keeps learners with any platform activity in `[from, to)`; `to`
    returns each row as it was on day `to`, and where no snapshot exists for that day
    the progress fields are null.

    Vendor document: `status` is `Not Started`, `In Progress`, `Successful` or
    `Unsuccessful` (correct here); `from` is required when `to` is used (a 400 otherwise).

    Args:
        course_id (str):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | CourseProgressReport]
    """

    kwargs = request_kwargs(
        course_id=course_id,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return build_response(client=client, response=response)


def sync(
    course_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> ApiError | AuthenticationError | CourseProgressReport | None:
    """Get a course's progress report

     Every active user with an active enrollment in the course, with progress. Not
    paginated. `from` keeps learners with any platform activity in `[from, to)`; `to`
    returns each row as it was on day `to`, and where no snapshot exists for that day
    the progress fields are null.

    Vendor document: `status` is `Not Started`, `In Progress`, `Successful` or
    `Unsuccessful` (correct here); `from` is required when `to` is used (a 400 otherwise).

    Args:
        course_id (str):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | CourseProgressReport
    """

    return sync_detailed(
        course_id=course_id,
        client=client,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    course_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> Response[ApiError | AuthenticationError | CourseProgressReport]:
    """Get a course's progress report

     Every active user with an active enrollment in the course, with progress. Not
    paginated. `from` keeps learners with any platform activity in `[from, to)`; `to`
    returns each row as it was on day `to`, and where no snapshot exists for that day
    the progress fields are null.

    Vendor document: `status` is `Not Started`, `In Progress`, `Successful` or
    `Unsuccessful` (correct here); `from` is required when `to` is used (a 400 otherwise).

    Args:
        course_id (str):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiError | AuthenticationError | CourseProgressReport]
    """

    kwargs = request_kwargs(
        course_id=course_id,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return build_response(client=client, response=response)


async def asyncio(
    course_id: str,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
) -> ApiError | AuthenticationError | CourseProgressReport | None:
    """Get a course's progress report

     Every active user with an active enrollment in the course, with progress. Not
    paginated. `from` keeps learners with any platform activity in `[from, to)`; `to`
    returns each row as it was on day `to`, and where no snapshot exists for that day
    the progress fields are null.

    Vendor document: `status` is `Not Started`, `In Progress`, `Successful` or
    `Unsuccessful` (correct here); `from` is required when `to` is used (a 400 otherwise).

    Args:
        course_id (str):
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiError | AuthenticationError | CourseProgressReport
    """

    return (
        await asyncio_detailed(
            course_id=course_id,
            client=client,
            from_=from_,
            to=to,
        )
    ).parsed
