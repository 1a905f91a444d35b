"""make demo's start/stop logic: the sandbox stops whatever happens, and nothing is left behind."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest
import triboo_sandbox.server

from tools import demo


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    servers: list[Any] = []

    class Recording(triboo_sandbox.server.SandboxServer):
        def start(self) -> Any:
            servers.append(self)
            return super().start()

    monkeypatch.setattr(triboo_sandbox.server, "SandboxServer", Recording)
    monkeypatch.setattr(demo, "SANDBOX_USERS", 50)
    for name, folder in (
        ("DEMO", tmp_path),
        ("AIRFLOW_HOME", tmp_path / "airflow"),
        ("WAREHOUSE", tmp_path / "warehouse"),
    ):
        monkeypatch.setattr(demo, name, folder)
    return servers


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("failure", [SystemExit("airflow db migrate failed"), KeyboardInterrupt()])
def test_sandbox_stops_on_failure_and_interrupt(
    recorded: list[Any], monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    from tools import airflow_deployment

    calls: list[str] = []

    def failing_prepare(self: Any) -> None:
        calls.append("prepare")
        assert self.env["AIRFLOW_CONN_TRIBOO_DEFAULT"]
        raise failure

    monkeypatch.setattr(airflow_deployment.AirflowDeployment, "prepare", failing_prepare)
    with pytest.raises(type(failure)):
        demo.main()
    (server,) = recorded
    assert calls == ["prepare"]
    assert port_is_closed(server.port)
    assert not any(t.name == "triboo-sandbox" and t.is_alive() for t in threading.enumerate())


def test_environment_is_hermetic(recorded: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "CeleryExecutor")
    env = demo.deployment("http://127.0.0.1:1").env
    assert env["AIRFLOW_HOME"] == str(demo.AIRFLOW_HOME)
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"].endswith("/dags")
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith("http://127.0.0.1:")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith(f"sqlite:///{demo.AIRFLOW_HOME}")
