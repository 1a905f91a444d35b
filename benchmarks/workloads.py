"""Workloads 1 to 5: the export against its floor and alternatives, the throttled export,
bulk enrollment, user creation and the operators' import cost."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from typing import Any

import httpx

from benchmarks.harness import ROOT, Sandbox, Series, Sizes, measure, repeat, sandbox
from benchmarks.variants import token


def export_workload(sizes: Sizes) -> dict[str, Any]:
    with sandbox(sizes.users) as server:
        floor = repeat(server, "floor", sizes.runs)
        parquet = repeat(server, "provider", sizes.runs, {"format": "parquet"})
        csv_ = repeat(server, "provider", sizes.runs, {"format": "csv"})
        http_op = repeat(server, "http_operator", sizes.runs)
        naive = repeat(server, "naive_client", 1)
        for series in (floor, parquet, csv_, http_op, naive):
            print(f"    {series.name}: wall {series.spread('wall')} s", file=sys.stderr, flush=True)
    with sandbox(sizes.small_users) as server:
        small = repeat(server, "provider", sizes.runs, {"format": "parquet"})
    rows = floor.runs[0]["rows"]
    return {
        "rows": rows,
        "users": sizes.users,
        "floor": floor,
        "parquet": parquet,
        "csv": csv_,
        "http_operator": http_op,
        "naive": naive,
        "small": small,
    }


def throttled_workload(sizes: Sizes, page_time: float) -> dict[str, Any]:
    window = 60 * sizes.scale
    with sandbox(sizes.throttled_users, rate_limits=str(sizes.scale)) as server:
        series = Series("throttled")
        for _ in range(sizes.runs):
            time.sleep(window + 0.5)  # a fresh window for each run
            series.runs.append(
                measure(
                    server,
                    "provider",
                    {
                        "format": "parquet",
                        "extra": {"reports_per_minute": 10, "rate_window_seconds": window},
                    },
                )
            )
    pages = series.runs[0]["requests"] - 1
    # The k-th page (from 0) cannot start before floor(k / 10) windows; the last window's
    # pages then take their unthrottled time.
    bound = (pages - 1) // 10 * window + ((pages - 1) % 10 + 1) * page_time
    return {"series": series, "pages": pages, "bound": bound, "window": window}


def identifiers(server: Sandbox, count: int) -> list[str]:
    bearer = token(server.url)
    names: list[str] = []
    page, pages = 1, 1
    while len(names) < count and page <= pages:
        answer = httpx.get(
            f"{server.url}/api/extended/v1/users/",
            params={"page": page, "page_size": 1000},
            headers={"Authorization": f"Bearer {bearer}"},
        ).json()
        pages = answer["num_pages"]
        names += [
            u["username"]
            for u in answer["results"]
            if u["is_active"] and not u["username"].startswith(("api-", "staff-"))
        ]
        page += 1
    if len(names) < count:
        raise SystemExit(f"the sandbox has only {len(names)} active users, {count} wanted")
    return names[:count]


def enroll_workload(sizes: Sizes) -> dict[str, Any]:
    with sandbox(sizes.enroll_identifiers * 11 // 10 + 200) as server:
        people = identifiers(server, sizes.enroll_identifiers)
        courses = [
            "course-v1:acme+ETH103+2024_T3",
            "course-v1:acme+LEAD104+2024_T1",
            "course-v1:acme+NEG105+2024_T2",
        ]
        series = repeat(
            server, "bulk_enroll", sizes.runs, {"identifiers": people, "courses": courses}
        )
    return {
        "series": series,
        "identifiers": len(people),
        "courses": 3,
        "minimum": math.ceil(len(people) / 100) + 1,
        "per_pair": len(people) * 3,
    }


def create_workload(sizes: Sizes) -> dict[str, Any]:
    rows = [
        {
            "username": f"bench.user{n}",
            "email": f"bench.user{n}@example.com",
            "first_name": "Bench",
            "last_name": f"User{n}",
            "name": f"Bench User{n}",
        }
        for n in range(sizes.create_rows)
    ]
    half = rows[: len(rows) // 2]
    ours, blind = Series("create_users"), Series("create_blindly")
    for _ in range(sizes.runs):
        for series, variant in ((ours, "create_users"), (blind, "create_blindly")):
            with sandbox(200) as server:
                measure(server, "create_users", {"users": half})
                series.runs.append(measure(server, variant, {"users": rows}))
    missing = len(rows) - len(half)
    lookups = 2 * math.ceil(len(rows) / 100) + math.ceil(missing / 100)
    return {"ours": ours, "blind": blind, "rows": len(rows), "minimum": lookups + missing + 1}


def import_cost(runs: int) -> dict[str, Series]:
    code = (
        "import time, airflow.sdk\nt = time.perf_counter()\n{imports}\n"
        "print('{{\"wall\": %f}}' % (time.perf_counter() - t))"
    )
    cases = {
        "triboo operators": "import triboo_provider.operators.users, triboo_provider.operators.enrollments, "
        "triboo_provider.operators.reports",
        "HttpOperator": "from airflow.providers.http.operators.http import HttpOperator",
    }
    results = {}
    for name, imports in cases.items():
        series = Series(name)
        for _ in range(max(5, runs * 2)):
            out = subprocess.run(
                [sys.executable, "-c", code.format(imports=imports)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            series.runs.append(json.loads(out.strip().splitlines()[-1]))
        results[name] = series
    return results
