"""Review of the operator surface (issue 15): what a user breaks it with.

Each test states the right behaviour; each failed when written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowFailException, TaskDeferred
from triboo_provider.exceptions import TribooInputError
from triboo_provider.operators.base import TribooBaseOperator
from triboo_provider.operators.courses import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
)
from triboo_provider.operators.enrollments import TribooBulkEnrollOperator
from triboo_provider.operators.users import (
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
)

from tests.operator_support import run

ROW = {"username": "new.hire", "email": "new.hire@example.com", "first_name": "N"}
ROW |= {"last_name": "H", "name": "New Hire"}


def rendered(params: dict[str, Any], **kwargs: Any) -> TribooExportCoursesOperator:
    with DAG("review", schedule=None, params=params):
        task = TribooExportCoursesOperator(task_id="c", **kwargs)
    task.render_template_fields({"params": params})
    return task


@pytest.mark.parametrize("conn_id", [None, "", 123, " triboo_default"])
def test_a_conn_id_that_names_no_connection_is_refused_at_dag_import(conn_id: Any) -> None:
    # Why: README "A value without a template is checked when the DAG file is imported";
    # None/""/an int/blanks can never name a connection, yet all are accepted today.
    with pytest.raises(TribooInputError, match="triboo_conn_id"):
        TribooExportCoursesOperator(task_id="c", path="/tmp/c.csv", triboo_conn_id=conn_id)


@pytest.mark.parametrize("conn", [None, "", " triboo_default "])
def test_a_rendered_conn_id_that_names_no_connection_fails_at_once(
    conn: Any, connect: Callable[..., None], tmp_path: Path
) -> None:
    # Why: "{{ params.conn }}" rendering "None", "" or with blanks is the DAG's input
    # problem: README's one error path says TribooInputError (AirflowFailException, no
    # retry) naming the parameter; today it is AirflowNotFoundException, which is retried.
    connect("http://127.0.0.1:9")
    task = rendered(
        {"conn": conn}, path=str(tmp_path / "c.csv"), triboo_conn_id="{{ params.conn }}"
    )
    with pytest.raises(AirflowFailException, match="triboo_conn_id"):
        run(task)


def test_a_bad_choice_given_to_partial_is_refused_at_dag_import() -> None:
    # Why: README "A value without a template is checked when the DAG file is imported";
    # .partial(format="CSV") (the mapped-task form the example DAGs use) passes parsing and
    # only fails when the mapped task runs.
    with DAG("review_partial", schedule=None), pytest.raises(TribooInputError, match="format"):
        TribooExportCourseProgressOperator.partial(
            task_id="x", output_dir="/tmp", format="CSV"
        ).expand(course_id=["course-v1:acme+SEC101+2024_T1"])


def test_a_bad_endpoint_given_to_partial_is_refused_at_dag_import() -> None:
    # Why: same rule, for the onboarding DAG's own shape (TribooBulkEnrollOperator.partial).
    with DAG("review_partial_enroll", schedule=None), pytest.raises(TribooInputError):
        TribooBulkEnrollOperator.partial(
            task_id="e", courses=["course-v1:acme+SEC101+2024_T1"], endpoint="Upstream"
        ).expand(identifiers=[["a"]])


def test_an_export_path_rendering_none_is_refused_before_any_call(
    sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Why: "{{ params.out }}" for a missing param renders "None"; README refuses "None" as
    # a missing value for list params and wants absolute paths or URLs, yet the export
    # writes a file named "None" into the worker's current folder.
    monkeypatch.chdir(tmp_path)
    task = rendered({"out": None}, path="{{ params.out }}", format="csv")
    with pytest.raises(TribooInputError, match="path"):
        run(task)
    assert list(tmp_path.iterdir()) == []


class Deferring(TribooBaseOperator):
    """A user's operator that waits on a trigger, then uses the hook when it resumes."""

    def execute(self, context: Any) -> None:
        from airflow.providers.standard.triggers.temporal import TimeDeltaTrigger

        self.defer(trigger=TimeDeltaTrigger(dt.timedelta(seconds=1)), method_name="resume")

    def resume(self, context: Any, event: Any = None) -> str:
        self.opened = [self.hook.api.get_httpx_client(), self.hook.jwt_api.get_httpx_client()]
        return "done"


def test_a_deferred_operator_closes_the_http_clients_when_it_resumes(
    connect: Callable[..., None],
) -> None:
    # Why: README "HTTP clients are closed however the task ends"; a deferred task ends in
    # its resume method (BaseOperator.resume_execution), which is not wrapped: left open.
    connect("http://127.0.0.1:9")
    task = Deferring(task_id="d")
    with pytest.raises(TaskDeferred):
        task.execute({})
    assert task.resume_execution("resume", {}, {}) == "done"
    assert all(isinstance(c, httpx.Client) and c.is_closed for c in task.opened)


def test_create_with_if_exists_update_reports_an_inactive_user(sandbox: Any) -> None:
    # Why: a rehire (an inactive account) with if_exists="update" raises a 409
    # TribooConflictError (retried by Airflow, after the other rows were created), while
    # TribooUpdateUsersOperator reports the same conflict reason as "inactive".
    store = sandbox.sandbox.store
    user = next(u for u in store.users.values() if u.org == "acme" and not u.is_superuser)
    run(TribooDeactivateUsersOperator(task_id="d", user_ids=[user.user_id]))
    rehire = {**ROW, "username": user.username, "email": user.email, "city": "Lyon"}
    result = run(TribooCreateUsersOperator(task_id="c", users=[ROW, rehire], if_exists="update"))
    assert (result["created"], result.get("inactive")) == (1, 1)
