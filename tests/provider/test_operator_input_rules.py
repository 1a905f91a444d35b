"""The input rules the review of issue 15 added, as properties: a connection id by
Airflow's own rule, the path rule every path parameter follows (inputs too), the import
checks ``partial()`` shares with ``__init__``, one field-name rule for CSV and JSON Lines,
and a rehire with ``if_exists="update"`` reported as inactive.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.models.connection import sanitize_conn_id
from airflow.sdk import DAG
from airflow.sdk.exceptions import TaskDeferred
from hypothesis import given, settings
from hypothesis import strategies as st
from triboo_provider.exceptions import TribooInputError
from triboo_provider.inputs import load_rows
from triboo_provider.operators.base import TribooBaseOperator, conn_id
from triboo_provider.operators.courses import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
)
from triboo_provider.operators.enrollments import TribooBulkEnrollOperator
from triboo_provider.operators.reports import TribooExportUserProgressOperator
from triboo_provider.operators.users import (
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
    TribooUpdateUsersOperator,
)
from triboo_provider.targets import resolve

from tests.operator_support import run

CONN_TEXT = st.text(st.sampled_from(list("ab_#!()-.:/\\ \t\né@$,NnoeulL")), max_size=12)


@settings(max_examples=600, deadline=None)
@given(value=st.one_of(CONN_TEXT, st.sampled_from(["None", "null", "NULL", " a", "a "])))
def test_a_conn_id_is_accepted_exactly_when_airflow_would_store_it(value: str) -> None:
    # Airflow's own rule (what `airflow connections add` accepts), minus what a template
    # prints for a missing value.
    valid = sanitize_conn_id(value) == value and value.lower() not in ("none", "null")
    if valid:
        assert conn_id(value) == value
    else:
        with pytest.raises(TribooInputError, match="triboo_conn_id: "):
            conn_id(value)


@pytest.mark.parametrize("value", [None, 0, 1.5, b"triboo_default", ["triboo_default"], "x" * 251])
def test_a_conn_id_that_is_no_text_or_too_long_is_refused(value: Any) -> None:
    with pytest.raises(TribooInputError, match="triboo_conn_id"):
        conn_id(value)


@pytest.mark.parametrize("conn", ["None", "", " triboo_default", "triboo default", "a;b"])
def test_a_rendered_conn_id_is_checked_before_any_output_is_opened(
    conn: str, tmp_path: Path
) -> None:
    params = {"conn": conn}
    with DAG("conn_rule", schedule=None, params=params):
        task = TribooExportCoursesOperator(
            task_id="c", path=str(tmp_path / "c.csv"), triboo_conn_id="{{ params.conn }}"
        )
    task.render_template_fields({"params": params})
    with pytest.raises(TribooInputError, match="triboo_conn_id"):
        run(task)
    assert list(tmp_path.iterdir()) == []


MISSING = st.sampled_from(["None", "null", "NULL", "none"]).flatmap(
    lambda word: st.tuples(st.sampled_from(["", " ", "\t"]), st.sampled_from(["", " "])).map(
        lambda pad: pad[0] + word + pad[1]
    )
)
RELATIVE = st.text(st.sampled_from(list("abc._-/ é")), min_size=1, max_size=12).filter(
    lambda text: not text.startswith("/") and text.strip() != ""
)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(MISSING, RELATIVE), folder=st.booleans())
def test_no_path_parameter_takes_a_missing_value_or_a_relative_path(
    value: str, folder: bool
) -> None:
    with pytest.raises(TribooInputError, match="out: "):
        resolve(value, "out", folder=folder)
    with pytest.raises(TribooInputError, match="users_path: "):
        load_rows(value, param="users_path")


@settings(max_examples=100, deadline=None)
@given(name=st.text(st.sampled_from(list("abc._-é")), min_size=1, max_size=12))
def test_an_absolute_path_or_url_is_taken(name: str) -> None:
    if name in (".", "..") or name.endswith("."):
        return  # a '.' or '..' segment: refused for another reason
    assert resolve("/data/" + name, "out").location == "/data/" + name
    assert resolve("s3://lake/" + name, "out").location == name


def test_an_input_file_follows_the_path_rule_too(tmp_path: Path) -> None:
    hires = tmp_path / "hires.csv"
    hires.write_text("username\nana\n")
    assert load_rows(str(hires))[0] == [{"username": "ana"}]
    with pytest.raises(TribooInputError, match=r"users_path: .* names a folder"):
        load_rows(str(tmp_path) + "/", param="users_path")


# Each operator's import checks, and a value each refuses.
BAD: list[tuple[type[TribooBaseOperator], dict[str, Any], dict[str, Any]]] = [
    (TribooExportCourseProgressOperator, {"output_dir": "/tmp/x"}, {"format": "CSV"}),
    (TribooExportCourseProgressOperator, {}, {"output_dir": "relative/dir"}),
    (TribooExportCoursesOperator, {}, {"path": "None"}),
    (TribooExportUserProgressOperator, {"path": "/tmp/p.csv"}, {"badges_path": "b.csv"}),
    (TribooExportUserProgressOperator, {"path": "/tmp/p.csv"}, {"format": "xlsx"}),
    (TribooBulkEnrollOperator, {"courses": ["c"]}, {"endpoint": "Upstream"}),
    (TribooBulkEnrollOperator, {"courses": ["c"]}, {"action": "enrol"}),
    (TribooCreateUsersOperator, {}, {"if_exists": "replace"}),
    (TribooCreateUsersOperator, {}, {"if_empty": "ignore"}),
    (TribooCreateUsersOperator, {}, {"results_path": "null"}),
    (TribooUpdateUsersOperator, {}, {"by": "id"}),
    (TribooDeactivateUsersOperator, {}, {"triboo_conn_id": " triboo_default"}),
]
MAPPED: dict[type[TribooBaseOperator], dict[str, list[Any]]] = {
    TribooExportCourseProgressOperator: {"course_id": ["c"]},
    TribooExportCoursesOperator: {"format": ["csv"]},
    TribooExportUserProgressOperator: {"user_ids": [[1]]},
    TribooBulkEnrollOperator: {"identifiers": [["a"]]},
    TribooCreateUsersOperator: {"users": [[]]},
    TribooUpdateUsersOperator: {"users": [[]]},
    TribooDeactivateUsersOperator: {"user_ids": [[1]]},
}


@pytest.mark.parametrize(("operator", "fixed", "bad"), BAD)
def test_partial_refuses_what_init_refuses(
    operator: type[TribooBaseOperator], fixed: dict[str, Any], bad: dict[str, Any]
) -> None:
    (name,) = bad
    assert name in operator.import_checks
    with DAG("partial_rule", schedule=None), pytest.raises(TribooInputError, match=name):
        operator.partial(task_id="p", **fixed, **bad).expand(**MAPPED[operator])
    with DAG("init_rule", schedule=None), pytest.raises(TribooInputError, match=name):
        operator(task_id="i", **fixed, **bad, **{k: v[0] for k, v in MAPPED[operator].items()})
    # A template, or a value known at run time, is checked once rendered instead.
    with DAG("partial_template", schedule=None):
        operator.partial(task_id="t", **fixed, **{name: "{{ params.x }}"}).expand(
            **MAPPED[operator]
        )


@settings(max_examples=100, deadline=None)
@given(
    others=st.lists(st.sampled_from(["email", "first_name", "City"]), max_size=3, unique=True),
    spelling=st.lists(st.tuples(st.booleans(), st.sampled_from(["", " ", "\t"])), min_size=4),
)
def test_csv_and_json_lines_read_field_names_by_one_rule(
    others: list[str], spelling: list[tuple[bool, str]], tmp_path_factory: Any
) -> None:
    names = ["username", *others]  # a CSV needs a username, email or user_id column
    folder = tmp_path_factory.mktemp("rows")
    spelt = zip(names, spelling[: len(names)], strict=True)
    written = [(n.upper() if up else n) + pad for n, (up, pad) in spelt]
    values = [f"v{i}" for i in range(len(names))]
    (folder / "u.csv").write_text(",".join(written) + "\n" + ",".join(values) + "\n")
    (folder / "u.jsonl").write_text(json.dumps(dict(zip(written, values, strict=True))) + "\n")
    from_csv = load_rows(str(folder / "u.csv"))[0]
    from_jsonl = load_rows(str(folder / "u.jsonl"))[0]
    assert from_csv == from_jsonl == [dict(zip([n.lower() for n in names], values, strict=True))]


def test_json_lines_keys_that_become_one_name_are_refused(tmp_path: Path) -> None:
    rows = tmp_path / "u.jsonl"
    rows.write_text('{"username": "a"}\n{"Email": "a@b.c", "email ": "d@e.f"}\n')
    with pytest.raises(TribooInputError, match=r"u\.jsonl, line 2: keys must be unique"):
        load_rows(str(rows))


class Resuming(TribooBaseOperator):
    """A user's deferring operator whose resume method fails after using the hook."""

    def execute(self, context: Any) -> None:
        from airflow.providers.standard.triggers.temporal import TimeDeltaTrigger

        self.defer(trigger=TimeDeltaTrigger(dt.timedelta(seconds=1)), method_name="resume")

    def resume(self, context: Any, event: Any = None) -> None:
        self.opened = [self.hook.api.get_httpx_client()]
        raise RuntimeError("the resumed work failed")


def test_a_failed_resume_closes_the_http_clients(connect: Callable[..., None]) -> None:
    connect("http://127.0.0.1:9")
    task = Resuming(task_id="r")
    with pytest.raises(TaskDeferred):
        task.execute({})
    with pytest.raises(RuntimeError, match="resumed work failed"):
        task.resume_execution("resume", {}, {})
    assert all(client.is_closed for client in task.opened)


def test_a_resume_checks_the_rendered_conn_id_first(connect: Callable[..., None]) -> None:
    task = Resuming(task_id="r", triboo_conn_id="{{ params.conn }}")
    task.triboo_conn_id = "None"  # as rendered for a missing param
    with pytest.raises(TribooInputError, match="triboo_conn_id"):
        task.resume_execution("resume", {}, {})
    assert "hook" not in task.__dict__


def test_an_inactive_rehire_is_in_the_results_file(sandbox: Any, tmp_path: Path) -> None:
    store = sandbox.sandbox.store
    user = next(u for u in store.users.values() if u.org == "acme" and not u.is_superuser)
    run(TribooDeactivateUsersOperator(task_id="d", user_ids=[user.user_id]))
    rehire = {"username": user.username, "email": user.email, "first_name": "R"}
    rehire |= {"last_name": "H", "name": "Re Hire", "city": "Lyon"}
    results = tmp_path / "results.csv"
    task = TribooCreateUsersOperator(
        task_id="c", users=[rehire], if_exists="update", results_path=str(results)
    )
    assert run(task)["inactive"] == 1
    assert f",inactive,{user.user_id}" in results.read_text()
    assert not store.users[user.user_id].is_active
