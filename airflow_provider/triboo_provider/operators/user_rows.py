"""The user operators' row handling: reading rows, matching them to accounts, the fields
that changed, and the create operator's results file.

One matching rule throughout (:func:`triboo_provider.identifiers.match_key`): usernames
and e-mails ignoring case, as the server's database compares them; ids exactly. Users
are indexed by ``(kind, match key)``. Internal to :mod:`triboo_provider.operators`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from triboo_provider.identifiers import Kind
    from triboo_provider.targets import Target

User = dict[str, Any]
Index = dict[tuple[str, Any], User]


def read_rows(users: Any, users_path: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows of ``users`` (a list of objects, or a string holding one) or of the file
    ``users_path`` (CSV or JSON Lines), with a label per row (``row N`` / ``line N``).

    :raises TribooInputError: neither or both are given, ``users`` is not a list of
        objects, or the file cannot be read.
    """
    from triboo_provider.exceptions import TribooInputError
    from triboo_provider.inputs import load_rows
    from triboo_provider.params import as_list

    if (users is None) == (users_path is None):
        raise TribooInputError(
            ["give exactly one of users (a list of dicts) or users_path (a CSV/JSONL file)"]
        )
    if users is None:
        return load_rows(users_path)
    if isinstance(users, str) and not users.strip().startswith(("[", "(")):
        raise TribooInputError(
            ["users: a string must be a JSON list of objects; give a file as users_path"]
        )
    return load_rows(as_list(users, "users"))


def same(kind: Kind, first: Any, second: Any) -> bool:
    """Whether two values name one account by the matching rule."""
    from triboo_provider.identifiers import match_key

    return match_key(kind, first) == match_key(kind, second)


def changes(wanted: dict[str, Any], current: User, key: str | None = None) -> dict[str, Any]:
    """Only the fields that differ: resending an unchanged username or e-mail is a 409.

    Usernames and e-mails are compared ignoring case, as the server's "already used" check
    does: a change of case alone cannot be sent (it would be a 409), so it is no change.
    ``key`` (the column naming the account) is never a change.
    """
    return {
        name: value
        for name, value in wanted.items()
        if name != key
        and current.get(name) != value
        and not (name == "username" and same("username", current.get(name), value))
        and not (name == "email" and same("email", current.get(name), value))
    }


def index(users: list[User], kinds: tuple[Kind, ...]) -> Index:
    """Users by ``(kind, match_key)``, for each of ``kinds``."""
    from triboo_provider.identifiers import match_key

    return {(kind, match_key(kind, user.get(kind))): user for user in users for kind in kinds}


def match_one(users: Index, kind: Kind, value: Any) -> User | None:
    """The user ``value`` names as a ``kind``, or None."""
    from triboo_provider.identifiers import match_key

    return users.get((kind, match_key(kind, value)))


def match(row: dict[str, Any], users: Index) -> User | None:
    """The user a create row names, by username first, then by e-mail; or None."""
    by_name = match_one(users, "username", row["username"])
    return by_name if by_name is not None else match_one(users, "email", row["email"])


def mismatch(row: dict[str, Any], users: Index) -> str | None:
    """Why a row's username and e-mail do not name one account (or none), or None."""
    by_name = match_one(users, "username", row["username"])
    by_email = match_one(users, "email", row["email"])
    if by_email is None or by_email is by_name:
        return None
    if by_name is None:
        return f"its e-mail is the one of user {by_email['user_id']}, under another username"
    return "its username is one account's and its e-mail another's"


def results_target(value: Any) -> Target:
    """``results_path`` read by the exports' path rule (:func:`~triboo_provider.targets.
    resolve`).

    :raises TribooInputError: naming ``results_path``, for a value naming no file.
    """
    from triboo_provider.targets import resolve

    return resolve(value, "results_path")


def write_results(target: Target, results: list[dict[str, Any]]) -> None:
    """The create operator's results as CSV: ``row``, ``username``, ``outcome``,
    ``user_id`` (committed whole, or nothing: :func:`~triboo_provider.writers.atomic_table`).
    """
    import pyarrow as pa

    from triboo_provider.writers import atomic_table

    schema = pa.schema(
        [
            ("row", pa.string()),
            ("username", pa.string()),
            ("outcome", pa.string()),
            ("user_id", pa.int64()),
        ]
    )
    with atomic_table(target, "csv", schema) as writer:
        writer.write(results)
