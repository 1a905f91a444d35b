"""Choice parameters and the connection id: templated, checked at DAG import when not
templated and again once rendered, always a TribooInputError (never a bare ValueError,
which Airflow would retry); a policy refusal and a conflict are typed, never text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowSkipException
from triboo_provider.batching import batches
from triboo_provider.client.errors import DEPRECATION
from triboo_provider.exceptions import (
    TribooConnectionError,
    TribooInputError,
    TribooPolicyError,
)
from triboo_provider.operators.enrollments import TribooBulkEnrollOperator
from triboo_provider.operators.reports import (
    Format,
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.operators.users import (
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
    TribooUpdateUsersOperator,
)

from tests.operator_support import run

ROW = {"username": "new.hire", "email": "new.hire@example.com", "first_name": "N"}
ROW |= {"last_name": "H", "name": "New Hire"}
# Each operator, what else it needs, and its choice parameters with one valid value.
CHOICES: list[tuple[type[Any], dict[str, Any], str, str]] = [
    (TribooCreateUsersOperator, {"users": [ROW]}, "if_exists", "update"),
    (TribooCreateUsersOperator, {"users": [ROW]}, "if_empty", "skip"),
    (TribooUpdateUsersOperator, {"users": [ROW]}, "by", "email"),
    (TribooBulkEnrollOperator, {"identifiers": ["a"], "courses": ["c"]}, "action", "unenroll"),
    (TribooBulkEnrollOperator, {"identifiers": ["a"], "courses": ["c"]}, "endpoint", "extended"),
    (TribooExportUserProgressOperator, {"path": "/tmp/p.csv"}, "format", "csv"),
    (TribooExportCoursesOperator, {"path": "/tmp/c.csv"}, "format", "jsonl"),
    (
        TribooExportCourseProgressOperator,
        {"course_id": "course-v1:a+b+c", "output_dir": "/tmp"},
        "format",
        "csv",
    ),
]
IDS = [f"{operator.__name__}.{name}" for operator, _, name, _ in CHOICES]


@pytest.mark.parametrize(("operator", "needs", "name", "good"), CHOICES, ids=IDS)
def test_a_bad_choice_is_an_input_error_at_dag_import(
    operator: type[Any], needs: dict[str, Any], name: str, good: str
) -> None:
    with pytest.raises(TribooInputError, match=rf"{name}: must be one of .*, not 'bogus'"):
        operator(task_id="t", **needs, **{name: "bogus"})
    assert name in operator.template_fields
    assert "triboo_conn_id" in operator.template_fields
    assert getattr(operator(task_id="t", **needs, **{name: good}), name) == good


@pytest.mark.parametrize(("operator", "needs", "name", "good"), CHOICES, ids=IDS)
def test_a_templated_choice_is_checked_once_rendered_before_any_call(
    operator: type[Any],
    needs: dict[str, Any],
    name: str,
    good: str,
    connect: Callable[..., None],
) -> None:
    connect("http://127.0.0.1:9")  # nothing listens: a call would be a connection error
    params = {"choice": "bogus"}
    with DAG(f"choices_{operator.__name__}", schedule=None, params=params):
        task = operator(task_id="t", **needs, **{name: "{{ params.choice }}"})
    task.render_template_fields({"params": params})
    assert getattr(task, name) == "bogus"
    with pytest.raises(TribooInputError, match=rf"{name}: must be one of") as raised:
        run(task)
    assert raised.value.__cause__ is None  # found by the check, no error to chain


def test_a_rendered_choice_is_used(sandbox: Any, tmp_path: Path) -> None:
    params = {"fmt": "jsonl"}
    with DAG("rendered_format", schedule=None, params=params):
        task = TribooExportCoursesOperator(
            # A template is no Literal for a type checker: cast it (checked once rendered).
            task_id="c",
            path=str(tmp_path / "c.out"),
            format=cast("Format", "{{ params.fmt }}"),
        )
    task.render_template_fields({"params": params})
    result = run(task)
    assert result["format"] == "jsonl"
    assert (tmp_path / "c.out").read_text().startswith('{"course_id"')


def test_the_connection_id_is_templated(connect: Callable[..., None], tmp_path: Path) -> None:
    connect("http://127.0.0.1:9")
    params = {"conn": "triboo_default"}
    with DAG("templated_conn", schedule=None, params=params):
        task = TribooExportCoursesOperator(
            task_id="c", path=str(tmp_path / "c.csv"), triboo_conn_id="{{ params.conn }}"
        )
    task.render_template_fields({"params": params})
    assert task.triboo_conn_id == "triboo_default"
    with pytest.raises(TribooConnectionError):  # the rendered connection's URL was tried
        run(task)


def test_if_empty_skips_or_fails_with_no_call(connect: Callable[..., None], tmp_path: Path) -> None:
    connect("http://127.0.0.1:9")
    header_only = tmp_path / "hires.csv"
    header_only.write_text("username,email,first_name,last_name,name\n")
    with pytest.raises(AirflowSkipException, match="no rows"):
        run(TribooCreateUsersOperator(task_id="c", users_path=str(header_only), if_empty="skip"))
    with pytest.raises(TribooInputError, match="the input has no rows"):
        run(TribooCreateUsersOperator(task_id="c", users_path=str(header_only)))


def test_if_exists_fail_is_a_policy_error_naming_no_person(sandbox: Any) -> None:
    existing = next(u for u in sandbox.sandbox.store.users.values() if u.org == "acme")
    row = {**ROW, "username": existing.username.upper(), "email": existing.email}
    with pytest.raises(TribooPolicyError) as raised:
        run(TribooCreateUsersOperator(task_id="c", users=[ROW, row], if_exists="fail"))
    assert raised.value.problems == [f"row 2: user {existing.user_id} already exists"]
    assert 'if_exists="fail"' in str(raised.value)
    assert existing.username not in str(raised.value)
    assert sandbox.sandbox.store.find("acme", username="new.hire") is None


def test_an_inactive_user_is_counted_by_the_conflicts_reason(sandbox: Any) -> None:
    """Both server generations word it differently; the typed reason decides."""
    store = sandbox.sandbox.store
    user = next(u for u in store.users.values() if u.org == "acme" and not u.is_superuser)
    run(TribooDeactivateUsersOperator(task_id="d", user_ids=[user.user_id]))
    task = TribooUpdateUsersOperator(
        task_id="u", users=[{"user_id": user.user_id, "city": "Lyon"}], by="user_id"
    )
    assert run(task) == {"rows": 1, "updated": 0, "unchanged": 0, "not_found": 0, "inactive": 1}


def test_an_asset_uri_airflow_refuses_keeps_its_cause() -> None:
    with pytest.raises(TribooInputError, match="path: no Asset URI") as raised:
        TribooExportCoursesOperator(task_id="c", path="/tmp/" + "a" * 1600 + ".csv")
    assert isinstance(raised.value.__cause__, ValueError)


def test_batches_moved_and_the_old_name_still_works() -> None:
    from triboo_provider.operators import enrollments

    with pytest.warns(DEPRECATION, match=r"moved to triboo_provider\.batching\.batches"):
        old = enrollments.batches
    assert old is batches
    assert old(["a", "b", "c"], 2) == [["a", "b"], ["c"]]
    with pytest.raises(AttributeError):
        enrollments.nothing_here  # noqa: B018
