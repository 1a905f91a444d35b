"""Deactivate users in batches (nothing is deleted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

from airflow.sdk import Context

from triboo_provider.operators.base import TribooBaseOperator


class TribooDeactivateUsersOperator(TribooBaseOperator):
    """Deactivate users by id or username, in batches (nothing is deleted).

    Already inactive and unknown users are reported, not failures, unless
    ``fail_on_missing`` is set (then a ``TribooInputError`` after the others were
    deactivated). Rerunning is harmless: a deactivated user comes back as
    ``user_already_inactive``. ``user_ids`` and ``usernames`` are list parameters
    (:mod:`triboo_provider.params`); an account named twice is deactivated once.

    :param user_ids: user ids, a list parameter.
    :param usernames: usernames, a list parameter (matched ignoring case).
    :param fail_on_missing: a ``TribooInputError`` after the others were deactivated when
        some users are not found.
    :raises TribooInputError: an id or username is invalid, or neither is given (before
        any call), or with ``fail_on_missing``, users not found.

    Templated fields: ``triboo_conn_id``, ``user_ids``, ``usernames``.
    XCom: counts per server status (``user_deactivated``, ``user_already_inactive``,
    ``user_not_found``, ``user_is_superuser``) and ``rows``.
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "user_ids",
        "usernames",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"user_ids": "json", "usernames": "json"}

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
