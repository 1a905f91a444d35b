"""``triboo-sandbox serve``: run a local Triboo tenant on a loopback port."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from triboo_sandbox import state
from triboo_sandbox.app import QUIRKS
from triboo_sandbox.faults import Faults
from triboo_sandbox.generations import GENERATIONS
from triboo_sandbox.server import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    SandboxServer,
    make_sandbox,
    parse_quirks,
    parse_rate_limits,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="triboo-sandbox", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the sandbox until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port (default 8000)")
    serve.add_argument("--seed", type=int, default=42, help="seed of the demo data (default 42)")
    serve.add_argument(
        "--users", type=int, default=2000, help="users of the demo org (default 2000)"
    )
    serve.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the day the data is generated for, YYYY-MM-DD (default: today)",
    )
    serve.add_argument(
        "--rate-limits",
        default="real",
        type=_checked(parse_rate_limits),
        help="real, off, or a window scale such as 0.05 (default real)",
    )
    serve.add_argument(
        "--quirks",
        default="none",
        type=_checked(parse_quirks),
        help=f"none, all, or a comma-separated subset of: {', '.join(QUIRKS)}",
    )
    serve.add_argument(
        "--generation",
        default="current",
        choices=sorted(GENERATIONS),
        help="the server generation to behave as: every difference of the 2021 plugin at once "
        "(error bodies, role spellings, catalog flags, page-size cap 100, no e-mail routes, ...) "
        "or the current fork (default current)",
    )
    serve.add_argument(
        "--token-ttl",
        type=int,
        default=None,
        help="token lifetime in seconds (default: the generation's, 36000 current, 31535999 2021)",
    )
    serve.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="save every change to FILE before answering, and resume from FILE when it "
        "exists (then the data, quirks, rate limits and token lifetime come from FILE); "
        "a killed sandbox restarted with the same FILE is where it was",
    )
    faults = serve.add_argument_group(
        "fault injection (also switchable at POST /__sandbox__/faults)"
    )
    faults.add_argument("--fail-rate", type=float, default=0.0, help="share of requests failing")
    faults.add_argument("--fail-status", type=int, default=503, choices=(500, 502, 503))
    faults.add_argument("--drop-rate", type=float, default=0.0, help="share of dropped connections")
    faults.add_argument("--delay", type=float, default=0.0, help="seconds added to every request")
    return parser


def _checked(parse: Callable[[str], object]) -> Callable[[str], str]:
    """Keep the raw text for make_sandbox, after checking that it parses."""

    def check(value: str) -> str:
        try:
            parse(value)
        except ValueError as problem:
            raise argparse.ArgumentTypeError(str(problem)) from problem
        return value

    return check


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.monotonic()
    faults = Faults(
        fail_rate=args.fail_rate,
        fail_status=args.fail_status,
        drop_rate=args.drop_rate,
        delay=args.delay,
        seed=args.seed,
    )
    # This process is the sandbox's own, so the kill_after fault may end it (as a crash or
    # an OOM kill would end the real server).
    faults.allow_kill(lambda: os.kill(os.getpid(), signal.SIGKILL))
    resumed = args.state is not None and args.state.exists()
    try:
        if resumed:
            sandbox = state.load(args.state, faults)
        else:
            sandbox = make_sandbox(
                seed=args.seed,
                users=args.users,
                rate_limits=args.rate_limits,
                quirks=args.quirks,
                generation=args.generation,
                token_ttl=args.token_ttl,
                today=args.today,
                faults=faults,
            )
        if args.state is not None:
            state.persist(sandbox, args.state)
        server = SandboxServer(sandbox, host=args.host, port=args.port)
    except (ValueError, OSError) as problem:
        print(f"triboo-sandbox: {problem}", file=sys.stderr)
        return 2
    origin = f"resumed from {args.state}" if resumed else f"seed {args.seed}"
    print(
        f"Triboo sandbox ready at {server.url} in {time.monotonic() - started:.2f}s "
        f"({len(sandbox.store.users)} users, {origin}, {sandbox.generation} generation)",
        flush=True,
    )
    print(f"  client id:     {DEMO_CLIENT_ID}", flush=True)
    print(f"  client secret: {DEMO_CLIENT_SECRET}  (a public sandbox credential)", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
