"""Keep LMS accounts in step with HR: create, update and deactivate users."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from airflow.sdk import Context

from triboo_provider.operators.base import TribooBaseOperator, is_templated

if TYPE_CHECKING:
    from triboo_provider.identifiers import Kind
    from triboo_provider.targets import Target

IF_EXISTS = ("skip", "update", "fail")
LOOKUP_KEYS = ("username", "user_id", "email")


def _rows(users: Any, users_path: Any) -> tuple[list[dict[str, Any]], list[str]]:
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


def _changes(
    wanted: dict[str, Any], current: dict[str, Any], key: str | None = None
) -> dict[str, Any]:
    """Only the fields that differ: resending an unchanged username or e-mail is a 409.

    Usernames and e-mails are compared ignoring case, as the server's "already used" check
    does: a change of case alone cannot be sent (it would be a 409), so it is no change.
    """
    return {
        name: value
        for name, value in wanted.items()
        if name != key
        and current.get(name) != value
        and not (name == "username" and _same("username", current.get(name), value))
        and not (name == "email" and _same("email", current.get(name), value))
    }


class TribooCreateUsersOperator(TribooBaseOperator):
    """Create users, idempotently.

    Every row is validated first (all problems reported, each naming its row and field);
    then existing users are found with batched look-ups, and only the missing ones are
    created. Each created user's ``user_id`` is looked up (the API answers none).

    :param users: a list of dicts (templated: ``"{{ ti.xcom_pull(...) }}"`` works).
    :param users_path: a CSV or JSON Lines file (local path or ``ObjectStoragePath`` URL).
    :param if_exists: ``skip`` (default), ``update`` (send the fields that differ) or
        ``fail`` (raise before creating anything) for users that already exist.
    :param results_path: optional CSV with one line per row: label, username, outcome, user_id
        (a path or URL by the exports' rule, checked before any call; templated).

    Templated fields: ``users``, ``users_path``, ``results_path``.
    XCom: ``{"created", "skipped", "updated", "unchanged", "rows", "results_path"}``.
    """

    template_fields: Sequence[str] = ("users", "users_path", "results_path")

    def __init__(
        self,
        *,
        users: Any = None,
        users_path: Any = None,
        if_exists: str = "skip",
        results_path: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if results_path and not is_templated(results_path):
            _results_target(results_path)  # refused at DAG import, like the exports' paths
        if if_exists not in IF_EXISTS:
            raise ValueError(f"if_exists must be one of {', '.join(IF_EXISTS)}, not {if_exists!r}")
        self.users = users
        self.users_path = users_path
        self.if_exists = if_exists
        self.results_path = results_path

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.exceptions import TribooConflictError, TribooInputError
        from triboo_provider.validation import validate_users

        # The results file is checked before any call, not found wrong after the creates.
        results_target = _results_target(self.results_path) if self.results_path else None
        rows, labels = _rows(self.users, self.users_path)
        checked = validate_users(rows, creating=True, labels=labels)
        if checked.problems:
            raise TribooInputError(checked.problems)
        existing = self._existing(checked.rows)
        # A row must name its account by username: one whose e-mail is another account's
        # (under another username, or a second account) would act on the wrong person.
        mismatched = [
            f"{label}: {problem}"
            for label, row in zip(labels, checked.rows, strict=True)
            if (problem := _mismatch(row, existing))
        ]
        if mismatched:
            raise TribooInputError(mismatched, after="after the look-up; nothing was created")
        clashes = [
            (label, row)
            for label, row in zip(labels, checked.rows, strict=True)
            if _match(row, existing)
        ]
        self.log.info("%d rows valid; %d users already exist", len(rows), len(clashes))
        if clashes and self.if_exists == "fail":
            raise TribooConflictError(
                "createUsers",
                409,
                f"{len(clashes)} user(s) already exist, first {clashes[0][0]}; nothing created",
            )
        results = []
        for label, row in zip(labels, checked.rows, strict=True):
            outcome, user_id = self._one(row, existing)
            results.append(
                {"row": label, "username": row["username"], "outcome": outcome, "user_id": user_id}
            )
        # Created users' ids in one batched look-up (the create call answers no user_id).
        created = [r["username"] for r in results if r["outcome"] == "created"]
        ids = _index(self.hook.find_users(usernames=created), ("username",))
        for result in results:
            if result["outcome"] == "created":
                user = _match_one(ids, "username", result["username"])
                result["user_id"] = int(user["user_id"]) if user else None
        counts = Counter(result["outcome"] for result in results)
        self.log.info("users: %s", dict(counts))
        if results_target is not None:
            _write_results(results_target, results)
        return {
            "rows": len(results),
            **{k: counts.get(k, 0) for k in ("created", "skipped", "updated", "unchanged")},
            "results_path": self.results_path,
        }

    def _existing(self, rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
        found = self.hook.find_users(
            usernames=[r["username"] for r in rows], emails=[r["email"] for r in rows]
        )
        return _index(found, ("username", "email"))

    def _one(
        self, row: dict[str, Any], existing: dict[Any, dict[str, Any]]
    ) -> tuple[str, int | None]:
        from triboo_provider.exceptions import TribooConflictError

        current = _match(row, existing)
        if current is None:
            try:
                self.hook.create_user(row, resolve=False)
                return "created", None
            except TribooConflictError as conflict:
                # Created meanwhile by someone else: apply the policy to it.
                found = self.hook.find_users(usernames=[row["username"]], emails=[row["email"]])
                if not found:
                    raise TribooConflictError(
                        "createUser",
                        409,
                        f"{conflict.detail or 'conflict'}, yet no user of this organisation has "
                        "that username or e-mail",
                    ) from conflict
                current = found[0]
        if self.if_exists == "update":
            changes = _changes(row, current, key="username")
            if not changes:
                return "unchanged", int(current["user_id"])
            self.hook.update_user(by="id", identifier=int(current["user_id"]), fields=changes)
            return "updated", int(current["user_id"])
        return "skipped", int(current["user_id"])


def _same(kind: Kind, first: Any, second: Any) -> bool:
    from triboo_provider.identifiers import match_key

    return match_key(kind, first) == match_key(kind, second)


def _index(users: list[dict[str, Any]], kinds: tuple[Kind, ...]) -> dict[Any, dict[str, Any]]:
    """Users by ``(kind, match_key)``: the one matching rule (case-insensitive names)."""
    from triboo_provider.identifiers import match_key

    return {(kind, match_key(kind, user.get(kind))): user for user in users for kind in kinds}


def _mismatch(row: dict[str, Any], existing: dict[Any, dict[str, Any]]) -> str | None:
    """Why a row's username and e-mail do not name one account (or none), or None."""
    by_name = _match_one(existing, "username", row["username"])
    by_email = _match_one(existing, "email", row["email"])
    if by_email is None or by_email is by_name:
        return None
    if by_name is None:
        return f"its e-mail is the one of user {by_email['user_id']}, under another username"
    return "its username is one account's and its e-mail another's"


def _match(row: dict[str, Any], existing: dict[Any, dict[str, Any]]) -> dict[str, Any] | None:
    from triboo_provider.identifiers import match_key

    for kind in ("username", "email"):
        user = existing.get((kind, match_key(kind, row[kind])))
        if user is not None:
            return user
    return None


class TribooUpdateUsersOperator(TribooBaseOperator):
    """Update users found by ``user_id``, ``username`` or ``email``; send only what changes.

    Each user is read first (batched), and only fields that differ are sent with PATCH:
    the server answers 409 to an unchanged username or e-mail, and a PUT could reset
    fields on 2021 builds. Users not found are reported (``not_found``), and fail the
    task only with ``fail_on_missing``.

    Templated fields: ``users``, ``users_path``.
    XCom: ``{"rows", "updated", "unchanged", "not_found", "inactive"}``.
    """

    template_fields: Sequence[str] = ("users", "users_path")

    def __init__(
        self,
        *,
        users: Any = None,
        users_path: Any = None,
        by: str = "username",
        fail_on_missing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if by not in LOOKUP_KEYS:
            raise ValueError(f"by must be one of {', '.join(LOOKUP_KEYS)}, not {by!r}")
        self.users = users
        self.users_path = users_path
        self.by = by
        self.fail_on_missing = fail_on_missing

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.exceptions import TribooConflictError, TribooInputError
        from triboo_provider.validation import validate_users

        rows, labels = _rows(self.users, self.users_path)
        checked = validate_users(rows, creating=False, key=self.by, labels=labels)
        if checked.problems:
            raise TribooInputError(checked.problems)
        keys = [row[self.by] for row in checked.rows]
        lookup = {"user_id": "user_ids", "username": "usernames", "email": "emails"}[self.by]
        by = cast("Kind", self.by)
        current = _index(self.hook.find_users(**{lookup: keys}), (by,))
        counts: Counter[str] = Counter()
        missing = []
        for label, row in zip(labels, checked.rows, strict=True):
            user = _match_one(current, by, row[by])
            if user is None:
                counts["not_found"] += 1
                missing.append(label)
                continue
            changes = _changes(row, user, key=self.by)
            if not changes:
                counts["unchanged"] += 1
                continue
            try:
                self.hook.update_user(by="id", identifier=int(user["user_id"]), fields=changes)
                counts["updated"] += 1
            except TribooConflictError as conflict:
                if conflict.detail not in ("User inactive", "user_inactive"):
                    raise
                counts["inactive"] += 1
        self.log.info("users: %s", dict(counts))
        if missing and self.fail_on_missing:
            raise TribooInputError(
                [f"{label}: no such user" for label in missing],
                after=f"after the others were updated ({dict(counts)})",
            )
        return {
            "rows": len(rows),
            **{k: counts.get(k, 0) for k in ("updated", "unchanged", "not_found", "inactive")},
        }


def _match_one(index: dict[Any, dict[str, Any]], kind: Kind, value: Any) -> dict[str, Any] | None:
    from triboo_provider.identifiers import match_key

    return index.get((kind, match_key(kind, value)))


class TribooDeactivateUsersOperator(TribooBaseOperator):
    """Deactivate users by id or username, in batches (nothing is deleted).

    Already inactive and unknown users are reported, not failures, unless
    ``fail_on_missing`` is set (then a ``TribooInputError`` after the others were
    deactivated). Rerunning is harmless: a deactivated user comes back as
    ``user_already_inactive``. ``user_ids`` and ``usernames`` are list parameters
    (:mod:`triboo_provider.params`); an account named twice is deactivated once.

    Templated fields: ``user_ids``, ``usernames``.
    XCom: counts per server status (``user_deactivated``, ``user_already_inactive``,
    ``user_not_found``, ``user_is_superuser``) and ``rows``.
    """

    template_fields: Sequence[str] = ("user_ids", "usernames")

    def __init__(
        self,
        *,
        user_ids: Any = None,
        usernames: Any = None,
        fail_on_missing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.user_ids = user_ids
        self.usernames = usernames
        self.fail_on_missing = fail_on_missing

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.exceptions import TribooInputError
        from triboo_provider.identifiers import list_problems, unique
        from triboo_provider.params import as_texts

        ids = as_texts(self.user_ids, "user_ids", integers=True)
        names = as_texts(self.usernames, "usernames")
        problems = list_problems(ids, "user_ids", "user_id")
        problems += list_problems(names, "usernames", "username")
        if not ids and not names:
            problems.append(
                "give user_ids or usernames (the server refuses to deactivate everyone)"
            )
        if problems:
            raise TribooInputError(problems)
        # An account named twice (45 and "045", Jane.Doe and jane.doe) is deactivated once.
        items: dict[str, int | None] = {
            f"user_ids item {ids.index(v) + 1}": int(v) for v in unique(ids, "user_id")
        }
        taken = {user_id for user_id in items.values() if user_id is not None}
        items |= self._resolve(unique(names, "username"), names, taken)
        targets = [user_id for user_id in items.values() if user_id is not None]
        answers = {o["user_id"]: o for o in self.hook.deactivate_users(user_ids=targets)}
        statuses = {
            item: "user_not_found"
            if user_id is None
            else str(answers.get(user_id, {}).get("status", "user_not_found"))
            for item, user_id in items.items()
        }
        counts = Counter(statuses.values())
        self.log.info("deactivation: %s", dict(counts))
        if self.fail_on_missing and counts.get("user_not_found"):
            missing = [item for item, status in statuses.items() if status == "user_not_found"]
            raise TribooInputError(
                [f"{item}: no such user" for item in missing],
                after=f"after the others were deactivated ({dict(counts)})",
            )
        return {"rows": len(statuses), **dict(counts)}

    def _resolve(
        self, names: list[str], given: list[str], taken: set[int]
    ) -> dict[str, int | None]:
        """Usernames to user ids, by one batched look-up that ignores case.

        The server deactivates a username in any case (its database ignores case) but
        reports it ``user_not_found`` unless the case is exact (``bulk_destroy`` maps the
        answer back by exact name): asking by id gives true statuses. A name whose account
        is already named by id is left out (deactivated once).
        """
        from triboo_provider.identifiers import match_key

        found = {
            match_key("username", user["username"]): int(user["user_id"])
            for user in (self.hook.find_users(usernames=names) if names else [])
        }
        resolved: dict[str, int | None] = {}
        for name in names:
            user_id = found.get(match_key("username", name))
            if user_id is None or user_id not in taken:
                resolved[f"usernames item {given.index(name) + 1}"] = user_id
                if user_id is not None:
                    taken.add(user_id)
        return resolved


def _results_target(value: Any) -> Target:
    """``results_path`` read by the exports' path rule (:func:`~triboo_provider.targets.
    resolve`): a ``TribooInputError`` naming ``results_path`` for a value naming no file."""
    from triboo_provider.targets import resolve

    return resolve(value, "results_path")


def _write_results(target: Target, results: list[dict[str, Any]]) -> None:
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
