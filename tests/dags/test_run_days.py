"""Which day each kind of run exports, the output base rule, and every param's schema.

Rendered with the DAG's own Jinja environment (its user-defined macros, Airflow's filters and
``macros``) from the ``dag_run`` fields each way of starting a run gives, computed by
Airflow's own code where it infers them; no run, no server: each test takes milliseconds.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from triboo_provider.output_base import OUTPUT_BASE_PATTERN

from tests.dags.conftest import DAGS

EXPORT = "example_triboo_progress_export"
UTC = dt.UTC


def at(day: int, hour: int = 0, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def dag_run(logical_date: dt.datetime | None, run_after: dt.datetime, interval: Any) -> Any:
    """The ``dag_run`` a task's context holds (what the Execution API sends)."""
    start, end = (interval.start, interval.end) if interval else (None, None)
    return SimpleNamespace(
        logical_date=logical_date,
        run_after=run_after,
        data_interval_start=start,
        data_interval_end=end,
    )


def render(dag: Any, template: str, run: Any, **context: Any) -> str:
    from airflow.sdk.execution_time.context import MacrosAccessor

    variables = context.pop("variables", {})
    values = {
        "dag": dag,
        "dag_run": run,
        "macros": MacrosAccessor(),
        # The example DAGs' params that README's templates read (the roster sync's dry_run).
        "params": {"output_base": None, "dry_run": False},
        "var": {
            "value": SimpleNamespace(get=lambda key, default=None: variables.get(key, default))
        },
        **context,
    }
    return str(dag.get_template_env().from_string(template).render(values))


def export_day(dag: Any, run: Any) -> tuple[str, str, str]:
    """(from_date, to_date, the user progress file's partition) as the tasks render them."""
    course = dag.get_task("course_progress").partial_kwargs
    path = dag.get_task("user_progress_parquet").path
    return (
        render(dag, course["from_date"], run),
        render(dag, course["to_date"], run),
        render(dag, path, run).split("/")[-2],
    )


def manual_runs(dag: Any) -> dict[str, tuple[Any, str]]:
    """Each way of starting a run, at a given time, and the day it must export."""
    from airflow.api_fastapi.core_api.datamodels.dag_run import TriggerDAGRunPostBody
    from airflow.serialization.serialized_objects import DagSerialization

    timetable = dag.timetable
    serialized = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    now = at(30, 15)
    runs = {}
    # Scheduled (and a backfill of that day): logical date = the interval's start.
    runs["scheduled 30 Nov 02:00"] = (
        dag_run(at(29, 2), at(30, 2), SimpleNamespace(start=at(29, 2), end=at(30, 2))),
        "2026-11-29",
    )
    # `airflow dags trigger -l 2026-11-01` on 30 Nov: the interval is inferred from the
    # trigger time (airflow/api/common/trigger_dag.py), the logical date is the one given.
    cli = timetable.infer_manual_data_interval(run_after=now)
    assert cli.start.date() != dt.date(2026, 11, 1)  # the interval would give the wrong day
    runs["dags trigger -l 2026-11-01"] = (dag_run(at(1), now, cli), "2026-11-01")
    # The REST API given logical_date 2026-11-29: the interval steps back to the tick before.
    body = TriggerDAGRunPostBody(logical_date=at(29), run_after=now).validate_context(serialized)
    assert body["data_interval"].start.date() == dt.date(2026, 11, 27)
    runs["REST logical_date 2026-11-29"] = (
        dag_run(body["logical_date"], body["run_after"], body["data_interval"]),
        "2026-11-29",
    )
    # `airflow dags test ... 2026-11-29` (the same inference as the REST API).
    runs["dags test 2026-11-29"] = (
        dag_run(at(29), now, timetable.infer_manual_data_interval(run_after=at(29))),
        "2026-11-29",
    )
    # `airflow dags test` without a date: its logical date is the current time.
    for hour, minute in ((0, 0), (1, 30), (1, 59), (2, 0), (15, 0), (23, 59)):
        when = at(30, hour, minute)
        runs[f"dags test at {when:%H:%M}"] = (
            dag_run(when, when, timetable.infer_manual_data_interval(run_after=when)),
            "2026-11-29",
        )
        # The Trigger button, `airflow dags trigger`: no logical date, no interval.
        runs[f"no logical date at {when:%H:%M}"] = (dag_run(None, when, None), "2026-11-29")
    # A logical date whose day is not over (`dags trigger -l 2026-11-30` at 01:00).
    runs["logical date of today"] = (
        dag_run(at(30), at(30, 1), timetable.infer_manual_data_interval(run_after=at(30, 1))),
        "2026-11-29",
    )
    return runs


def test_every_run_kind_exports_its_day(dagbag: Any) -> None:
    dag = dagbag.dags[EXPORT]
    got = {name: export_day(dag, run) for name, (run, _) in manual_runs(dag).items()}
    expected = {}
    for name, (_, day) in manual_runs(dag).items():
        end = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        expected[name] = (day, end, f"date={day}")
    assert got == expected


def test_user_progress_is_snapshotted_for_the_day_before_run_after_only(dagbag: Any) -> None:
    from airflow.sdk.exceptions import AirflowSkipException

    dag = dagbag.dags[EXPORT]
    snapshot = dag.get_task("snapshot_day")
    assert {t.task_id for t in snapshot.downstream_list} == {
        "user_progress_parquet",
        "user_progress_csv",
    }
    callable_ = snapshot.python_callable
    # Every run for 29 November created on 30 November writes the snapshot; the run for
    # 1 November (a past day, triggered on 30 November) cannot.
    for name, (run, day) in manual_runs(dag).items():
        assert render(dag, snapshot.op_args[0], run) == day
        if name == "dags trigger -l 2026-11-01":
            with pytest.raises(AirflowSkipException, match=f"not written to date={day} "):
                callable_(day, dag_run=run)
        else:
            assert callable_(day, dag_run=run) == day, name
    backfill = dag_run(at(20, 2), at(21, 2), SimpleNamespace(start=at(20, 2), end=at(21, 2)))
    assert callable_("2026-11-20", dag_run=backfill) == "2026-11-20"
    # A dated manual run (dags test 2026-11-20) on 30 November: the snapshot is skipped.
    dated = dag_run(at(20), at(30, 15), None)
    assert render(dag, snapshot.op_args[0], dated) == "2026-11-20"
    with pytest.raises(AirflowSkipException, match="user progress is a snapshot of now"):
        callable_("2026-11-20", dag_run=dated)


def test_a_timezone_dag_gets_its_local_day(dagbag: Any) -> None:
    """README's idiom for a DAG on another timezone (the example DAG's is UTC)."""
    import pendulum
    from airflow.sdk import DAG
    from airflow.timetables.interval import CronDataIntervalTimetable

    # dag.timezone is the start date's: give both the schedule's timezone.
    timetable = CronDataIntervalTimetable("0 0 * * *", timezone="Europe/Paris")
    paris = DAG(
        "paris",
        schedule=timetable,
        start_date=pendulum.datetime(2026, 11, 1, tz="Europe/Paris"),
    )
    namespace = {"BASE": "/base"}
    readme_templates(namespace)
    local_day = namespace["LOCAL_DAY"]  # README's idiom for a DAG on another timezone
    # The run at 1 Dec 00:00 Paris (30 Nov 23:00 UTC) covers 30 November, Paris time.
    interval = timetable.infer_manual_data_interval(run_after=pendulum.instance(at(30, 23)))
    assert (interval.start, interval.end) == (at(29, 23), at(30, 23))
    scheduled = dag_run(interval.start, interval.end, interval)
    assert render(paris, local_day, scheduled) == "2026-11-30"
    # The UTC idiom would say 29 November.
    assert render(paris, "{{ dag_run.logical_date | ds }}", scheduled) == "2026-11-29"
    # Without a logical date, triggered on 1 Dec at 00:30 Paris: 30 November.
    assert render(paris, local_day, dag_run(None, at(30, 23, 30), None)) == "2026-11-30"


# --- output_base: one rule, in the param's schema and for the Variable at run time ---

BAD_BASES = [
    "{{ ds }}",
    "/data/{{ ds }}",
    "/data/{% if 1 %}x{% endif %}",
    "relative/dir",
    "triboo",
    " ",
    "   ",
    " /tmp/x",
    "/tmp/x ",
    "/tmp/x\n",
    "/tmp/\tx",
    "/",
    "//",
    "s3://",
    "s3:///",
]
GOOD_BASES = {
    "/tmp/x": "/tmp/x",
    "/tmp/x/": "/tmp/x",
    "/data/my reports": "/data/my reports",
    "s3://lake/triboo/": "s3://lake/triboo",
    "s3://aws_default@lake/triboo": "s3://aws_default@lake/triboo",
    "file:///tmp/x//": "file:///tmp/x",
}


def export_module(dagbag: Any) -> Any:
    """The DAG file's module, as the DagBag imported it."""
    import sys

    dag = dagbag.dags[EXPORT]
    (module,) = [
        m for m in list(sys.modules.values()) if getattr(m, "__file__", None) == dag.fileloc
    ]
    return module


def param_accepts(dag: Any, name: str, value: Any) -> bool:
    from airflow.sdk.definitions.param import ParamsDict
    from airflow.sdk.exceptions import ParamValidationError

    params = ParamsDict(dag.params)
    try:
        params.update({name: value})
    except ParamValidationError:
        return False
    return True


@pytest.mark.parametrize("value", BAD_BASES)
def test_a_bad_output_base_is_refused_by_the_form_and_as_the_variable(
    dagbag: Any, value: str
) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    dag = dagbag.dags[EXPORT]
    assert not param_accepts(dag, "output_base", value)
    run = dag_run(None, at(30, 15), None)
    with pytest.raises(AirflowFailException, match="the triboo_output_base Variable is not"):
        render(dag, dag.get_task("courses").path, run, variables={"triboo_output_base": value})


@pytest.mark.parametrize(("value", "base"), GOOD_BASES.items())
def test_a_good_output_base_is_used_without_its_trailing_slash(
    dagbag: Any, value: str, base: str
) -> None:
    dag = dagbag.dags[EXPORT]
    assert param_accepts(dag, "output_base", value)
    run = dag_run(None, at(30, 15), None)
    expected = f"{base}/courses/date=2026-11-29/courses.parquet"
    path = dag.get_task("courses").path
    assert render(dag, path, run, variables={"triboo_output_base": value}) == expected
    assert render(dag, path, run, params={"output_base": value}) == expected


@pytest.mark.parametrize("variable", [None, ""])
@pytest.mark.parametrize("param", [None, ""])
def test_an_empty_output_base_is_not_given(dagbag: Any, param: Any, variable: Any) -> None:
    dag = dagbag.dags[EXPORT]
    assert param_accepts(dag, "output_base", param)
    variables = {} if variable is None else {"triboo_output_base": variable}
    rendered = render(
        dag,
        dag.get_task("courses").path,
        dag_run(None, at(30, 15), None),
        params={"output_base": param},
        variables=variables,
    )
    assert rendered == "/tmp/triboo/courses/date=2026-11-29/courses.parquet"


def test_the_param_wins_over_the_variable_and_a_bad_param_names_itself(dagbag: Any) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    dag = dagbag.dags[EXPORT]
    rule = export_module(dagbag).resolve_output_base
    assert rule("/a", "/b") == "/a"
    assert rule(None, "/b/") == "/b"
    with pytest.raises(AirflowFailException, match=r"\n  the output_base param is not"):
        rule("rel", "/b")
    with pytest.raises(AirflowFailException, match=r"\n  the output_base param is not"):
        rule(5, "/b")
    assert dag.params.get_param("output_base").schema["pattern"] == OUTPUT_BASE_PATTERN
    roster_sync = dagbag.dags["example_triboo_roster_sync"]
    assert roster_sync.params.get_param("output_base").schema["pattern"] == OUTPUT_BASE_PATTERN
    assert roster_sync.user_defined_macros["triboo_output_base"] is rule


def spec_accepts(value: str) -> bool:
    """The rule, written out independently of its regular expression."""
    if value == "":
        return True
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value):
        return False
    if "{{" in value or "{%" in value or value != value.strip():
        return False
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value)
    rest = value[scheme.end() :] if scheme else value[1:] if value.startswith("/") else None
    return rest is not None and rest.rstrip("/").strip() != ""


BASES = st.one_of(
    st.text(max_size=20),
    st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                [
                    *("/", "//", "s3://", "file://", "tmp", "x y", " ", "\n", "\t", "{{"),
                    *("{%", "}}", "ds", "é", "\u00a0", "\x85", "a", ".", ":", "s3:", "%"),
                ]
            ),
            max_size=6,
        ),
    ),
)


@given(BASES)
def test_output_base_rule_property(dagbag: Any, value: str) -> None:
    from airflow.sdk.exceptions import AirflowFailException

    dag = dagbag.dags[EXPORT]
    rule = export_module(dagbag).resolve_output_base
    accepted = spec_accepts(value)
    assert param_accepts(dag, "output_base", value) is accepted, repr(value)
    try:
        base = rule(None, value)
    except AirflowFailException as problem:
        message = str(problem)
        assert not accepted, repr(value)
        assert "triboo_output_base Variable" in message
        return
    assert accepted, repr(value)
    if value == "":
        assert base == "/tmp/triboo"
        return
    assert base == value.rstrip("/")
    assert base.strip() == base
    assert not base.endswith("/")
    assert "{{" not in base
    assert "{%" not in base
    assert rule(None, base) == base


# --- every param's schema, as the trigger form, the REST API and the CLI check a conf ---

PARAM_CASES: dict[tuple[str, str], tuple[list[Any], list[Any]]] = {
    ("example_triboo_onboarding", "hires_path"): (
        ["/data/hires.csv", "s3://hr/new hires.csv", "/data/h.jsonl"],
        [
            None,
            "",
            " ",
            " /data/h.csv",
            "/data/h.csv ",
            "hires.csv",
            "{{ ds }}.csv",
            "/data/",
            "/data/h.csv\n",
            5,
        ],
    ),
    ("example_triboo_onboarding", "courses"): (
        [["course-v1:acme+SEC101+2024_T1"], ["a", "b"]],
        [
            "a,b",
            ["a,b"],
            [],
            [""],
            [" "],
            ["a b"],
            [" a"],
            [5],
            ["{{ x }}"],
            ["a\n"],
            None,
            ["a", "a"],
        ],
    ),
    ("example_triboo_offboarding", "leavers_path"): (
        ["/data/leavers.csv", "s3://hr/leavers.jsonl"],
        [None, "", " ", "leavers.csv", "/data/l.csv ", "{{ ds }}", 3, "/data/dir/"],
    ),
    ("example_triboo_completion", "progress_path"): (
        [None, "", "/wh/user_progress/date=2026-11-29/user_progress.parquet", "s3://l/u.parquet"],
        [" ", "u.parquet", "{{ ds }}", 7, "/wh/u.parquet ", "\n"],
    ),
    ("example_triboo_progress_export", "output_base"): (
        [None, "", *GOOD_BASES],
        [5, *BAD_BASES],
    ),
    ("example_triboo_roster_sync", "output_base"): (
        [None, "", *GOOD_BASES],
        [5, *BAD_BASES],
    ),
    ("example_triboo_roster_sync", "roster_path"): (
        ["/data/roster.csv", "s3://hr/roster.jsonl"],
        [None, "", " ", "roster.csv", "/data/r.csv ", "{{ ds }}", 3, "/data/dir/"],
    ),
    ("example_triboo_roster_sync", "dry_run"): ([True, False], [None, "yes", 1, "true"]),
}


@pytest.mark.parametrize(("dag_id", "name"), PARAM_CASES)
def test_every_param_schema(dagbag: Any, dag_id: str, name: str) -> None:
    dag = dagbag.dags[dag_id]
    good, bad = PARAM_CASES[dag_id, name]
    assert [v for v in good if not param_accepts(dag, name, v)] == []
    assert [v for v in bad if param_accepts(dag, name, v)] == []


def test_every_param_is_covered(dagbag: Any) -> None:
    names = {(dag_id, name) for dag_id, dag in dagbag.dags.items() for name in dag.params}
    assert names == set(PARAM_CASES)


# --- inputs name the caller's parameter ---


@pytest.mark.parametrize(
    ("dag_id", "task_id", "param"),
    [
        ("example_triboo_offboarding", "read_leavers", "leavers_path"),
    ],
)
def test_a_file_that_cannot_be_read_names_the_dags_param(
    dagbag: Any, tmp_path: Any, dag_id: str, task_id: str, param: str
) -> None:
    from triboo_provider.exceptions import TribooInputError

    task = dagbag.dags[dag_id].get_task(task_id)
    run = dag_run(None, at(30, 15), None)
    kwargs = {"params": {param: str(tmp_path / "missing.csv")}, "dag_run": run}
    wanted = inspect.signature(task.python_callable).parameters
    with pytest.raises(TribooInputError) as raised:
        task.python_callable(**{k: v for k, v in kwargs.items() if k in wanted})
    assert f"\n  {param}: " in str(raised.value)
    assert "users_path" not in str(raised.value)


def test_onboardings_hires_file_that_cannot_be_read_fails_create_users(
    dagbag: Any, tmp_path: Any
) -> None:
    """The onboarding DAG reads no file itself: create_users reads (and checks) the hires
    file its users_path renders to, and names it before any call."""
    from triboo_provider.exceptions import TribooInputError

    # A copy, as a task run makes: rendering sets its fields, not the parsed DAG's.
    task = dagbag.dags["example_triboo_onboarding"].get_task("create_users").prepare_for_execution()
    missing = str(tmp_path / "missing.csv")
    task.render_template_fields({"params": {"hires_path": missing}})
    assert task.users_path == missing
    with pytest.raises(TribooInputError, match="no API call was made") as raised:
        task.execute({})
    assert f"\n  users_path: {missing} cannot be read" in str(raised.value)


# --- every template of README's code blocks renders, with the one day idiom ---


def readme_templates(namespace: dict[str, str]) -> list[str]:
    """Every template README's Python code blocks give an argument or a name: each
    assignment's and keyword argument's value that evaluates to a string with ``{{``,
    with the names README defines (DAY, FIRST_DAY, END_DAY) and ``BASE``."""
    import ast

    readme = (DAGS.parent / "README.md").read_text()
    found = []
    for block in re.findall(r"^```python\n(.*?)^```", readme, flags=re.S | re.M):
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.Assign | ast.keyword):
                try:
                    value = eval(
                        compile(ast.Expression(node.value), "README.md", "eval"),
                        {"__builtins__": {}},
                        namespace,
                    )
                except (NameError, TypeError, AttributeError):
                    continue
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    namespace[node.targets[0].id] = value
                if isinstance(value, str) and "{{" in value:
                    found.append(value)
    return found


RUNS = {
    "scheduled 30 Nov 02:00": dag_run(
        at(29, 2), at(30, 2), SimpleNamespace(start=at(29, 2), end=at(30, 2))
    ),
    "no logical date, 30 Nov 02:00": dag_run(None, at(30, 2), None),
    "no logical date, 30 Nov 01:00": dag_run(None, at(30, 1), None),
    "dags test, 30 Nov 01:00": dag_run(at(30, 1), at(30, 1), None),
}


def test_readme_has_the_dags_day_idiom(dagbag: Any) -> None:
    module = export_module(dagbag)
    namespace = {"BASE": "/base"}
    readme_templates(namespace)
    assert {k: namespace[k] for k in ("DAY", "FIRST_DAY", "END_DAY")} == {
        "DAY": module.DAY,
        "FIRST_DAY": module.FIRST_DAY,
        "END_DAY": module.END_DAY,
    }


@pytest.mark.parametrize("name", RUNS)
def test_every_readme_template_renders_the_runs_day(dagbag: Any, name: str) -> None:
    dag = dagbag.dags[EXPORT]
    templates = readme_templates({"BASE": "/base"})
    assert len(templates) >= 8
    for template in templates:
        if "dag.timezone" in template:
            continue  # a timezone DAG's idiom: test_a_timezone_dag_gets_its_local_day
        text = render(dag, template, RUNS[name], run_id="manual__x")
        # Every day in a rendered template is the run's day, or the next for END_DAY.
        days = set(re.findall(r"\d{4}-\d{2}-\d{2}", text))
        day = "2026-11-30" if template == export_module(dagbag).END_DAY else "2026-11-29"
        assert days <= {day}, (template, text)
        if "| ds" in template:
            assert days == {day}, (template, text)
