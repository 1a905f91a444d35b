"""An executor worker of the DAG workload: each task in a process of its own, as Airflow 3
runs tasks.

``python -m benchmarks.dag_task`` is one worker slot, as a LocalExecutor worker: it
imports ``airflow.sdk`` once, then reads one task a line on stdin (``{"task": NAME,
"kwargs": {...}}``) and, for each, forks a task process, as Airflow's supervisor does.
The task process starts without the provider: it imports the operator's module (Airflow's
task runner imports it when it parses the DAG file), finds the connection in
``AIRFLOW_CONN_TRIBOO_DEFAULT`` (the parent sets it, as the task runner hands one over),
builds the hook and the operator, calls ``execute`` with a minimal context, then
``post_execute`` (which closes the hook's HTTP clients), and exits: no client, budget
or token outlives its task. The worker prints ``{"ready": true}`` once Airflow is
imported, then one JSON line a task: ``{"result": XCom}`` or ``{"error": traceback}``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

OPERATORS = {
    "user_progress_parquet": "TribooExportUserProgressOperator",
    "user_progress_csv": "TribooExportUserProgressOperator",
    "courses": "TribooExportCoursesOperator",
    "course_progress": "TribooExportCourseProgressOperator",
}


def run_task(spec: dict[str, Any]) -> Any:
    from triboo_provider.operators import reports

    operator_class = getattr(reports, OPERATORS[spec["task"]])
    operator = operator_class(task_id=spec["task"], **spec["kwargs"])
    result = operator.execute({})
    operator.post_execute({}, result)
    return result


def task_process(spec: dict[str, Any]) -> dict[str, Any]:
    """Fork, run ``spec`` in the child, and answer what it sent back."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the task process
        os.close(read_end)
        code = 0
        try:
            sent = {"result": run_task(spec)}
        except BaseException:  # reported to the scheduler, as a failed task
            sent, code = {"error": traceback.format_exc()}, 1
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(sent, default=str))
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as answers:
        text = answers.read()
    _, status = os.waitpid(pid, 0)
    if not text:
        return {"error": f"the task process died (wait status {status})"}
    answer: dict[str, Any] = json.loads(text)
    return answer


def main() -> None:
    # Answers go on a copy of stdout; stdout itself becomes stderr, where Airflow's and
    # the tasks' logs (printed to stdout by default) then go.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    import airflow.sdk  # noqa: F401 (the worker's import, inherited by every task process)

    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in sys.stdin:
        answers.write(json.dumps(task_process(json.loads(line))) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
