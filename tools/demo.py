"""The main job, until the Airflow example DAGs land: the generated client against the sandbox.

Starts a seeded sandbox on a free loopback port, onboards the new hires of
``tools/demo_data/new_hires.csv`` (create, then bulk-enroll into the mandatory courses),
exports the whole user progress report to ``.demo/reports/user_progress.csv`` one
1000-row page at a time, and prints a summary. The sandbox stops on success, failure or
Ctrl-C; every run starts from the same seed, so reruns give the same result.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

from triboo_client import AuthenticatedClient, Client, models
from triboo_client.api.auth import get_access_token
from triboo_client.api.courses import list_courses
from triboo_client.api.enrollments import bulk_enroll
from triboo_client.api.reports import list_user_progress_reports
from triboo_client.api.users import create_user
from triboo_sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, SandboxServer, make_sandbox

ROOT = Path(__file__).resolve().parent.parent
HIRES = ROOT / "tools" / "demo_data" / "new_hires.csv"
OUTPUT = ROOT / ".demo" / "reports" / "user_progress.csv"
COLUMNS = [
    "user_id",
    "username",
    "course_id",
    "course_title",
    "status",
    "progress",
    "current_score",
    "total_time_spent",
    "enrollment_date",
    "completion_date",
]


def token(base_url: str, kind: models.RequestedTokenType) -> str:
    body = models.TokenRequest(
        grant_type="client_credentials",
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        token_type=kind,
    )
    with Client(base_url=base_url) as anonymous:
        answer = get_access_token.sync(client=anonymous, body=body)
    if not isinstance(answer, models.AccessToken):
        raise SystemExit(f"token request refused: {answer!r}")
    return answer.access_token


def onboard(api: AuthenticatedClient, jwt: AuthenticatedClient) -> tuple[int, int]:
    with HIRES.open(encoding="utf-8", newline="") as handle:
        hires = list(csv.DictReader(handle))
    created = sum(
        create_user.sync_detailed(client=api, body=models.UserCreate.from_dict(row)).status_code
        == 201
        for row in hires
    )
    catalogue = list_courses.sync(client=api, page_size=1000)
    assert isinstance(catalogue, models.CoursePage)
    mandatory = [c.id for c in catalogue.results if "mandatory" in (c.tags or [])]
    request = models.BulkEnrollRequest(
        action="enroll",
        courses=",".join(mandatory),
        identifiers=",".join(row["username"] for row in hires),
    )
    answer = bulk_enroll.sync(client=jwt, body=request)
    assert isinstance(answer, models.BulkEnrollResponse)
    enrolled = sum(
        bool(r.after and r.after.enrollment and not (r.before and r.before.enrollment))
        for course in answer.courses.additional_properties.values()
        for r in course.results
    )
    print(
        f"onboarding: {created} users created, "
        f"{enrolled} enrollments into {len(mandatory)} mandatory courses"
    )
    return created, enrolled


def export(api: AuthenticatedClient) -> Counter[tuple[str, str]]:
    """Write every user x course row; the file appears only once it is complete."""
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    outcome: Counter[tuple[str, str]] = Counter()
    fd, temporary = tempfile.mkstemp(dir=OUTPUT.parent, prefix=".user_progress-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            page_number, pages = 1, 1
            while page_number <= pages:
                page = list_user_progress_reports.sync(client=api, page=page_number, page_size=1000)
                assert isinstance(page, models.UserProgressReportPage)
                pages = page.num_pages
                for report in page.results:
                    for course in report.courses:
                        row = {k: v for k, v in course.to_dict().items() if k in COLUMNS}
                        writer.writerow(
                            {**row, "user_id": report.user_id, "username": report.username}
                        )
                        outcome[(course.course_title or course.course_id, str(course.status))] += 1
                print(f"export: page {page_number}/{pages}, {sum(outcome.values())} rows so far")
                page_number += 1
        os.replace(temporary, OUTPUT)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return outcome


def main() -> int:
    with SandboxServer(make_sandbox(seed=42, users=2000)) as server:
        print(f"sandbox: {server.url} ({len(server.sandbox.store.users)} users, seed 42)")
        with (
            AuthenticatedClient(base_url=server.url, token=token(server.url, "bearer")) as api,
            AuthenticatedClient(
                base_url=server.url, token=token(server.url, "jwt"), prefix="JWT"
            ) as jwt,
        ):
            onboard(api, jwt)
            outcome = export(api)
    rows = sum(outcome.values())
    print(f"\nreport: {OUTPUT.relative_to(ROOT)} ({rows} rows)")
    courses = sorted({title for title, _ in outcome})
    print(f"{'course':<40} {'enrolled':>8} {'completed':>9}")
    for title in courses[:10]:
        total = sum(n for (t, _), n in outcome.items() if t == title)
        done = outcome[(title, "Successful")]
        print(f"{title:<40} {total:>8} {done / total:>9.0%}")
    if len(courses) > 10:
        print(f"... and {len(courses) - 10} more courses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
