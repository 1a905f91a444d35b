"""The sandbox in its own process, restarted whenever it dies, as a service manager would.

``triboo-sandbox serve --state FILE`` keeps its state in FILE, so a sandbox killed by the
``kill_after`` fault comes back where it was: the same port, users, enrollments and tokens.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

READY = "Triboo sandbox ready at "


class SupervisedSandbox:
    """Run the sandbox CLI on ``state``; after it dies, wait ``restart_delay`` seconds and
    start it again on the same port (systemd's ``Restart=always`` with ``RestartSec``).

    ``deaths`` lists the return code of every death it saw, ``-9`` for a SIGKILL (the one it
    causes when stopped is not one), and ``restarts`` counts the restarts.
    """

    def __init__(self, state: Path, restart_delay: float = 0.3) -> None:
        self.state = state
        self.restart_delay = restart_delay
        self.deaths: list[int] = []
        self.restarts = 0
        self.port = 0
        self._process: subprocess.Popen[str] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watcher = threading.Thread(target=self._watch, name="sandbox-supervisor")
        self.problem: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self) -> subprocess.Popen[str]:
        # Data, quirks and rate limits come from the state file (save one before starting).
        command = [sys.executable, "-m", "triboo_sandbox.cli", "serve", "--port", str(self.port)]
        process = subprocess.Popen(
            [*command, "--state", str(self.state)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()  # printed once the socket listens
        if not line.startswith(READY):
            process.kill()
            process.wait()
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        self.port = int(line[len(READY) :].split()[0].rpartition(":")[2])
        return process

    def _watch(self) -> None:
        while True:
            with self._lock:
                process = self._process
            assert process is not None
            code = process.wait()
            if process.stdout:
                process.stdout.close()
            if self._stopping.is_set():
                return
            self.deaths.append(code)
            if self._stopping.wait(self.restart_delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                try:
                    self._process = self._spawn()
                except RuntimeError as problem:
                    self.problem = str(problem)
                    return
                self.restarts += 1

    def wait_for_restart(self, count: int = 1, timeout: float = 20) -> None:
        """Block until the sandbox has been restarted ``count`` times in all."""
        deadline = time.monotonic() + timeout
        while self.restarts < count:
            if self.problem:
                raise RuntimeError(self.problem)
            if time.monotonic() > deadline:
                raise RuntimeError("the sandbox was not restarted in time")
            time.sleep(0.02)

    def __enter__(self) -> SupervisedSandbox:
        self._process = self._spawn()
        self._watcher.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        self._watcher.join(timeout=10)
