"""Users: look up, create, update, deactivate (the generated ``users`` operations)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
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

from triboo_provider.client import arguments, retry
from triboo_provider.client.answers import expect_type
from triboo_provider.client.core import ClientCore
from triboo_provider.client.errors import TribooInputError, TribooServerError
from triboo_provider.client.paging import Envelope
from triboo_provider.client.protocols import JSONObject
from triboo_provider.validation import RULES

By = Literal["id", "username", "email"]
_UPDATE_OPERATIONS: dict[By, str] = {
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

        Identifiers are sent in batches of :func:`~triboo_provider.client.arguments.url_batches`.

        :raises TribooInputError: an identifier that cannot be sent, or can match no one
            (see :func:`~triboo_provider.client.arguments.filter_values`), before any request.
        """
        found: list[JSONObject] = []
        seen: set[Hashable] = set()
        for name, values in (
            ("user_id", arguments.filter_values(user_ids, "user_ids")),
            ("username", arguments.filter_values(usernames, "usernames")),
            ("email", arguments.filter_values(emails, "emails")),
        ):
            for chunk in arguments.url_batches(values):
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
        :raises TribooAPIError: any other refusal (``TribooValidationError`` for a 400...);
            a value sent that the answer repeats is ``<value>`` in its ``detail`` and
            ``field_errors`` (:func:`~triboo_provider.client.answers.scrubbed`).
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
            sent=_texts(fields),
        )
        if not resolve:
            return None
        found = self.find_users(usernames=[username])
        if not found:
            raise TribooServerError("createUser", 201, "the created user is not found by username")
        return found[0]

    def update_user(self, *, by: str, identifier: str | int, fields: JSONObject) -> JSONObject:
        """PATCH only the given fields of a user found by ``id``, ``username`` or ``email``.

        :param identifier: by ``id``, a user id (an integer, or its decimal text); else the
            username or e-mail (see :mod:`~triboo_provider.client.arguments`).
        :returns: the user as the server answered it.
        :raises TribooInputError: ``by`` is none of the three, ``identifier`` is not one
            (``True``, ``2.9``, ``0``, ``".."``, a blank or a template), or ``fields`` make
            no user body; no request made, and no value repeated.
        :raises TribooAPIError: the server's refusal (``TribooValidationError``,
            ``TribooConflictError``, ``TribooNotFoundError``...), a value sent that the
            answer repeats shown as ``<value>``.
        """
        # Typed str, not By: callers hold templated text; the choice is checked here.
        chosen = arguments.choice(by, "by", tuple(_UPDATE_OPERATIONS))
        operation, api = _UPDATE_OPERATIONS[chosen], self.api
        if chosen == "id":
            user_id = arguments.user_id(identifier)
            body = _body(models.UserUpdate, fields)
            send = partial(partial_update_user.sync_detailed, user_id, client=api, body=body)
        elif chosen == "username":
            name = arguments.path_name(identifier, "username", "identifier")
            body = _body(models.UserUpdate, fields)
            send = partial(
                partial_update_user_by_username.sync_detailed, name, client=api, body=body
            )
        else:
            email = arguments.path_name(identifier, "email", "identifier")
            body = _body(models.UserUpdate, fields)
            send = partial(partial_update_user_by_email.sync_detailed, email, client=api, body=body)
        named = [] if chosen == "id" else [str(identifier)]  # in the path: a person's too
        answer = self.call(operation, send, sent=[*named, *_texts(fields)])
        return expect_type(operation, answer, models.UserUpdated).to_dict()

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
        ids = arguments.filter_values(user_ids, "user_ids")
        names = arguments.filter_values(usernames, "usernames")
        outcomes: list[JSONObject] = []
        for chunk in arguments.url_batches(ids):
            results = self.call(
                "deactivateUsersById",
                partial(deactivate_users_by_id.sync_detailed, client=self.api, user_id=chunk),
            )
            outcomes.extend(_deactivated("deactivateUsersById", results))
        for chunk in arguments.url_batches(names):
            results = self.call(
                "deactivateUsersByUsername",
                partial(
                    deactivate_users_by_username.sync_detailed, client=self.api, username=chunk
                ),
                sent=chunk.split(","),  # usernames a refusal may repeat
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


def _body(model: type[Body], fields: object) -> Body:
    """The request body of ``fields``, or the caller's problem as an input error that
    names the field, never its value."""
    if not isinstance(fields, Mapping):
        kind = type(fields).__name__
        raise TribooInputError([f"{model.__name__}: fields must be a mapping, not a {kind}"])
    try:
        return model.from_dict(fields)
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        missing = problem.args[0] if isinstance(problem, KeyError) and problem.args else None
    # Raised here, after the except block, so the parser's error is neither the cause nor
    # the context: its message quotes the value ("Invalid isoformat string: 'Jane…'"), a
    # person's data, and Airflow prints a whole chain in the task log.
    raise TribooInputError(_unreadable_fields(model, fields, missing))


def _unreadable_fields(
    model: type[Body], fields: Mapping[str, object], missing: object
) -> list[str]:
    """Each field the model cannot read, by name and what it wants; every field is tried
    alone with ``UserUpdate`` (all optional), so a required one missing is found apart."""
    found = []
    for name, value in fields.items():
        try:
            models.UserUpdate.from_dict({name: value})
        except (KeyError, TypeError, ValueError, AttributeError):
            rule = RULES.get(name)
            if rule is not None and rule.format == "date":
                wanted = "a date (YYYY-MM-DD) is due"
            elif rule is not None and rule.enum is not None:
                wanted = "must be one of " + ", ".join(rule.enum)
            else:
                wanted = "a value of another type is due"
            found.append(f"{model.__name__} field {name}: {wanted}")
    if not found and isinstance(missing, str) and missing in RULES:
        found.append(f"{model.__name__} field {missing}: missing, but required")
    return found or [f"{model.__name__}: the fields make no user body"]


def _texts(fields: Mapping[str, object]) -> list[str]:
    """The text values of a request body (a server may repeat them in its answer)."""
    return [value for value in fields.values() if isinstance(value, str)]


def _deactivated(operation: str, results: object) -> list[JSONObject]:
    if not isinstance(results, list):
        raise TribooServerError(operation, 200, "unreadable answer: not a list of results")
    return [expect_type(operation, r, models.DeactivationResult).to_dict() for r in results]


def _int_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _user_id(user: models.User) -> Hashable:
    return user.user_id
