"""Running an operator as a task does, outside Airflow's task runner: execute, then close."""

from __future__ import annotations

from typing import Any


def run(operator: Any, context: Any = None) -> Any:
    """``execute`` then ``post_execute`` (which closes the hook's HTTP clients), as a task
    run does; the result is what would go to XCom."""
    try:
        return operator.execute(context or {})
    finally:
        operator.post_execute(context or {})
