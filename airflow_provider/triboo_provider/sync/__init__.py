"""Roster sync's planning core: keep LMS accounts equal to the HR roster (issue 17).

Pure Python, no HTTP and no Airflow: :func:`compute_plan` turns a validated roster and the
organisation's accounts into a :class:`Plan` (create, update, reactivate, deactivate,
unchanged, excluded, conflict), refused by the safety stop when it looks like an accident.
Applying a plan is :mod:`triboo_provider.sync.apply` (through the hook's methods, no
Airflow); :class:`~triboo_provider.operators.sync_users.TribooSyncUsersOperator` joins them.
"""

from triboo_provider.sync.match import ConflictKind, MatchOn
from triboo_provider.sync.plan import ACTIONS, PLAN_COLUMNS, Action, Plan, PlanRow, compute_plan
from triboo_provider.sync.safety import DEFAULT_MAX_DEACTIVATIONS
from triboo_provider.sync.scope import Scope

__all__ = [
    "ACTIONS",
    "DEFAULT_MAX_DEACTIVATIONS",
    "PLAN_COLUMNS",
    "Action",
    "ConflictKind",
    "MatchOn",
    "Plan",
    "PlanRow",
    "Scope",
    "compute_plan",
]
