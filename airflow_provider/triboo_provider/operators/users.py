"""Keep LMS accounts in step with HR: create, update and deactivate users.

Rows are matched to accounts by :mod:`triboo_provider.operators.user_rows`; the
deactivation operator lives in :mod:`~triboo_provider.operators.deactivation` and is
importable from here too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal

from airflow.sdk import Context

from triboo_provider.operators import user_rows
from triboo_provider.operators.base import Check, TribooBaseOperator, choice, one_of
from triboo_provider.operators.deactivation import TribooDeactivateUsersOperator

__all__ = [
    "IF_EMPTY",
    "IF_EXISTS",
    "LOOKUP_KEYS",
    "TribooCreateUsersOperator",
    "TribooDeactivateUsersOperator",
    "TribooUpdateUsersOperator",
]

IfExists = Literal["skip", "update", "fail"]
IfEmpty = Literal["fail", "skip"]
LookupKey = Literal["username", "user_id", "email"]
IF_EXISTS: tuple[IfExists, ...] = ("skip", "update", "fail")
IF_EMPTY: tuple[IfEmpty, ...] = ("fail", "skip")
LOOKUP_KEYS: tuple[LookupKey, ...] = ("username", "user_id", "email")
_LOOKUPS: dict[LookupKey, str] = {"user_id": "user_ids", "username": "usernames", "email": "emails"}


class TribooCreateUsersOperator(TribooBaseOperator):
    """Create users, idempotently.

    Every row is validated first (all problems reported, each naming its row and field);
    then existing users are found with batched look-ups, and only the missing ones are
    created. Each created user's ``user_id`` is looked up (the API answers none).

    :param users: a list of dicts, or a string holding a JSON list of them
        (``"{{ ti.xcom_pull(...) }}"`` works).
    :param users_path: a CSV or JSON Lines file (local path or ``ObjectStoragePath`` URL).
    :param if_exists: ``skip`` (default), ``update`` (send the fields that differ) or
        ``fail`` (a ``TribooPolicyError`` before creating anything) for users that
        already exist. With ``update``, an inactive account (a rehire) that needs changes
        is counted as ``inactive``, left as it is (the server refuses to change it); the
        task succeeds. ``TribooSyncUsersOperator`` reactivates such accounts.
    :param if_empty: ``fail`` (default: a ``TribooInputError``) or ``skip`` (the task is
        skipped, no call made) when the input has no rows, such as a daily extract with a
        header only.
    :param results_path: optional CSV with one line per row: label, username, outcome, user_id
        (a path or URL by the exports' rule, checked before any call).
    :raises TribooInputError: a choice, a row or ``results_path`` is invalid (before any
        call; a choice or path at DAG import when not templated), or a row's e-mail is
        another account's (after the look-up, before any create).
    :raises TribooPolicyError: ``if_exists="fail"`` and some users exist (nothing created).

    Templated fields: ``triboo_conn_id``, ``users``, ``users_path``, ``if_exists``,
    ``if_empty``, ``results_path``.
    XCom: ``{"rows", "created", "skipped", "updated", "unchanged", "inactive",
    "results_path", "usernames"}``: counts, and every row's username as validated, in row
    order (what to enroll next: map over :func:`triboo_provider.batching.batches` of it).
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "users",
        "users_path",
        "if_exists",
        "if_empty",
        "results_path",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"users": "json"}
    import_checks: ClassVar[Mapping[str, Check]] = {
        **TribooBaseOperator.import_checks,
        "if_exists": one_of(IF_EXISTS),
        "if_empty": one_of(IF_EMPTY),
    }

    def __init__(
        self,
        *,
        users: Any = None,
        users_path: Any = None,
        if_exists: IfExists = "skip",
        if_empty: IfEmpty = "fail",
        results_path: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check_given(
            {"results_path": results_path, "if_exists": if_exists, "if_empty": if_empty}
        )
        self.users = users
        self.users_path = users_path
        self.if_exists = if_exists
        self.if_empty = if_empty
        self.results_path = results_path

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.exceptions import TribooInputError, TribooPolicyError
        from triboo_provider.validation import validate_users

        if_exists = choice(self.if_exists, "if_exists", IF_EXISTS)
        if_empty = choice(self.if_empty, "if_empty", IF_EMPTY)
        # The results file is checked before any call, not found wrong after the creates.
        results_target = (
            None if self.results_path is None else user_rows.results_target(self.results_path)
        )
        rows, labels = user_rows.read_rows(self.users, self.users_path)
        if not rows and if_empty == "skip":
            from airflow.sdk.exceptions import AirflowSkipException

            raise AirflowSkipException("the input has no rows: nobody to create")
        checked = validate_users(rows, creating=True, labels=labels)
        if checked.problems:
            raise TribooInputError(checked.problems)
        existing = self._existing(checked.rows)
        # A row must name its account by username: one whose e-mail is another account's
        # (under another username, or a second account) would act on the wrong person.
        mismatched = [
            f"{label}: {problem}"
            for label, row in zip(labels, checked.rows, strict=True)
            if (problem := user_rows.mismatch(row, existing))
        ]
        if mismatched:
            raise TribooInputError(mismatched, after="after the look-up; nothing was created")
        clashes = [
            f"{label}: user {user['user_id']} already exists"
            for label, row in zip(labels, checked.rows, strict=True)
            if (user := user_rows.match(row, existing)) is not None
        ]
        self.log.info("%d rows valid; %d users already exist", len(rows), len(clashes))
        if clashes and if_exists == "fail":
            raise TribooPolicyError(
                clashes, done='if_exists="fail": looked up, nothing was created'
            )
        results = []
        for label, row in zip(labels, checked.rows, strict=True):
            outcome, user_id = self._one(row, existing, if_exists)
            results.append(
                {"row": label, "username": row["username"], "outcome": outcome, "user_id": user_id}
            )
        # Created users' ids in one batched look-up (the create call answers no user_id).
        created = [r["username"] for r in results if r["outcome"] == "created"]
        ids = user_rows.index(self.hook.find_users(usernames=created), ("username",))
        for result in results:
            if result["outcome"] == "created":
                user = user_rows.match_one(ids, "username", result["username"])
                result["user_id"] = int(user["user_id"]) if user else None
        counts = Counter(result["outcome"] for result in results)
        self.log.info("users: %s", dict(counts))
        if results_target is not None:
            user_rows.write_results(results_target, results)
        return {
            "rows": len(results),
            **{
                k: counts.get(k, 0)
                for k in ("created", "skipped", "updated", "unchanged", "inactive")
            },
            "results_path": self.results_path,
            "usernames": [row["username"] for row in checked.rows],
        }

    def _existing(self, rows: list[dict[str, Any]]) -> user_rows.Index:
        found = self.hook.find_users(
            usernames=[r["username"] for r in rows], emails=[r["email"] for r in rows]
        )
        return user_rows.index(found, ("username", "email"))

    def _one(
        self, row: dict[str, Any], existing: user_rows.Index, if_exists: IfExists
    ) -> tuple[str, int | None]:
        from triboo_provider.exceptions import TribooConflictError

        current = user_rows.match(row, existing)
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
                        reason=conflict.reason,
                    ) from conflict
                current = found[0]
        if if_exists == "update":
            changes = user_rows.changes(row, current, key="username")
            if not changes:
                return "unchanged", int(current["user_id"])
            try:
                self.hook.update_user(by="id", identifier=int(current["user_id"]), fields=changes)
            except TribooConflictError as conflict:
                # An inactive account (a rehire) cannot be updated: reported, as the update
                # operator does, rather than failing (and retrying) after the other rows.
                if conflict.reason != "user_inactive":
                    raise
                return "inactive", int(current["user_id"])
            return "updated", int(current["user_id"])
        return "skipped", int(current["user_id"])


class TribooUpdateUsersOperator(TribooBaseOperator):
    """Update users found by ``user_id``, ``username`` or ``email``; send only what changes.

    Each user is read first (batched), and only fields that differ are sent with PATCH:
    the server answers 409 to an unchanged username or e-mail, and a PUT could reset
    fields on 2021 builds. Users not found are reported (``not_found``), and fail the
    task only with ``fail_on_missing``; inactive users are reported (``inactive``).

    :param users: a list of dicts, or a string holding a JSON list of them.
    :param users_path: a CSV or JSON Lines file (local path or ``ObjectStoragePath`` URL).
    :param by: the column naming each row's account: ``username`` (default), ``user_id``
        or ``email``.
    :param fail_on_missing: a ``TribooInputError`` after the others were updated when
        some users are not found.
    :raises TribooInputError: ``by`` or a row is invalid (before any call; ``by`` at DAG
        import when not templated), or with ``fail_on_missing``, users not found.

    Templated fields: ``triboo_conn_id``, ``users``, ``users_path``, ``by``.
    XCom: ``{"rows", "updated", "unchanged", "not_found", "inactive"}``.
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "users",
        "users_path",
        "by",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"users": "json"}
    import_checks: ClassVar[Mapping[str, Check]] = {
        **TribooBaseOperator.import_checks,
        "by": one_of(LOOKUP_KEYS),
    }

    def __init__(
        self,
        *,
        users: Any = None,
        users_path: Any = None,
        by: LookupKey = "username",
        fail_on_missing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check_given({"by": by})
        self.users = users
        self.users_path = users_path
        self.by = by
        self.fail_on_missing = fail_on_missing

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.exceptions import TribooConflictError, TribooInputError
        from triboo_provider.validation import validate_users

        by = choice(self.by, "by", LOOKUP_KEYS)
        rows, labels = user_rows.read_rows(self.users, self.users_path)
        checked = validate_users(rows, creating=False, key=by, labels=labels)
        if checked.problems:
            raise TribooInputError(checked.problems)
        keys = [row[by] for row in checked.rows]
        current = user_rows.index(self.hook.find_users(**{_LOOKUPS[by]: keys}), (by,))
        counts: Counter[str] = Counter()
        missing = []
        for label, row in zip(labels, checked.rows, strict=True):
            user = user_rows.match_one(current, by, row[by])
            if user is None:
                counts["not_found"] += 1
                missing.append(label)
                continue
            changes = user_rows.changes(row, user, key=by)
            if not changes:
                counts["unchanged"] += 1
                continue
            try:
                self.hook.update_user(by="id", identifier=int(user["user_id"]), fields=changes)
                counts["updated"] += 1
            except TribooConflictError as conflict:
                if conflict.reason != "user_inactive":
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
