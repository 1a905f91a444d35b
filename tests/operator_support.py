"""Running an operator as a task does, outside Airflow's task runner."""

from __future__ import annotations

from typing import Any


def run(operator: Any, context: Any = None) -> Any:
    """``execute`` then ``post_execute``, as a task run does; the result is what would go
    to XCom. ``execute`` itself closes the hook's HTTP clients however it ends
    (``TribooBaseOperator`` wraps it); ``post_execute`` runs after a failure too, which
    Airflow does not do, and closes nothing."""
    try:
        return operator.execute(context or {})
    finally:
        operator.post_execute(context or {})
