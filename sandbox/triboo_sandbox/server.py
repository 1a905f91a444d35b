"""Run the sandbox in-process, on a free loopback port, for tests and the demo."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time
from types import TracebackType

import uvicorn

from triboo_sandbox.app import QUIRKS, Sandbox, build_app
from triboo_sandbox.faults import Faults
from triboo_sandbox.generations import resolve
from triboo_sandbox.limits import RateLimiter
from triboo_sandbox.store import Store

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"  # noqa: S105 - the sandbox's published demo credential


def require_loopback(host: str) -> None:
    """Refuse to listen anywhere but on this machine."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ValueError(f"the sandbox listens on loopback addresses only, not {host!r}")


def parse_rate_limits(value: str) -> float | None:
    """``real`` (1.0), ``off`` (None) or a window scale such as ``0.05``."""
    if value == "off":
        return None
    if value == "real":
        return 1.0
    scale = float(value)
    if scale <= 0:
        raise ValueError("the rate-limit scale must be positive")
    return scale


def parse_quirks(value: str) -> frozenset[str]:
    """``none``, ``all`` or a comma-separated subset of :data:`QUIRKS`."""
    if value in ("", "none"):
        return frozenset()
    if value == "all":
        return frozenset(QUIRKS)
    chosen = frozenset(v.strip() for v in value.split(","))
    unknown = chosen - set(QUIRKS)
    if unknown:
        raise ValueError(f"unknown quirks {sorted(unknown)}; known: {', '.join(QUIRKS)}")
    return chosen


def make_sandbox(
    *,
    seed: int = 42,
    users: int = 2000,
    rate_limits: str = "off",
    quirks: str = "none",
    generation: str = "current",
    token_ttl: int | None = None,
    today: dt.date | None = None,
    faults: Faults | None = None,
) -> Sandbox:
    return Sandbox(
        store=Store(seed=seed, users=users, today=today),
        limiter=RateLimiter(scale=parse_rate_limits(rate_limits)),
        faults=faults or Faults(seed=seed),
        quirks=parse_quirks(quirks),
        generation=resolve(generation).name,
        token_ttl=token_ttl,
    )


class SandboxServer:
    """A sandbox served by uvicorn in a background thread.

    Use as a context manager; ``url`` is the base URL and ``sandbox`` the live state.
    """

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        require_loopback(host)
        self.sandbox = sandbox
        self.host = host
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self._socket.listen(128)  # connections queue from here on, before uvicorn runs
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(
            build_app(sandbox), log_level="warning", access_log=False, timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, name="triboo-sandbox", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _serve(self) -> None:
        self._server.run(sockets=[self._socket])

    def serve_forever(self) -> None:
        """Serve in this thread until SIGINT or SIGTERM (uvicorn's own handlers)."""
        try:
            self._serve()
        finally:
            self._socket.close()

    def start(self) -> SandboxServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
