"""The hook's HTTP clients are closed however a task ends: execute returning or raising,
Airflow killing the task; for the provider's operators and for subclasses users write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from triboo_provider.exceptions import TribooInputError, TribooServerError
from triboo_provider.operators.base import TribooBaseOperator
from triboo_provider.operators.reports import TribooExportCoursesOperator
from triboo_provider.operators.users import TribooCreateUsersOperator


def clients(task: TribooBaseOperator) -> list[httpx.Client]:
    """Build both of the real hook's httpx clients (Bearer and JWT), still open."""
    built = [task.hook.api.get_httpx_client(), task.hook.jwt_api.get_httpx_client()]
    assert not any(client.is_closed for client in built)
    return built


@pytest.fixture
def unreachable(httpserver: HTTPServer, connect: Callable[..., None]) -> None:
    """A connection whose calls fail at once: no token endpoint there (a 500), no retry."""
    connect(httpserver.url_for("").rstrip("/"), max_retries=0)


def test_a_failed_execute_closes_the_http_clients(unreachable: None, tmp_path: Path) -> None:
    task = TribooExportCoursesOperator(task_id="c", path=str(tmp_path / "c.csv"), format="csv")
    built = clients(task)
    with pytest.raises(TribooServerError):
        task.execute({})  # no post_execute: Airflow skips it after a failed execute
    assert all(client.is_closed for client in built)


def test_an_input_error_closes_the_http_clients(unreachable: None) -> None:
    task = TribooCreateUsersOperator(task_id="c", users=[{"username": "x"}])
    built = clients(task)
    with pytest.raises(TribooInputError):
        task.execute({})
    assert all(client.is_closed for client in built)


def test_on_kill_closes_the_http_clients(unreachable: None, tmp_path: Path) -> None:
    task = TribooExportCoursesOperator(task_id="c", path=str(tmp_path / "c.csv"))
    built = clients(task)
    task.on_kill()
    assert all(client.is_closed for client in built)
    task.on_kill()  # again, and before any hook: nothing to close, no error
    TribooExportCoursesOperator(task_id="d", path=str(tmp_path / "d.csv")).on_kill()


class Failing(TribooBaseOperator):
    """A user's operator: uses the hook, then fails with its own error."""

    def execute(self, context: Any) -> None:
        self.opened = clients(self)
        raise RuntimeError("the user's own bug")


class Extending(TribooExportCoursesOperator):
    """A user's subclass: more calls after the provider's execute."""

    def execute(self, context: Any) -> Any:
        try:
            super().execute(context)
        except TribooServerError:
            # Still open: only the outermost execute closes them.
            self.after_super = [c.is_closed for c in (self.hook.api.get_httpx_client(),)]
            raise


class KillHandler(TribooBaseOperator):
    """A user's on_kill that does not call super()."""

    def on_kill(self) -> None:
        self.killed = True


class Mixin:
    def execute(self, context: Any) -> None:
        self.opened = clients(self)  # type: ignore[arg-type]
        raise RuntimeError("from a mixin")


class FromMixin(Mixin, TribooBaseOperator):
    """The execute comes from a mixin before the Triboo base, not from the class itself."""


@pytest.mark.parametrize("operator", [Failing, FromMixin])
def test_a_users_operator_closes_the_http_clients_when_it_fails(
    unreachable: None, operator: type[Any]
) -> None:
    task = operator(task_id="t")
    with pytest.raises(RuntimeError):
        task.execute({})
    assert all(client.is_closed for client in task.opened)


def test_a_subclass_calling_super_closes_once_at_the_end(unreachable: None, tmp_path: Path) -> None:
    task = Extending(task_id="c", path=str(tmp_path / "c.csv"))
    built = clients(task)
    with pytest.raises(TribooServerError):
        task.execute({})
    assert task.after_super == [False]
    assert all(client.is_closed for client in built)
    assert "_triboo_execute_depth" not in vars(task)


def test_a_users_on_kill_closes_the_http_clients(unreachable: None) -> None:
    task = KillHandler(task_id="k")
    built = clients(task)
    task.on_kill()
    assert task.killed
    assert all(client.is_closed for client in built)


def test_a_close_that_fails_hides_nothing(
    unreachable: None, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    task = TribooCreateUsersOperator(task_id="c", users=[{"username": "x"}])
    clients(task)

    def broken() -> None:
        raise OSError("cannot close")

    monkeypatch.setattr(task.hook, "close", broken)
    with pytest.raises(TribooInputError):
        task.execute({})
    assert "could not close the Triboo HTTP clients" in "".join(capfd.readouterr())
