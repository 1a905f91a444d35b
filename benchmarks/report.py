"""The table ``make bench`` prints (and writes into README.md) and the targets checked.

One function per workload gives its table lines and its checks; :func:`table` joins
those of the workloads that ran.
"""

from __future__ import annotations

from typing import Any

from benchmarks.harness import Series
from benchmarks.roster_sync import USERS_LIMIT as USERS_PER_WINDOW

Lines = list[list[str]]
Checks = dict[str, bool]
HEADER = ["workload", "variant", "wall s", "CPU us/row", "peak RSS MB", "requests", "vs baseline"]


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}x" if baseline else "n/a"


def line(workload: str, variant: str, series: Series, *cells: str, digits: int = 2) -> list[str]:
    return [workload, variant, series.spread("wall", digits), *cells]


def export_part(export: dict[str, Any]) -> tuple[Lines, Checks]:
    floor, parquet, csv_ = export["floor"], export["parquet"], export["csv"]
    http_op, naive, small = export["http_operator"], export["naive"], export["small"]
    rows = int(export["rows"])

    def cpu_row(series: Series) -> float:
        """Client CPU microseconds per exported row."""
        return series.median("cpu") / rows * 1e6

    def cells(series: Series) -> list[str]:
        return [
            f"{cpu_row(series):.1f}",
            f"{series.median('rss_mb'):.0f}",
            f"{series.median('requests'):.0f}",
        ]

    memory = parquet.median("rss_mb") / http_op.median("rss_mb")
    checks = {
        "export wall <= 1.3x floor (parquet)": parquet.median("wall") <= 1.3 * floor.median("wall"),
        "export CPU/row <= 2x floor (parquet)": cpu_row(parquet) <= 2 * cpu_row(floor),
        "export peak RSS <= 1/3 of HttpOperator's (parquet)": memory <= 1 / 3,
        "peak RSS 100k vs 10k users < 1.2x": parquet.median("rss_mb")
        < 1.2 * small.median("rss_mb"),
        "requests = pages + token": parquet.median("requests") == floor.median("requests"),
    }
    name = f"1. export, {export['users']:,} users, {rows:,} rows"
    lines = [
        line(name, "floor: httpx + json.loads", floor, *cells(floor), "baseline"),
        line(
            "",
            "provider -> Parquet",
            parquet,
            *cells(parquet),
            f"wall {ratio(parquet.median('wall'), floor.median('wall'))}, "
            f"CPU {ratio(cpu_row(parquet), cpu_row(floor))}",
        ),
        line(
            "",
            "provider -> CSV",
            csv_,
            *cells(csv_),
            f"wall {ratio(csv_.median('wall'), floor.median('wall'))}",
        ),
        line(
            "",
            "HttpOperator + pagination_function -> CSV",
            http_op,
            *cells(http_op),
            f"provider Parquet's peak RSS {ratio(parquet.median('rss_mb'), http_op.median('rss_mb'))}"
            f"; provider CSV {http_op.median('wall') / csv_.median('wall'):.1f}x faster",
        ),
        line(
            "",
            "generated client, default page size (1 run)",
            naive,
            *cells(naive),
            f"provider is {naive.median('wall') / parquet.median('wall'):.1f}x faster",
        ),
        line(
            "",
            f"provider -> Parquet, {small.runs[0]['rows']:,} rows (10x smaller)",
            small,
            "",
            f"{small.median('rss_mb'):.0f}",
            f"{small.median('requests'):.0f}",
            f"peak RSS 100k/10k {ratio(parquet.median('rss_mb'), small.median('rss_mb'))}",
        ),
    ]
    return lines, checks


def throttled_part(throttled: dict[str, Any]) -> tuple[Lines, Checks]:
    series = throttled["series"]
    most = max(r["throttled"] for r in series.runs)
    checks = {
        "throttled wall <= 1.1x bound": series.median("wall") <= 1.1 * throttled["bound"],
        "throttled: at most one 429": most <= 1,
    }
    name = f"2. export throttled, {throttled['pages']} pages, 10 per {throttled['window']:.0f} s"
    cells = ["", "", f"{series.median('requests'):.0f}"]
    verdict = (
        f"bound {throttled['bound']:.2f} s: {ratio(series.median('wall'), throttled['bound'])}"
    )
    return [line(name, "provider", series, *cells, f"{verdict}; 429s received: {most}")], checks


def enroll_part(enroll: dict[str, Any]) -> tuple[Lines, Checks]:
    series = enroll["series"]
    checks = {"bulk enroll requests = minimum": series.median("requests") == enroll["minimum"]}
    name = f"3. bulk enroll {enroll['identifiers']:,} x {enroll['courses']} courses"
    verdict = f"minimum {enroll['minimum']}; enrollment API: {enroll['per_pair']:,} calls"
    cells = ["", "", f"{series.median('requests'):.0f}", verdict]
    return [line(name, "provider, batches of 100", series, *cells)], checks


def create_part(create: dict[str, Any]) -> tuple[Lines, Checks]:
    ours, blind = create["ours"], create["blind"]
    checks = {"user creation requests = minimum": ours.median("requests") == create["minimum"]}
    lines = [
        line(
            f"4. create {create['rows']:,} users, half existing",
            "provider (if_exists=skip)",
            ours,
            *["", "", f"{ours.median('requests'):.0f}", f"minimum {create['minimum']}"],
        ),
        line(
            "",
            "blind POSTs, count 409s",
            blind,
            *["", "", f"{blind.median('requests'):.0f}"],
            f"{blind.runs[0]['conflicts']} conflicts, no user_ids",
        ),
    ]
    return lines, checks


def import_part(parse: dict[str, Series]) -> tuple[Lines, Checks]:
    ours = parse["triboo operators"]
    checks = {"operator import adds < 50 ms": ours.median("wall") < 0.05}
    verdict = f"HttpOperator {parse['HttpOperator'].spread('wall', 3)} s"
    cells = ["", "", "", verdict]
    return [line("5. import after airflow.sdk", "triboo operators", ours, *cells, digits=3)], checks


def dag_part(dag: dict[str, Any]) -> tuple[Lines, Checks]:
    checks: Checks = {}
    lines: Lines = []
    for key, label in (("one", "one DAG run"), ("two", "two DAG runs at once, one API user")):
        series: Series = dag[key]
        bound, most = series.median("bound"), max(r["throttled"] for r in series.runs)
        checks[f"DAG ({label}): wall <= 1.15x bound"] = series.median("wall") <= 1.15 * bound
        checks[f"DAG ({label}): no 429"] = most == 0
        name = (
            f"6. daily export DAG, {dag['users']:,} users, task processes through a 2-slot "
            f"pool, 10 report requests per {dag['window']:.0f} s"
            if key == "one"
            else ""
        )
        lines.append(
            line(
                name,
                f"{label}, {series.median('tasks'):.0f} tasks ({len(series.runs)} run(s))",
                series,
                "",
                "",
                f"{series.median('requests'):.0f}",
                f"bound {bound:.1f} s: {ratio(series.median('wall'), bound)}; "
                f"429s received: {most}",
            )
        )
    return lines, checks


def roster_sync_part(sync: dict[str, Any]) -> tuple[Lines, Checks]:
    free, paced, again = sync["free"], sync["paced"], sync["again"]
    counts, bound = sync["counts"], sync["bound"]
    most = max(r["throttled"] for r in paced.runs + again.runs)
    applied = {"create": "created", "update": "updated", "reactivate": "reactivated"}
    applied |= {"deactivate": "deactivated"}
    churn = all(
        run["outcomes"]["applied"][done] == counts[action]
        for run in free.runs + paced.runs
        for action, done in applied.items()
    )
    idle = all(
        not any(run["outcomes"]["planned"][action] for action in applied) for run in again.runs
    )
    checks = {
        "roster sync applies the churn, then plans nothing": churn and idle,
        "roster sync requests = minimum": free.median("requests") == sync["minimum"],
        "roster sync rerun requests = token + pages": again.median("requests")
        == sync["again_minimum"],
        "roster sync throttled wall <= 1.1x bound": paced.median("wall") <= 1.1 * bound,
        "roster sync: no 429": most == 0,
    }
    shares = ", ".join(f"{n} {action}" for action, n in counts.items())
    name = f"7. roster sync, {sync['accounts']:,} accounts, {sync['roster']:,} rows ({shares})"
    verdict = f"bound {bound:.1f} s: {ratio(paced.median('wall'), bound)}; 429s received: {most}"
    return [
        line(
            name,
            "unthrottled",
            free,
            *["", "", f"{free.median('requests'):.0f}", f"minimum {sync['minimum']}"],
        ),
        line(
            "",
            f"{USERS_PER_WINDOW} user requests per {sync['window']:.3g} s",
            paced,
            *["", "", f"{paced.median('requests'):.0f}", verdict],
        ),
        line(
            "",
            "run again right after (nothing to do)",
            again,
            *["", "", f"{again.median('requests'):.0f}", f"token + pages {sync['again_minimum']}"],
        ),
    ], checks


PARTS = {
    "export": export_part,
    "throttled": throttled_part,
    "enroll": enroll_part,
    "create": create_part,
    "parse": import_part,
    "dag": dag_part,
    "sync": roster_sync_part,
}


def table(results: dict[str, Any]) -> tuple[Lines, Checks]:
    """The table's lines (the header first) and every check, for the workloads in
    ``results`` (keys of :data:`PARTS`)."""
    lines: Lines = [HEADER]
    checks: Checks = {}
    for key, part in PARTS.items():
        if key in results:
            more_lines, more_checks = part(results[key])
            lines += more_lines
            checks |= more_checks
    return lines, checks


def render(lines: Lines, checks: Checks) -> str:
    out = ["| " + " | ".join(lines[0]) + " |", "|" + "---|" * len(lines[0])]
    out += ["| " + " | ".join(cells) + " |" for cells in lines[1:]]
    out.append("")
    out += [f"- {'met' if ok else 'NOT met'}: {name}" for name, ok in checks.items()]
    return "\n".join(out)
