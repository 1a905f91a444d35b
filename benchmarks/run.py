"""``make bench``: the provider against its floor and against what users would write instead.

Every figure is a median over repeated runs (min-max shown), each variant in a fresh
process against a sandbox in another process on loopback, and each compared with its
baseline measured in the same run. Prints one table, writes ``benchmarks/results.json``
and, with ``--readme``, the table into README.md between the bench markers.
``--smoke`` runs tiny sizes once, to keep the scripts working (part of ``make test``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.variants import token

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-01"


@dataclass
class Sizes:
    users: int = 100_000
    small_users: int = 10_000
    throttled_users: int = 20_000
    enroll_identifiers: int = 10_000
    create_rows: int = 2_000
    runs: int = 3
    scale: float = 0.05  # throttled workload: one server minute lasts 3 s


SMOKE = Sizes(
    users=600,
    small_users=300,
    throttled_users=1_200,
    enroll_identifiers=150,
    create_rows=40,
    runs=1,
    scale=0.02,
)


@dataclass
class Sandbox:
    url: str
    process: subprocess.Popen[str]

    def counters(self) -> dict[str, int]:
        health: dict[str, int] = httpx.get(f"{self.url}/__sandbox__/health").json()
        return health


@contextmanager
def sandbox(users: int, rate_limits: str = "off") -> Iterator[Sandbox]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "triboo_sandbox.cli",
            "serve",
            "--port",
            "0",
            "--users",
            str(users),
            "--rate-limits",
            rate_limits,
            "--today",
            TODAY,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[4]
        yield Sandbox(url, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


def measure(server: Sandbox, variant: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    before = server.counters()
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.variants", variant, server.url],
        input=json.dumps(options or {}),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"variant {variant} failed:\n{result.stderr[-4000:]}")
    after = server.counters()
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    measured["requests"] = after["requests"] - before["requests"] + measured["tokens"]
    measured["throttled"] = after["throttled"] - before["throttled"]
    return measured


@dataclass
class Series:
    """Repeated measurements of one variant."""

    name: str
    runs: list[dict[str, Any]] = field(default_factory=list)

    def median(self, key: str) -> float:
        return float(statistics.median(run[key] for run in self.runs))

    def spread(self, key: str, digits: int = 2) -> str:
        values = [run[key] for run in self.runs]
        return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def repeat(
    server: Sandbox, variant: str, runs: int, options: dict[str, Any] | None = None
) -> Series:
    series = Series(variant)
    for _ in range(runs):
        series.runs.append(measure(server, variant, options))
    return series


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


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline else "n/a"


def table(
    export: dict[str, Any],
    throttled: dict[str, Any],
    enroll: dict[str, Any],
    create: dict[str, Any],
    parse: dict[str, Series],
) -> tuple[list[list[str]], dict[str, bool]]:
    floor, parquet, csv_ = export["floor"], export["parquet"], export["csv"]
    http_op, naive, small = export["http_operator"], export["naive"], export["small"]
    rows = int(export["rows"])

    def cpu_row(series: Series) -> float:
        """Client CPU microseconds per exported row."""
        return series.median("cpu") / rows * 1e6

    checks = {
        "export wall <= 1.3x floor (parquet)": parquet.median("wall") <= 1.3 * floor.median("wall"),
        "export CPU/row <= 2x floor (parquet)": cpu_row(parquet) <= 2 * cpu_row(floor),
        "export >= 3x faster than HttpOperator (csv)": http_op.median("wall")
        >= 3 * csv_.median("wall"),
        "peak RSS 100k vs 10k users < 1.2x": parquet.median("rss_mb")
        < 1.2 * small.median("rss_mb"),
        "requests = pages + token": parquet.median("requests") == floor.median("requests"),
        "throttled wall <= 1.1x bound": throttled["series"].median("wall")
        <= 1.1 * throttled["bound"],
        "throttled: at most one 429": max(r["throttled"] for r in throttled["series"].runs) <= 1,
        "bulk enroll requests = minimum": enroll["series"].median("requests") == enroll["minimum"],
        "user creation requests = minimum": create["ours"].median("requests") == create["minimum"],
        "operator import adds < 50 ms": parse["triboo operators"].median("wall") < 0.05,
    }
    lines = [
        ["workload", "variant", "wall s", "CPU us/row", "peak RSS MB", "requests", "vs baseline"],
        [
            f"1. export, {export['users']:,} users, {rows:,} rows",
            "floor: httpx + json.loads",
            floor.spread("wall"),
            f"{cpu_row(floor):.1f}",
            f"{floor.median('rss_mb'):.0f}",
            f"{floor.median('requests'):.0f}",
            "baseline",
        ],
        [
            "",
            "provider -> Parquet",
            parquet.spread("wall"),
            f"{cpu_row(parquet):.1f}",
            f"{parquet.median('rss_mb'):.0f}",
            f"{parquet.median('requests'):.0f}",
            f"wall {ratio(parquet.median('wall'), floor.median('wall'))}, CPU {ratio(cpu_row(parquet), cpu_row(floor))}",
        ],
        [
            "",
            "provider -> CSV",
            csv_.spread("wall"),
            f"{cpu_row(csv_):.1f}",
            f"{csv_.median('rss_mb'):.0f}",
            f"{csv_.median('requests'):.0f}",
            f"wall {ratio(csv_.median('wall'), floor.median('wall'))}",
        ],
        [
            "",
            "HttpOperator + pagination_function -> CSV",
            http_op.spread("wall"),
            f"{cpu_row(http_op):.1f}",
            f"{http_op.median('rss_mb'):.0f}",
            f"{http_op.median('requests'):.0f}",
            f"provider CSV is {http_op.median('wall') / csv_.median('wall'):.1f}x faster",
        ],
        [
            "",
            "generated client, default page size (1 run)",
            naive.spread("wall"),
            f"{cpu_row(naive):.1f}",
            f"{naive.median('rss_mb'):.0f}",
            f"{naive.median('requests'):.0f}",
            f"provider is {naive.median('wall') / parquet.median('wall'):.1f}x faster",
        ],
        [
            "",
            f"provider -> Parquet, {export['small'].runs[0]['rows']:,} rows (10x smaller)",
            small.spread("wall"),
            "",
            f"{small.median('rss_mb'):.0f}",
            f"{small.median('requests'):.0f}",
            f"peak RSS 100k/10k {ratio(parquet.median('rss_mb'), small.median('rss_mb'))}",
        ],
        [
            f"2. export throttled, {throttled['pages']} pages, 10 per {throttled['window']:.0f} s",
            "provider",
            throttled["series"].spread("wall"),
            "",
            "",
            f"{throttled['series'].median('requests'):.0f}",
            f"bound {throttled['bound']:.2f} s: {ratio(throttled['series'].median('wall'), throttled['bound'])}; "
            f"429s received: {max(r['throttled'] for r in throttled['series'].runs)}",
        ],
        [
            f"3. bulk enroll {enroll['identifiers']:,} x {enroll['courses']} courses",
            "provider, batches of 100",
            enroll["series"].spread("wall"),
            "",
            "",
            f"{enroll['series'].median('requests'):.0f}",
            f"minimum {enroll['minimum']}; enrollment API: {enroll['per_pair']:,} calls",
        ],
        [
            f"4. create {create['rows']:,} users, half existing",
            "provider (if_exists=skip)",
            create["ours"].spread("wall"),
            "",
            "",
            f"{create['ours'].median('requests'):.0f}",
            f"minimum {create['minimum']}",
        ],
        [
            "",
            "blind POSTs, count 409s",
            create["blind"].spread("wall"),
            "",
            "",
            f"{create['blind'].median('requests'):.0f}",
            f"{create['blind'].runs[0]['conflicts']} conflicts, no user_ids",
        ],
        [
            "5. import after airflow.sdk",
            "triboo operators",
            parse["triboo operators"].spread("wall", 3),
            "",
            "",
            "",
            f"HttpOperator {parse['HttpOperator'].spread('wall', 3)} s",
        ],
    ]
    return lines, checks


def render(lines: list[list[str]], checks: dict[str, bool]) -> str:
    out = ["| " + " | ".join(lines[0]) + " |", "|" + "---|" * len(lines[0])]
    out += ["| " + " | ".join(line) + " |" for line in lines[1:]]
    out.append("")
    out += [f"- {'met' if ok else 'NOT met'}: {name}" for name, ok in checks.items()]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: keeps the scripts working"
    )
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    started = time.monotonic()

    def progress(step: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {step}", file=sys.stderr, flush=True)

    progress("1. export")
    export = export_workload(sizes)
    page_time = export["floor"].median("wall") / max(1, export["floor"].median("requests") - 1)
    progress("2. throttled export")
    throttled = throttled_workload(sizes, page_time)
    progress("3. bulk enroll")
    enroll = enroll_workload(sizes)
    progress("4. user creation")
    create = create_workload(sizes)
    progress("5. import cost")
    parse = import_cost(sizes.runs)
    lines, checks = table(export, throttled, enroll, create, parse)
    text = render(lines, checks)
    print(text)
    print(
        f"\n(medians of {sizes.runs} run(s), min-max in brackets; {time.monotonic() - started:.0f} s in all)"
    )
    payload = {"sizes": sizes.__dict__, "table": lines, "checks": checks}
    if not args.smoke:
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if args.readme:
        from tools.readme_section import replace_section

        replace_section("bench", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
