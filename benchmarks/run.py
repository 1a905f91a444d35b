"""``make bench``: the provider against its floor and against what users would write instead.

Every figure is a median over repeated runs (min-max shown), each variant in a fresh
process against a sandbox in another process on loopback, and each compared with its
baseline measured in the same run. Prints one table, writes ``benchmarks/results.json``
and, with ``--readme``, the table into README.md between the bench markers.
``--smoke`` runs tiny sizes once, to keep the scripts working (part of ``make test``);
``--workloads 6`` (or ``1-5``, ``1,3``) runs some of them only.

The workloads live in :mod:`benchmarks.workloads` (1 to 5), :mod:`benchmarks.dag` (6)
and :mod:`benchmarks.roster_sync` (7), the table in :mod:`benchmarks.report`, what they
share in :mod:`benchmarks.harness`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.dag import dag_workload
from benchmarks.harness import ROOT, SMOKE, Sizes
from benchmarks.report import render, table
from benchmarks.roster_sync import roster_sync_workload
from benchmarks.workloads import (
    create_workload,
    enroll_workload,
    export_workload,
    import_cost,
    throttled_workload,
)

ALL = frozenset(range(1, 8))


def workloads(text: str) -> frozenset[int]:
    """``1-5``, ``6`` or ``1,3,6`` as a set of workload numbers."""
    chosen: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        chosen.update(range(int(first), int(last or first) + 1))
    if not chosen <= ALL:
        raise argparse.ArgumentTypeError(f"workloads are 1 to 7, not {sorted(chosen - ALL)}")
    if 2 in chosen and 1 not in chosen:
        raise argparse.ArgumentTypeError("workload 2 needs 1 (its bound uses 1's page time)")
    return frozenset(chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: keeps the scripts working"
    )
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--workloads", type=workloads, default=ALL, help="e.g. 1-5, 6 or 1,3")
    parser.add_argument("--runs", type=int, help="runs per variant (default 3, DAG 1)")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    if args.runs:
        sizes = replace(sizes, runs=args.runs, dag_runs=args.runs)
    if args.readme and args.workloads != ALL:
        parser.error("--readme writes the whole table: run every workload")
    started = time.monotonic()

    def progress(step: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {step}", file=sys.stderr, flush=True)

    results: dict[str, Any] = {}
    if 1 in args.workloads:
        progress("1. export")
        results["export"] = export_workload(sizes)
    if 2 in args.workloads:
        floor = results["export"]["floor"]
        page_time = floor.median("wall") / max(1, floor.median("requests") - 1)
        progress("2. throttled export")
        results["throttled"] = throttled_workload(sizes, page_time)
    if 3 in args.workloads:
        progress("3. bulk enroll")
        results["enroll"] = enroll_workload(sizes)
    if 4 in args.workloads:
        progress("4. user creation")
        results["create"] = create_workload(sizes)
    if 5 in args.workloads:
        progress("5. import cost")
        results["parse"] = import_cost(sizes.runs)
    if 6 in args.workloads:
        progress("6. daily export DAG")
        results["dag"] = dag_workload(sizes)
    if 7 in args.workloads:
        progress("7. roster sync")
        results["sync"] = roster_sync_workload(sizes)
    lines, checks = table(results)
    text = render(lines, checks)
    print(text)
    elapsed = time.monotonic() - started
    print(f"\n(medians of {sizes.runs} run(s), min-max in brackets; {elapsed:.0f} s in all)")
    payload = {"sizes": sizes.__dict__, "table": lines, "checks": checks, "seconds": round(elapsed)}
    if not args.smoke and args.workloads == ALL and not args.runs:
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    if args.readme:
        from tools.readme_section import replace_section

        replace_section("bench", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
