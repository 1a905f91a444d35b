"""A throwaway Redis server for tests: Debian's redis-server on 127.0.0.1.

Each server listens on a free loopback port, works in its own temp directory, persists
nothing (no RDB snapshot, no append-only file) and is stopped after its test; ``stop()``
and ``start()`` let a test take it away mid-run and bring it back on the same port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[1]


def redis_server_or_skip() -> str:
    """Debian's redis-server; installed by `make redis-server` when missing, else skip."""
    found = shutil.which("redis-server")
    if found:
        return found
    installed = subprocess.run(
        ["make", "-s", "redis-server"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    found = shutil.which("redis-server")
    if not found:
        pytest.skip(
            "redis-server is absent and `make redis-server` could not install it: "
            f"{installed.stderr.strip()[-300:]}"
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """One redis-server process on ``127.0.0.1:port`` with ``directory`` as its home."""

    def __init__(self, executable: str, directory: Path) -> None:
        self.executable = executable
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> None:
        command = [
            self.executable,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.directory),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", str(self.directory / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self.process.poll() is not None:
                    log = (self.directory / "redis.log").read_text(errors="replace")
                    raise RuntimeError(f"redis-server exited: {log[-500:]}")
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@contextmanager
def running_redis(directory: Path) -> Iterator[RedisServer]:
    """A started :class:`RedisServer` in ``directory``, stopped on the way out."""
    server = RedisServer(redis_server_or_skip(), directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
