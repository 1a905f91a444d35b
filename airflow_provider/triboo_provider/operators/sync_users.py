"""Keep LMS accounts equal to the HR roster: plan, show the plan, apply only the changes.

The planning is :mod:`triboo_provider.sync` (pure Python); applying is
:mod:`triboo_provider.sync.apply`. This module is the Airflow face: parameters, the plan
file, the safety stop, dry runs, XCom and logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from airflow.sdk import Context

from triboo_provider.operators.base import Check, TribooBaseOperator, choice, one_of

if TYPE_CHECKING:
    from triboo_provider.sync import MatchOn, Plan, PlanRow, Scope
    from triboo_provider.sync.apply import Applied, Replan

__all__ = ["MATCH_ON", "PLAN_FORMATS", "TribooSyncUsersOperator"]

MATCH_ON: tuple[MatchOn, ...] = ("email", "username", "lt_employee_id")
PlanFormat = Literal["csv", "jsonl", "parquet"]
PLAN_FORMATS: tuple[PlanFormat, ...] = ("csv", "jsonl", "parquet")
_TRUTH = {"true": True, "false": False}


def _scope(value: Any, name: str = "scope") -> object:
    from triboo_provider.sync.scope import as_scope

    return as_scope(value)


def _limit(value: Any, name: str = "max_deactivations") -> object:
    from triboo_provider.sync.safety import deactivation_limit

    return deactivation_limit(value, 0)


def _target(value: Any, name: str = "plan_path") -> Any:
    """The plan file's target; no plan file (None or empty) is None."""
    from triboo_provider.targets import resolve

    return resolve(value, name) if value else None


def _flag(value: object, name: str) -> bool:
    """A bool parameter, given as one or rendered by a template (``"True"``, ``"false"``).

    :raises TribooInputError: anything else (``"yes"``, ``1``, ``None``), naming ``name``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUTH:
        return _TRUTH[value.strip().lower()]
    from triboo_provider.exceptions import TribooInputError

    raise TribooInputError([f"{name}: must be true or false, not {value!r}"])


class TribooSyncUsersOperator(TribooBaseOperator):
    """Make the organisation's accounts equal to a full HR roster (README, "Roster sync").

    The roster is validated in full first (every problem names its row and field, as for
    :class:`~triboo_provider.operators.users.TribooCreateUsersOperator`); then every user
    of the organisation is read once (paged, at the largest page size) and a plan is
    computed: ``create``, ``update`` (the roster's columns, changed fields only),
    ``reactivate``, ``deactivate`` (in scope, active, not in the roster), ``unchanged``,
    ``excluded`` (outside the scope, never touched) and ``conflict`` (a row that cannot be
    acted on without guessing, e.g. its e-mail is one account's and its employee id
    another's). The plan is written to ``plan_path``, the safety stop is enforced, and
    unless ``dry_run`` the changes are applied (:mod:`triboo_provider.sync.apply`), then
    the file is written again with each line's outcome.

    **Conflicts are skipped and reported** (a row the server refuses, a 400 or a 409,
    is one too): the other changes are applied, the task
    succeeds, and a warning gives their count (the plan file says which rows and why).
    One wrong HR row must not stop a whole organisation's joiners and leavers, day
    after day, until someone fixes it. ``fail_on_conflict=True`` fails the task instead,
    after the other changes (a ``TribooPolicyError``), for teams that alert on failures.

    A retried task, or the next day's run, reads the accounts again and plans from
    their current state: what was done is not done twice, and a run right after a
    complete one plans nothing (on the 2021 server generation, which cannot reactivate,
    a rehire stays planned as ``reactivate`` and ends ``cannot_reactivate``).

    :param roster: a list of dicts, or a string holding a JSON list of them.
    :param roster_path: a CSV or JSON Lines file (local path or ``ObjectStoragePath`` URL).
    :param match_on: the column that finds a row's account: ``email`` (default),
        ``username`` or ``lt_employee_id`` (HR's key, stable when e-mails change).
    :param scope: the accounts the sync owns and may change: by default every account but
        superusers, admins (staff) and ``api_username``; a mapping narrows it by field
        equality (``{"lt_company": "Acme"}``), a :class:`~triboo_provider.sync.Scope` also
        sets the roles. An account outside only by those fields, whose row sets them to
        the scope's values, is adopted (a transfer between two scoped syncs).
    :param api_username: the API user's username, never touched (it is a superuser on a
        tenant set up as documented, hence outside the scope anyway).
    :param max_deactivations: the safety stop: a count (``int``) or a fraction (``float``
        in 0..1) of the in-scope active accounts; default 0.1. An empty roster is always
        refused, a roster with fewer rows than half the in-scope active accounts unless a
        count covers the deactivations (:mod:`triboo_provider.sync.safety`).
    :param plan_path: where the plan goes (a path or URL by the exports' rule), one line
        per account: ``action``, ``key``, ``user_id``, ``fields`` (names, comma-separated),
        ``row``, ``note``, ``outcome`` (empty until applied). It holds the matching keys
        (e-mails, if ``match_on`` is ``email``): as private as the roster.
    :param plan_format: ``csv`` (default), ``jsonl`` or ``parquet``.
    :param dry_run: write the plan and change nothing (a bool, or ``"true"``/``"false"``
        as a template renders it).
    :param fail_on_conflict: fail the task after the other changes when a row conflicts.
    :raises TribooInputError: a parameter or a row is invalid (before any call; at DAG
        import when not templated).
    :raises TribooPolicyError: the safety stop (the users were read, the plan file written,
        nothing changed), or conflicts with ``fail_on_conflict`` (after the other changes).

    Templated fields: ``triboo_conn_id``, ``roster``, ``roster_path``, ``match_on``,
    ``plan_path``, ``dry_run``.
    XCom: ``{"dry_run", "planned", "applied", "plan_path"}``: ``planned`` counts the plan's
    lines per action (every action, zeros included); ``applied`` counts outcomes
    (``created``, ``updated``, ``reactivated``, ``deactivated``, ``unchanged``,
    ``excluded``, ``already_inactive``, ``cannot_reactivate``, ``superuser``,
    ``not_found``, ``conflict``), empty on a dry run.
    """

    template_fields: Sequence[str] = (
        *TribooBaseOperator.template_fields,
        "roster",
        "roster_path",
        "match_on",
        "plan_path",
        "dry_run",
    )
    template_fields_renderers: ClassVar[dict[str, str]] = {"roster": "json"}
    import_checks: ClassVar[Mapping[str, Check]] = {
        **TribooBaseOperator.import_checks,
        "match_on": one_of(MATCH_ON),
        "plan_format": one_of(PLAN_FORMATS),
        "plan_path": _target,
        "dry_run": _flag,
        "scope": _scope,
        "max_deactivations": _limit,
    }
    # Shadows BaseOperator.dry_run(), a method nothing in Airflow 3 calls (it only renders
    # templates and logs them): dry_run is the name users know for this switch.
    dry_run: bool | str  # type: ignore[assignment]

    def __init__(
        self,
        *,
        roster: Any = None,
        roster_path: Any = None,
        match_on: MatchOn = "email",
        scope: Scope | Mapping[str, Any] | None = None,
        api_username: str | None = None,
        max_deactivations: int | float = 0.1,
        plan_path: Any = None,
        plan_format: PlanFormat = "csv",
        dry_run: bool | str = False,
        fail_on_conflict: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # Wrong settings fail at DAG import (and in partial()), not on the first run.
        self.check_given(
            {
                "match_on": match_on,
                "plan_format": plan_format,
                "plan_path": plan_path,
                "dry_run": dry_run,
                "scope": scope,
                "max_deactivations": max_deactivations,
            }
        )
        self.roster = roster
        self.roster_path = roster_path
        self.match_on = match_on
        self.scope = scope
        self.api_username = api_username
        self.max_deactivations = max_deactivations
        self.plan_path = plan_path
        self.plan_format = plan_format
        self.dry_run = dry_run
        self.fail_on_conflict = fail_on_conflict

    def execute(self, context: Context) -> dict[str, Any]:
        from triboo_provider.sync import compute_plan
        from triboo_provider.sync.apply import apply_plan
        from triboo_provider.sync.compare import reactivates
        from triboo_provider.sync.roster import read_roster

        match_on = choice(self.match_on, "match_on", MATCH_ON)
        dry_run = _flag(self.dry_run, "dry_run")
        target = _target(self.plan_path)  # checked before any call
        rows, labels = read_roster(self.roster, self.roster_path, match_on=match_on)
        accounts = list(self.hook.iter_users())
        self.log.info("roster: %d rows; organisation: %d users", len(rows), len(accounts))
        plan = compute_plan(
            rows,
            accounts,
            labels=labels,
            match_on=match_on,
            scope=self.scope,
            api_username=self.api_username,
            max_deactivations=self.max_deactivations,
            can_reactivate=reactivates(accounts),
            enforce=False,
        )
        self.log.info("plan (%d in-scope active accounts): %s", plan.in_scope_active, plan.counts())
        if target is not None:
            self._write([{**row, "outcome": None} for row in plan.rows()])
        plan.enforce()  # the safety stop, before any change, after the plan file is written
        if dry_run:
            self.log.info("dry run: nothing was changed")
            return self._summary(plan, None, dry_run=True)
        # Stopped by a systemic error, the plan file still says what was done so far.
        stopped = (lambda done: self._write(done.rows())) if target is not None else None
        applied = apply_plan(
            plan, self.hook, replan=self._replanner(match_on), log=self.log, stopped=stopped
        )
        self.log.info("applied: %s", {k: v for k, v in applied.counts().items() if v})
        if target is not None:
            self._write(applied.rows())
        self._report_conflicts(applied)
        return self._summary(plan, applied, dry_run=False)

    def _replanner(self, match_on: MatchOn) -> Replan:
        """Plan one create row again against the accounts a 409 pointed at."""
        from triboo_provider.sync import compute_plan

        def replan(item: PlanRow, found: list[dict[str, Any]]) -> PlanRow:
            again = compute_plan(
                [item.send],
                found,
                labels=[item.row or "row"],
                match_on=match_on,
                scope=self.scope,
                api_username=self.api_username,
                enforce=False,
            )
            return again.items[0]

        return replan

    def _write(self, rows: list[dict[str, Any]]) -> None:
        import pyarrow as pa

        from triboo_provider.outputs import write_table
        from triboo_provider.sync.apply import RESULT_COLUMNS

        types = {"user_id": pa.int64()}
        schema = pa.schema([(name, types.get(name, pa.string())) for name in RESULT_COLUMNS])
        fmt = choice(self.plan_format, "plan_format", PLAN_FORMATS)
        written = write_table(self.plan_path, pa.Table.from_pylist(rows, schema=schema), fmt)
        self.log.info("plan file: %d lines written", written["rows"])

    def _report_conflicts(self, applied: Applied) -> None:
        from triboo_provider.exceptions import TribooPolicyError

        conflicts = applied.conflicts()
        if not conflicts:
            return
        self.log.warning(
            "%d roster row(s) in conflict were skipped; the plan file's conflict lines say "
            "which and why (fix the roster or the accounts; the next run picks them up)",
            len(conflicts),
        )
        if self.fail_on_conflict:
            raise TribooPolicyError(
                [f"{line.row}: {line.note}" for line in conflicts],
                done=f"fail_on_conflict: the other changes were applied ({applied.counts()})",
            )

    def _summary(self, plan: Plan, applied: Applied | None, *, dry_run: bool) -> dict[str, Any]:
        return {
            "dry_run": dry_run,
            "planned": plan.counts(),
            "applied": applied.counts() if applied is not None else {},
            "plan_path": str(self.plan_path) if self.plan_path else None,
        }
