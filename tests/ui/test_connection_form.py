"""The connection as a new user makes it: Airflow's UI form in headless Chromium, then the CLI.

Airflow's API server (which serves the UI) runs on 127.0.0.1 with a temporary home, SQLite and
the simple auth manager (everyone admin); the sandbox runs in this process on 127.0.0.1.
Through the form: a ``triboo`` connection with the sandbox's host, port and ``http`` scheme,
the demo client id and secret, every extra left at the form's default; saved; its Test
button pressed. Then ``airflow connections test`` on the saved connection, and the stored
extras read back: none may be Airflow's mask ``***`` (issue 14: ``token_path`` was).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.spec_tools import ROOT

ARTIFACTS = ROOT / ".artifacts"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
READ_EXTRAS = (
    "import json\n"
    "from airflow.models.connection import Connection\n"
    "print(json.dumps(Connection.get_connection_from_secrets('triboo_default').extra_dejson))\n"
)


def chromium_or_skip() -> str:
    """Debian's Chromium; installed by `make chromium` when missing, else the test skips."""
    found = shutil.which("chromium")
    if found:
        return found
    installed = subprocess.run(
        ["make", "-s", "chromium"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    found = shutil.which("chromium")
    if not found:
        pytest.skip(
            f"chromium is absent and `make chromium` could not install it: "
            f"{installed.stderr.strip()[-300:]}"
        )
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def airflow_env(tmp_path: Path) -> dict[str, str]:
    """A throwaway Airflow home on SQLite: UI with everyone admin, connection tests on."""
    home = tmp_path / "airflow"
    (home / "dags").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "_AIRFLOW"))}
    return env | {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
        "AIRFLOW__API__HOST": "127.0.0.1",
    }


@pytest.fixture
def airflow_ui(airflow_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """``airflow api-server`` (the UI and the REST API) on a free loopback port."""
    subprocess.run(
        [AIRFLOW, "db", "migrate"], env=airflow_env, capture_output=True, check=True, timeout=180
    )
    port = free_port()
    log = (tmp_path / "api-server.log").open("w")
    server = subprocess.Popen(
        [AIRFLOW, "api-server", "--apps", "core", "-w", "1", "-H", "127.0.0.1", "-p", str(port)],
        env=airflow_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its uvicorn worker too is stopped with the group
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "api-server.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the API server did not answer within 120 s"
            try:
                if httpx.get(f"{url}/api/v2/version", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def test_the_ui_form_saves_a_connection_that_tests_successfully(
    airflow_ui: str, airflow_env: dict[str, str], tmp_path: Path
) -> None:
    chromium = chromium_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "connection-form-test.png"
    screenshot.unlink(missing_ok=True)
    with SandboxServer(make_sandbox(users=20, today=dt.date(2026, 11, 1))) as sandbox:
        port = str(httpx.URL(sandbox.url).port)
        browser = subprocess.run(
            ["node", str(Path(__file__).with_name("connection_form.mjs")),
             airflow_ui, "127.0.0.1", port, str(screenshot)],
            capture_output=True, text=True, cwd=ROOT, timeout=180, check=False,
            env={"PATH": "/usr/bin:/bin", "CHROMIUM": chromium, "HOME": str(tmp_path)},
        )  # fmt: skip
        assert browser.returncode == 0, browser.stderr[-3000:]
        report = json.loads(browser.stdout.strip().splitlines()[-1])
        # The CLI's test and a read of the stored extras, side by side (each starts Airflow).
        with ThreadPoolExecutor(2) as both:
            cli = both.submit(
                subprocess.run,
                [AIRFLOW, "connections", "test", "triboo_default"],
                env=airflow_env, capture_output=True, text=True, timeout=120, check=False,
            )  # fmt: skip
            stored = both.submit(
                subprocess.run,
                [sys.executable, "-c", READ_EXTRAS],
                env=airflow_env, capture_output=True, text=True, timeout=120, check=True,
            )  # fmt: skip
        tested, extras = cli.result(), json.loads(stored.result().stdout.strip().splitlines()[-1])

    # The form sent the sandbox's host, port and scheme, and every extra at its default.
    saved = report["saved"]
    assert (saved["host"], saved["port"], saved["schema"]) == ("127.0.0.1", int(port), "http")
    sent_extras = json.loads(saved["extra"])
    assert sent_extras["oauth2_path"] == "/oauth2/access_token"
    assert "token_path" not in sent_extras
    # Nothing masked: not in what the form sent, what the UI read back, or what was stored.
    for extra in (sent_extras, json.loads(report["listed_extra"]), extras):
        assert "***" not in json.dumps(extra), extra
    assert extras["oauth2_path"] == "/oauth2/access_token"
    # The Test button: Airflow ran TribooHook.test_connection against the sandbox.
    assert report["test"]["status"] == 200, report["test"]
    answer = json.loads(report["test"]["body"])
    assert answer["status"] is True, answer
    assert answer["message"].startswith(f"Connected to http://127.0.0.1:{port}: 36 course(s)")
    assert "Test Connection Successful" in report["shown"]
    assert screenshot.stat().st_size > 10_000
    # The CLI, on the stored connection.
    assert tested.returncode == 0, tested.stdout[-2000:] + tested.stderr[-2000:]
    assert "Connection success!" in tested.stdout
    assert "demo-secret" not in tested.stdout + tested.stderr + json.dumps(report)
