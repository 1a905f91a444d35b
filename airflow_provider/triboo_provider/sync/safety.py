"""The safety stop: a plan that looks like an accident is refused before any change.

A truncated HR export, a wrong file or a wrong ``match_on`` column would otherwise
deactivate most of the organisation in one run. Two checks, both before any change:

- **max_deactivations**, a count (``int``) or a fraction (``float`` in 0..1) of the
  in-scope active accounts, rounded up so that a small organisation can lose one person.
  The default, 0.1, is far above real churn (a 15 % yearly turnover is well under 0.1 % of
  the staff a day, and a first sync's backlog of forgotten leavers is a few per cent in an
  LMS that is looked after) yet below any truncation that loses more than a tenth of the
  file. A reorganisation or a first clean-up passes its count explicitly.
- **an empty or near-empty roster**: no rows at all is always refused (a sync never
  deactivates a whole scope from an empty file; use ``TribooDeactivateUsersOperator`` for
  that); fewer rows than half the in-scope active accounts is refused unless
  ``max_deactivations`` is a count that covers the plan's deactivations (an explicit count
  says the number was seen; a raised fraction does not).

Messages give counts and the parameter to change, never a person's data.
"""

from __future__ import annotations

import math
from typing import Any

from triboo_provider.exceptions import TribooInputError

__all__ = ["DEFAULT_MAX_DEACTIVATIONS", "NEAR_EMPTY_FRACTION", "deactivation_limit", "refusals"]

DEFAULT_MAX_DEACTIVATIONS = 0.1
NEAR_EMPTY_FRACTION = 0.5


def deactivation_limit(max_deactivations: Any, in_scope_active: int) -> int:
    """How many deactivations ``max_deactivations`` allows among ``in_scope_active``.

    :param max_deactivations: an ``int`` count (0 or more) or a ``float`` fraction in
        0..1 of ``in_scope_active``, rounded up.
    :raises TribooInputError: a bool, a negative count, a fraction outside 0..1 (or NaN),
        or any other type.
    """
    value = max_deactivations
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise TribooInputError(["max_deactivations: a negative count"])
        return value
    if isinstance(value, float):
        if not 0.0 <= value <= 1.0:  # NaN fails both comparisons
            raise TribooInputError(
                ["max_deactivations: a fraction must be between 0.0 and 1.0 (give a count as int)"]
            )
        # round() first: 0.1 * 160 is 16.000000000000004, which must allow 16, not 17.
        return math.ceil(round(value * in_scope_active, 9))
    raise TribooInputError(
        [
            f"max_deactivations: a {type(value).__name__}, not a count (int) "
            "or a fraction (float between 0.0 and 1.0)"
        ]
    )


def refusals(
    *, rows: int, deactivations: int, in_scope_active: int, max_deactivations: Any
) -> list[str]:
    """Why a plan must not be applied (empty when it may), each with how to override.

    :param rows: the roster's rows.
    :param deactivations: the plan's ``deactivate`` actions.
    :param in_scope_active: the active accounts in the sync's scope (the fraction's base).
    :raises TribooInputError: ``max_deactivations`` is no count or fraction.
    """
    limit = deactivation_limit(max_deactivations, in_scope_active)
    share = f"{deactivations} of {in_scope_active} in-scope active accounts"
    if rows == 0:
        return [
            f"the roster has no rows; {share} would be deactivated. A roster sync never "
            "acts on an empty file: to deactivate users on purpose, use "
            "TribooDeactivateUsersOperator"
        ]
    explicit = isinstance(max_deactivations, int) and not isinstance(max_deactivations, bool)
    problems = []
    if deactivations > limit:
        percent = 100 * deactivations / in_scope_active
        problems.append(
            f"the plan would deactivate {share} ({percent:.1f} %), more than "
            f"max_deactivations={max_deactivations!r} allows ({limit}). If this is intended, "
            f"pass max_deactivations={deactivations}"
        )
    near_empty = rows < NEAR_EMPTY_FRACTION * in_scope_active
    if near_empty and deactivations and not (explicit and deactivations <= limit):
        problems.append(
            f"the roster has {rows} row(s) for {in_scope_active} in-scope active accounts "
            f"(fewer than {NEAR_EMPTY_FRACTION:.0%}: a truncated or wrong file?); "
            f"{deactivations} would be deactivated. If this is intended, pass "
            f"max_deactivations={deactivations} (a count: a fraction does not override this)"
        )
    return problems
