"""One measured run of one variant, in its own process: ``python -m benchmarks.variants NAME URL``.

Prints one JSON line: wall and CPU seconds of the measured part, peak RSS of the process
and its growth during the measured part, rows handled and token calls made. The
orchestrator (``benchmarks/run.py``) counts API requests on the sandbox side.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPORTS = "/api/extended/v1/user_progress_report/"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def token(url: str, kind: str = "bearer") -> str:
    answer = httpx.post(
        f"{url}/oauth2/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
            "token_type": kind,
        },
    )
    answer.raise_for_status()
    value: str = answer.json()["access_token"]
    return value


def connect(url: str, **extra: Any) -> None:
    settings = {
        "users_per_minute": 0,
        "reports_per_minute": 0,
        "bulk_enroll_per_minute": 0,
        **extra,
    }
    os.environ["AIRFLOW_CONN_TRIBOO_DEFAULT"] = json.dumps(
        {
            "conn_type": "triboo",
            "host": url,
            "login": "demo-client",
            "password": "demo-secret",
            "extra": settings,
        }
    )


def rows_of(page: dict[str, Any]) -> int:
    return sum(len(report["courses"]) for report in page["results"])


# -- the floor and the alternatives ------------------------------------------------------------


def floor(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """A plain httpx loop at the same page size that only decodes the JSON."""
    headers = {"Authorization": f"Bearer {token(url)}"}
    rows, number, pages = 0, 1, 1
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        while number <= pages:
            answer = http.get(REPORTS, params={"page": number, "page_size": 1000})
            page = json.loads(answer.content)
            pages = page["num_pages"]
            rows += rows_of(page)
            number += 1
    return {"rows": rows, "tokens": 1}


def provider(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """TribooExportUserProgressOperator to a file (Parquet or CSV)."""
    connect(url, **options.get("extra", {}))
    from triboo_provider.operators.reports import TribooExportUserProgressOperator

    fmt = options.get("format", "parquet")
    with tempfile.TemporaryDirectory() as folder:
        operator = TribooExportUserProgressOperator(
            task_id="bench", path=f"{folder}/out.{fmt}", format=fmt
        )
        result = operator.execute({})
        operator.post_execute({})
    return {"rows": result["rows"], "tokens": 1}


def http_operator(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """What a user would write instead: HttpOperator with pagination_function, then a CSV."""
    from airflow.providers.http.operators.http import HttpOperator

    os.environ["AIRFLOW_CONN_TRIBOO_HTTP"] = json.dumps({"conn_type": "http", "host": url})
    bearer = token(url)

    def next_page(response: Any) -> dict[str, Any] | None:
        page = response.json()
        if page["next"] is None:
            return None
        return {"data": {"page": page["current_page"] + 1, "page_size": 1000}}

    operator = HttpOperator(
        task_id="bench",
        http_conn_id="triboo_http",
        endpoint=REPORTS,
        method="GET",
        data={"page": 1, "page_size": 1000},
        headers={"Authorization": f"Bearer {bearer}"},
        pagination_function=next_page,
        response_filter=lambda responses: [r.json() for r in responses],
        log_response=False,
    )
    pages = operator.execute({})
    rows = 0
    with (
        tempfile.TemporaryDirectory() as folder,
        Path(folder, "out.csv").open("w", newline="") as handle,
    ):
        writer = csv.writer(handle)
        for page in pages:
            for report in page["results"]:
                for course in report["courses"]:
                    writer.writerow(
                        [
                            report["user_id"],
                            report["username"],
                            course["course_id"],
                            course["status"],
                            course["progress"],
                            course["current_score"],
                            course["total_time_spent"],
                            course["enrollment_date"],
                            course["completion_date"],
                        ]
                    )
                    rows += 1
    return {"rows": rows, "tokens": 1}


def naive_client(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """The generated client called page by page at its default page size (10), models parsed."""
    from triboo_client import AuthenticatedClient
    from triboo_client.api.reports import list_user_progress_reports
    from triboo_client.models import UserProgressReportPage

    rows, number, pages = 0, 1, 1
    with AuthenticatedClient(base_url=url, token=token(url), timeout=httpx.Timeout(60)) as api:
        while number <= pages:
            page = list_user_progress_reports.sync(client=api, page=number)
            assert isinstance(page, UserProgressReportPage), page
            pages = page.num_pages
            rows += sum(len(report.courses) for report in page.results)
            number += 1
    return {"rows": rows, "tokens": 1}


def bulk_enroll(url: str, options: dict[str, Any]) -> dict[str, Any]:
    connect(url)
    from triboo_provider.operators.enrollments import TribooBulkEnrollOperator

    operator = TribooBulkEnrollOperator(
        task_id="bench",
        identifiers=options["identifiers"],
        courses=options["courses"],
        batch_size=options.get("batch_size", 100),
    )
    result = operator.execute({})
    operator.post_execute({})
    return {"rows": result["pairs"], "tokens": 1, "outcomes": result}


def create_users(url: str, options: dict[str, Any]) -> dict[str, Any]:
    connect(url)
    from triboo_provider.operators.users import TribooCreateUsersOperator

    operator = TribooCreateUsersOperator(task_id="bench", users=options["users"], if_exists="skip")
    result = operator.execute({})
    operator.post_execute({})
    return {"rows": result["rows"], "tokens": 1, "outcomes": result}


def create_blindly(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """Every row POSTed; existing users come back as 409s (and nobody's user_id is known)."""
    headers = {"Authorization": f"Bearer {token(url)}"}
    conflicts = 0
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for row in options["users"]:
            conflicts += http.post("/api/extended/v1/users/", json=row).status_code == 409
    return {"rows": len(options["users"]), "tokens": 1, "conflicts": conflicts}


def sync_users(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """TribooSyncUsersOperator on a roster (default scope, match on e-mail), plan file in CSV."""
    connect(url, **options.get("extra", {}))
    from triboo_provider.operators.sync_users import TribooSyncUsersOperator

    operator = TribooSyncUsersOperator(
        task_id="bench",
        roster=options["roster"],
        max_deactivations=options["max_deactivations"],
        plan_path=options["plan_path"],
    )
    result = operator.execute({})
    operator.post_execute({})
    return {"rows": len(options["roster"]), "tokens": 1, "outcomes": result}


VARIANTS: dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]] = {
    "floor": floor,
    "provider": provider,
    "http_operator": http_operator,
    "naive_client": naive_client,
    "bulk_enroll": bulk_enroll,
    "create_users": create_users,
    "create_blindly": create_blindly,
    "sync_users": sync_users,
}


# Imported before the clock starts: start-up cost is the parse benchmark's business.
IMPORTS = {
    "provider": (
        "triboo_provider.operators.reports",
        "triboo_provider.hooks.triboo",
        "triboo_provider.tables",
    ),
    "bulk_enroll": ("triboo_provider.operators.enrollments", "triboo_provider.hooks.triboo"),
    "create_users": (
        "triboo_provider.operators.users",
        "triboo_provider.hooks.triboo",
        "triboo_provider.validation",
    ),
    "sync_users": (
        "triboo_provider.operators.sync_users",
        "triboo_provider.hooks.triboo",
        "triboo_provider.sync",
    ),
    "http_operator": ("airflow.providers.http.operators.http",),
    "naive_client": ("triboo_client.api.reports.list_user_progress_reports",),
}


def main() -> None:
    name, url = sys.argv[1], sys.argv[2]
    options = json.loads(sys.stdin.read() or "{}")
    for module in IMPORTS.get(name, ()):
        importlib.import_module(module)
    before_rss = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    result = VARIANTS[name](url, options)
    result.update(
        wall=time.perf_counter() - started,
        cpu=time.process_time() - cpu,
        rss_mb=rss_mb(),
        rss_growth_mb=rss_mb() - before_rss,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
