"""Users: look up, create, update, deactivate (the generated ``users`` operations)."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import partial
from http import HTTPStatus
from typing import Literal, TypeVar, overload

from triboo_client import models
from triboo_client.api.users import (
    create_user,
    deactivate_users_by_id,
    deactivate_users_by_username,
    list_users,
    partial_update_user,
    partial_update_user_by_email,
    partial_update_user_by_username,
)
from triboo_client.types import Response

from triboo_provider import params
from triboo_provider.client import retry
from triboo_provider.client.answers import expect_type
from triboo_provider.client.core import ClientCore
from triboo_provider.client.errors import TribooInputError, TribooServerError
from triboo_provider.client.paging import Envelope
from triboo_provider.client.protocols import JSONObject
from triboo_provider.identifiers import list_problems

_UNSENDABLE = re.compile(r"[,\s]")  # what the server splits identifier lists on
FILTER_BATCH = 100  # identifiers per comma-separated filter: keeps URLs well under 8 KB
_UPDATE_OPERATIONS = {
    "id": "partialUpdateUser",
    "username": "partialUpdateUserByUsername",
    "email": "partialUpdateUserByEmail",
}
Body = TypeVar("Body", models.UserCreate, models.UserUpdate)
UsersPageAnswer = models.UserPage | models.ApiError | models.AuthenticationError


class Users(ClientCore):
    """The user operations; every answer is plain JSON (``to_dict``: unknown fields kept)."""

    def find_users(
        self,
        *,
        usernames: Iterable[str] = (),
        emails: Iterable[str] = (),
        user_ids: Iterable[int] = (),
    ) -> list[JSONObject]:
        """Existing users among the given identifiers, each user once, in batched look-ups.

        Each argument follows :func:`triboo_provider.params.as_texts` (a bare string is
        never read as characters). The server matches usernames and e-mails ignoring case
        (MySQL's collation), so ``"Jane.Doe"`` finds ``jane.doe``: match the answers with
        :func:`triboo_provider.identifiers.match_key`.

        :raises TribooInputError: an identifier that cannot be sent (see
            :func:`filter_values`), before any request.
        """
        found: list[JSONObject] = []
        seen: set[Hashable] = set()
        for name, values in (
            ("user_id", filter_values(user_ids, "user_ids")),
            ("username", filter_values(usernames, "usernames")),
            ("email", filter_values(emails, "emails")),
        ):
            for start in range(0, len(values), FILTER_BATCH):
                chunk = ",".join(values[start : start + FILTER_BATCH])
                for users in self._pages(
                    "listUsers",
                    partial(self._users_page, name, chunk),
                    self._users_envelope,
                    _user_id,
                ):
                    for user in users:
                        if user.user_id not in seen:
                            seen.add(user.user_id)
                            found.append(user.to_dict())
        return found

    def _users_page(
        self, field: str, values: str, number: int, size: int
    ) -> Response[UsersPageAnswer]:
        """One page of users; a page of another shape, or a user without an integer id,
        raises here, inside the attempt, so it is an unreadable answer (a server error)."""
        response = list_users.sync_detailed(
            client=self.api, page=number, page_size=size, **{field: values}
        )
        page = response.parsed
        if (
            response.status_code == HTTPStatus.OK
            and isinstance(page, models.UserPage)
            and not all(_int_id(user.user_id) for user in Envelope.of_model(page).results)
        ):
            raise ValueError("a user without an integer user_id")
        return response

    @staticmethod
    def _users_envelope(parsed: UsersPageAnswer) -> Envelope[models.User]:
        return Envelope.of_model(expect_type("listUsers", parsed, models.UserPage))

    @overload
    def create_user(self, fields: JSONObject, *, resolve: Literal[True] = True) -> JSONObject: ...

    @overload
    def create_user(self, fields: JSONObject, *, resolve: Literal[False]) -> None: ...

    def create_user(self, fields: JSONObject, *, resolve: bool = True) -> JSONObject | None:
        """Create one user; return it with its ``user_id``, looked up (create answers none).

        With ``resolve=False`` nothing is looked up after success and None is returned:
        callers creating many users resolve their ids in one batched :meth:`find_users`.
        A connection error or 5xx is never answered by a blind second POST: the user is
        looked up first (:class:`~triboo_provider.client.retry.Recoverable`), and created
        again only if absent.

        :raises TribooInputError: ``fields`` is no valid user (a required field missing).
        :raises TribooConflictError: the username or e-mail is taken (``reason``).
        :raises TribooServerError: the created user is not found by its username.
        """
        body = _body(models.UserCreate, fields)
        username = body.username
        self.call(
            "createUser",
            lambda: create_user.sync_detailed(client=self.api, body=body),
            expect=(201,),
            policy=retry.Recoverable(
                check=lambda: bool(self.find_users(usernames=[username])),
                done="the user exists",
            ),
        )
        if not resolve:
            return None
        found = self.find_users(usernames=[username])
        if not found:
            raise TribooServerError("createUser", 201, "the created user is not found by username")
        return found[0]

    def update_user(self, *, by: str, identifier: str | int, fields: JSONObject) -> JSONObject:
        """PATCH only the given fields of a user found by ``id``, ``username`` or ``email``.

        :returns: the user as the server answered it.
        :raises TribooInputError: ``by`` is none of the three, or ``by="id"`` with an
            identifier that is no integer (no request made).
        """
        operation = _UPDATE_OPERATIONS.get(by)
        if operation is None:
            raise TribooInputError([f"by must be one of {sorted(_UPDATE_OPERATIONS)}, not {by!r}"])
        body = _body(models.UserUpdate, fields)
        api, key = self.api, str(identifier)
        if by == "id":
            try:
                user_id = int(identifier)
            except (TypeError, ValueError) as problem:
                raise TribooInputError(
                    [f"identifier must be a user id, not {identifier!r}"]
                ) from problem
            send = partial(partial_update_user.sync_detailed, user_id, client=api, body=body)
        elif by == "username":
            send = partial(
                partial_update_user_by_username.sync_detailed,
                str(identifier),
                client=api,
                body=body,
            )
        else:
            send = partial(partial_update_user_by_email.sync_detailed, key, client=api, body=body)
        return expect_type(operation, self.call(operation, send), models.UserUpdated).to_dict()

    def deactivate_users(
        self, *, user_ids: Sequence[int] = (), usernames: Sequence[str] = ()
    ) -> list[JSONObject]:
        """Deactivate in batches; one ``{"user_id", "username", "status"}`` per identifier.

        Both arguments follow :func:`triboo_provider.params.as_texts`. By username, the
        server deactivates a name in any case but reports one whose case differs from the
        account's as ``user_not_found`` (``bulk_destroy`` maps its answer back by exact
        name): prefer ids, as :class:`TribooDeactivateUsersOperator` does after a look-up.

        :raises TribooInputError: an identifier that cannot be sent, before any request.
        """
        ids = filter_values(user_ids, "user_ids")
        names = filter_values(usernames, "usernames")
        outcomes: list[JSONObject] = []
        for start in range(0, len(ids), FILTER_BATCH):
            chunk = ",".join(ids[start : start + FILTER_BATCH])
            results = self.call(
                "deactivateUsersById",
                partial(deactivate_users_by_id.sync_detailed, client=self.api, user_id=chunk),
            )
            outcomes.extend(_deactivated("deactivateUsersById", results))
        for start in range(0, len(names), FILTER_BATCH):
            chunk = ",".join(names[start : start + FILTER_BATCH])
            results = self.call(
                "deactivateUsersByUsername",
                partial(
                    deactivate_users_by_username.sync_detailed, client=self.api, username=chunk
                ),
            )
            outcomes.extend(_deactivated("deactivateUsersByUsername", results))
        return outcomes

    def iter_users(self) -> Iterator[JSONObject]:
        """Every user of the API user's organisation once, active or not, as plain JSON
        (the list route's fields: ``user_id``, ``username``, ``email``, ``is_active`` and
        the profile), read at the connection's page size (the largest by default).

        Pages are decoded without models (the export path): a roster sync reads the whole
        organisation on every run. A list that changes meanwhile is read again
        (:mod:`~triboo_provider.client.paging`).

        :raises TribooServerError: a user without an integer ``user_id``.
        :raises TribooPaginationError: the list kept changing while it was read.
        """
        for users in self._raw_pages("listUsers", list_users, _json_user_id):
            for user in users:
                if not _int_id(user.get("user_id")):
                    raise TribooServerError(
                        "listUsers", 200, "unreadable answer: a user without an integer user_id"
                    )
                yield user


def _json_user_id(user: JSONObject) -> Hashable | None:
    value = user.get("user_id")
    return value if _int_id(value) else None


def _body(model: type[Body], fields: JSONObject) -> Body:
    """The request body of ``fields``, or the caller's problem as an input error."""
    try:
        return model.from_dict(fields)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        why = f"{model.__name__} fields: {type(problem).__name__} {problem}"
        raise TribooInputError([why]) from problem


def _deactivated(operation: str, results: object) -> list[JSONObject]:
    if not isinstance(results, list):
        raise TribooServerError(operation, 200, "unreadable answer: not a list of results")
    return [expect_type(operation, r, models.DeactivationResult).to_dict() for r in results]


def _int_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _user_id(user: models.User) -> Hashable:
    return user.user_id


def filter_values(values: object, name: str) -> list[str]:
    """Identifiers for one comma-separated parameter, by the list rule.

    :raises TribooInputError: ``values`` is no list, an item is not text or an integer,
        or an item is blank or holds a comma or whitespace (the server splits on both);
        for ``user_ids``, an item is not a positive integer.
    """
    items = params.as_texts(values, name, integers=name == "user_ids")
    bad = [
        f"{name} item {n}: blank or holds a comma or whitespace"
        for n, v in enumerate(items, 1)
        if not v or _UNSENDABLE.search(v)
    ]
    if name == "user_ids":
        bad += list_problems(items, name, "user_id")
    if bad:
        raise TribooInputError(bad)
    return items
