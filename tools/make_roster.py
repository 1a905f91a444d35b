"""Write dags/data/roster.csv: the made-up HR roster of the roster sync example.

Usage: ``python -m tools.make_roster [OUT]`` (default ``dags/data/roster.csv``).

The roster is the HR export of Acme's Italian staff, derived from the sandbox's seeded
organisation (seed 42, 2000 users, as ``make demo`` starts it), so that a sync with
``match_on="lt_employee_id"`` and ``scope={"country": "IT"}`` plans every action:

- unchanged: every other Italian learner, as the LMS has them;
- deactivate: one active learner left out (a leaver);
- reactivate: one inactive learner back in the file (a rehire);
- update: one changed department, and one changed e-mail (same employee id);
- create: three new hires;
- excluded: the Italian admins (HR lists them; the default scope leaves admins alone);
- conflict: a transfer from Spain under a new employee id whose e-mail is still the
  Spanish account's (reported, not guessed).

Only fields that do not depend on the day are written (no hire date, no supervisor), so
the file stays true for a sandbox started on any day. Deterministic: the same sandbox
gives the same file byte for byte (a test compares them).
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from triboo_sandbox.store import DEMO_ORG, Store, User

OUT = Path(__file__).resolve().parent.parent / "dags" / "data" / "roster.csv"
COLUMNS = (
    "lt_employee_id",
    "username",
    "email",
    "first_name",
    "last_name",
    "name",
    "lt_department",
    "country",
)
COUNTRY = "IT"
NEW_HIRES = (
    ("E900001", "giulia.rossi", "Giulia", "Rossi", "Finance"),
    ("E900002", "marco.bianchi", "Marco", "Bianchi", "Sales"),
    ("E900003", "sara.colombo", "Sara", "Colombo", "Engineering"),
)


def _row(user: User, **changes: str) -> dict[str, str]:
    fields = {**user.profile, "username": user.username, "email": user.email}
    return {name: str(changes.get(name, fields.get(name) or "")) for name in COLUMNS}


def roster(store: Store) -> str:
    """The roster's CSV text for a seeded ``store``."""
    people = [u for u in store.users.values() if u.org == DEMO_ORG and not u.is_superuser]
    italians = [u for u in people if u.profile.get("country") == COUNTRY]
    learners = [u for u in italians if u.profile.get("platform_role", "Learner") == "Learner"]
    active = [u for u in learners if u.is_active]
    leaver, moved, renamed = active[0], active[1], active[2]
    rehire = next(u for u in learners if not u.is_active)
    departments = sorted({str(u.profile["lt_department"]) for u in people})
    new_department = departments[
        (departments.index(moved.profile["lt_department"]) + 1) % len(departments)
    ]
    rows = []
    for user in italians:
        if user is leaver or (not user.is_active and user is not rehire):
            continue
        if user is moved:
            rows.append(_row(user, lt_department=new_department))
        elif user is renamed:
            rows.append(_row(user, email=f"{user.username}@it.acme.example.com"))
        else:
            rows.append(_row(user))
    for employee_id, username, first, last, department in NEW_HIRES:
        rows.append(
            {
                "lt_employee_id": employee_id,
                "username": username,
                "email": f"{username}@acme.example.com",
                "first_name": first,
                "last_name": last,
                "name": f"{first} {last}",
                "lt_department": department,
                "country": COUNTRY,
            }
        )
    # The second active Spaniard: the first is a leaver of the offboarding example.
    spaniard = [u for u in people if u.profile.get("country") == "ES" and u.is_active][1]
    transfer = _row(spaniard, lt_employee_id="E900004", country=COUNTRY)
    rows.append({**transfer, "username": f"{spaniard.username}.it"})
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else OUT
    out.write_text(roster(Store(seed=42, users=2000)), encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
