"""One task of the daily export DAG in its own process, as Airflow's task runner runs it.

``python -m benchmarks.dag_task`` reads ``{"task": NAME, "kwargs": {...}}`` on stdin and
prints the task's XCom as one JSON line. Like a task process started by Airflow, it
starts with nothing imported, imports the operator's module, finds the connection in
``AIRFLOW_CONN_TRIBOO_DEFAULT`` (the parent sets it, as the task runner hands one over),
builds the hook and the operator and calls ``execute`` with a minimal context, then
``post_execute`` (which closes the hook's HTTP clients).
"""

from __future__ import annotations

import json
import sys
from typing import Any

OPERATORS = {
    "user_progress_parquet": "TribooExportUserProgressOperator",
    "user_progress_csv": "TribooExportUserProgressOperator",
    "courses": "TribooExportCoursesOperator",
    "course_progress": "TribooExportCourseProgressOperator",
}


def main() -> None:
    spec: dict[str, Any] = json.loads(sys.stdin.read())
    from triboo_provider.operators import reports

    operator_class = getattr(reports, OPERATORS[spec["task"]])
    operator = operator_class(task_id=spec["task"], **spec["kwargs"])
    result = operator.execute({})
    operator.post_execute({}, result)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
