"""Workload 7: TribooSyncUsersOperator on a 10 000-account organisation and a roster with
1 % churn, for requests against the minimum and for wall time under the server's limits.

Each repetition seeds two identical sandboxes (same seed, same accounts). On the first,
without limits, one sync applies the churn: its requests are compared with the minimum.
On the second, with the server's limits on a time-scaled minute, the same sync runs
(wall time against the bound those limits allow, 429s), then a second sync right after
it, which must plan nothing (its requests: the token and the pages).
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

from benchmarks.harness import Sandbox, Series, Sizes, measure, sandbox
from benchmarks.variants import token

PAGE_SIZE = 1000  # the server's largest page size, which the sync reads at
USERS_LIMIT = 20  # user-family requests the server admits per API user and minute
# The connection's default limits per minute, the server's.
SERVER_LIMITS = {
    "users_per_minute": USERS_LIMIT,
    "reports_per_minute": 10,
    "bulk_enroll_per_minute": 120,
}
# The churn, as fractions of the organisation's accounts (at least one of each).
CHURN = {"create": 0.004, "update": 0.003, "deactivate": 0.003, "reactivate": 0.0005}
SEEDED_OUTSIDE = 2  # the sandbox adds its API user and a staff user to the organisation


def organisation(server: Sandbox) -> list[dict[str, Any]]:
    """Every account of the demo organisation, read at the largest page size."""
    headers = {"Authorization": f"Bearer {token(server.url)}"}
    accounts: list[dict[str, Any]] = []
    page, pages = 1, 1
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
        while page <= pages:
            answer = http.get(
                "/api/extended/v1/users/", params={"page": page, "page_size": PAGE_SIZE}
            ).json()
            pages = answer["num_pages"]
            accounts += answer["results"]
            page += 1
    return accounts


def churn_counts(size: int) -> dict[str, int]:
    """How many accounts each action touches in an organisation of ``size`` accounts."""
    return {action: max(1, round(size * share)) for action, share in CHURN.items()}


def _row(account: dict[str, Any]) -> dict[str, Any]:
    return {key: account[key] for key in ("username", "email", "first_name", "last_name", "name")}


def churned_roster(accounts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The HR roster of ``accounts`` after a day's churn, and the churn's counts.

    The roster holds every active learner (the sync's default scope) but the leavers,
    with changed last names for the updates, plus the rehires (inactive learners) and the
    joiners (new people). Picks are spread evenly over the accounts, not random, so that
    every repetition plans the same changes.
    """
    counts = churn_counts(len(accounts))
    learners = [a for a in accounts if a["platform_role"] == "Learner"]
    active = [a for a in learners if a["is_active"]]
    inactive = [a for a in learners if not a["is_active"]]
    step = len(active) // (counts["deactivate"] + counts["update"])
    picked = active[::step][: counts["deactivate"] + counts["update"]]
    leavers = {a["user_id"] for a in picked[: counts["deactivate"]]}
    changed = {a["user_id"] for a in picked[counts["deactivate"] :]}
    roster: list[dict[str, Any]] = []
    for account in active:
        if account["user_id"] in leavers:
            continue
        row = _row(account)
        if account["user_id"] in changed:  # a marriage: new last name, new display name
            row["last_name"] = f"{row['last_name']}-Rossi"
            row["name"] = f"{row['first_name']} {row['last_name']}"
        roster.append(row)
    roster += [_row(a) for a in inactive[: counts["reactivate"]]]
    roster += [
        {
            "username": f"sync.joiner{n}",
            "email": f"sync.joiner{n}@example.com",
            "first_name": "Sync",
            "last_name": f"Joiner{n}",
            "name": f"Sync Joiner{n}",
        }
        for n in range(counts["create"])
    ]
    return roster, counts


def minimum(accounts: int, counts: dict[str, int]) -> int:
    """The fewest requests a sync of this churn can make: the token, the pages of the
    organisation at the largest page size, one call per created, updated or reactivated
    account, one look-up of the new ids per 100 created, one call per 100 deactivations."""
    return (
        1
        + math.ceil(accounts / PAGE_SIZE)
        + counts["create"]
        + counts["update"]
        + counts["reactivate"]
        + math.ceil(counts["create"] / 100)
        + math.ceil(counts["deactivate"] / 100)
    )


def roster_sync_workload(sizes: Sizes) -> dict[str, Any]:
    """Run 1 unthrottled, run 2 throttled and run 3 (nothing to do), ``sizes.runs`` times."""
    window = 60 * sizes.scale
    seeded = sizes.sync_users - SEEDED_OUTSIDE  # the organisation holds sync_users accounts
    free, paced, again = Series("sync"), Series("sync throttled"), Series("sync again")
    for _ in range(sizes.runs):
        with tempfile.TemporaryDirectory() as folder:
            with sandbox(seeded) as server:
                accounts = organisation(server)
                roster, counts = churned_roster(accounts)
                options = {
                    "roster": roster,
                    "max_deactivations": counts["deactivate"],
                    "plan_path": f"{folder}/plan.csv",
                }
                free.runs.append(measure(server, "sync_users", options))
            # The connection's default limits (the variants' connect() turns them off), on
            # the scaled minute, and a budget file of this repetition's own: other
            # processes of this OS user (tests, other benchmarks) share the default one.
            extra = {
                **SERVER_LIMITS,
                "rate_window_seconds": window,
                "rate_limit_store": f"sqlite:///{Path(folder, 'budget.sqlite3')}",
            }
            with sandbox(seeded, rate_limits=str(sizes.scale)) as server:
                paced.runs.append(measure(server, "sync_users", {**options, "extra": extra}))
                again.runs.append(measure(server, "sync_users", {**options, "extra": extra}))
        print(
            f"    sync: {free.runs[-1]['wall']:.2f} s, throttled {paced.runs[-1]['wall']:.2f} s, "
            f"again {again.runs[-1]['wall']:.2f} s",
            file=sys.stderr,
            flush=True,
        )
    # The server admits at most USERS_LIMIT user-family requests in any window, so the
    # throttled run's N accepted requests span at least ceil(N / limit) - 1 windows from
    # the first to the last; everything else (start, validating the roster, planning,
    # the plan file, the requests' own time) takes at most what the unthrottled run took.
    accepted = paced.median("requests") - 1 - paced.median("throttled")
    bound = (math.ceil(accepted / USERS_LIMIT) - 1) * window + free.median("wall")
    return {
        "accounts": len(accounts),
        "roster": len(roster),
        "counts": counts,
        "minimum": minimum(len(accounts), counts),
        "again_minimum": 1 + math.ceil((len(accounts) + counts["create"]) / PAGE_SIZE),
        "free": free,
        "paced": paced,
        "again": again,
        "bound": bound,
        "window": window,
    }
