"""Every list-valued parameter of every operator, in every form a DAG can give it.

Airflow renders templates to strings unless the DAG sets ``render_template_as_native_obj``.
Each list parameter is run against the sandbox as a list, as a string rendered by Airflow
itself (``"{{ params.value }}"``, a JSON list, comma- and newline-joined items), and its
result, output and sandbox state must equal those of the plain list. The tables below are
checked against the operators' signatures, so a new parameter cannot be left out.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import triboo_provider.operators
from airflow.sdk import DAG
from triboo_provider.batching import batches
from triboo_provider.exceptions import TribooInputError
from triboo_provider.operators.base import TribooBaseOperator
from triboo_provider.operators.enrollments import TribooBulkEnrollOperator
from triboo_provider.operators.reports import (
    TribooExportCourseProgressOperator,
    TribooExportCoursesOperator,
    TribooExportUserProgressOperator,
)
from triboo_provider.operators.sync_users import TribooSyncUsersOperator
from triboo_provider.operators.users import (
    TribooCreateUsersOperator,
    TribooDeactivateUsersOperator,
    TribooUpdateUsersOperator,
)
from triboo_sandbox.server import SandboxServer, make_sandbox

from tests.operator_support import run

TODAY = dt.date(2026, 11, 1)
COURSES = ["course-v1:acme+SEC101+2024_T1", "course-v1:acme+GDPR102+2024_T2"]
# Seeded users of make_sandbox(users=60, seed 42): ids, usernames and e-mails are stable.
IDS = [45, 46]
NAMES = ["lars.moreau.45", "olga.moreau.46"]
EMAILS = ["lars.moreau.45@acme.example.com", "olga.moreau.46@acme.example.com"]
HIRES = [
    {"username": f"hire{n}", "email": f"hire{n}@example.com", "first_name": "H"}
    | {"last_name": str(n), "name": f"H {n}"}
    for n in range(2)
]

EXPORT = {"format": "csv", "path": "/nonexistent/progress.csv"}  # outcome() sets the path

# Every operator parameter, list-valued or not. A list parameter maps to (the fixed
# arguments, a sample list); the others are named so the signature check sees them.
LIST_PARAMETERS: dict[type[TribooBaseOperator], dict[str, tuple[dict[str, Any], list[Any]]]] = {
    TribooCreateUsersOperator: {"users": ({}, HIRES)},
    TribooUpdateUsersOperator: {"users": ({}, [{"username": n, "city": "Lyon"} for n in NAMES])},
    TribooDeactivateUsersOperator: {"user_ids": ({}, IDS), "usernames": ({}, NAMES)},
    TribooBulkEnrollOperator: {
        "identifiers": ({"courses": COURSES[:1]}, [NAMES[0], EMAILS[1]]),
        "courses": ({"identifiers": NAMES[:1]}, COURSES),
    },
    TribooExportUserProgressOperator: {
        "user_ids": (EXPORT, IDS),
        "usernames": (EXPORT, NAMES),
        "emails": (EXPORT, EMAILS),
    },
    TribooExportCourseProgressOperator: {},
    TribooExportCoursesOperator: {},
    # A roster of two hires in a scope no seeded account is in: two creates, nothing to
    # deactivate, so the safety stop has nothing to refuse.
    TribooSyncUsersOperator: {
        "roster": ({"scope": {"country": "ZZ"}}, [h | {"country": "ZZ"} for h in HIRES])
    },
}
OTHER_PARAMETERS: dict[type[TribooBaseOperator], set[str]] = {
    TribooCreateUsersOperator: {"users_path", "if_exists", "if_empty", "results_path"},
    TribooUpdateUsersOperator: {"users_path", "by", "fail_on_missing"},
    TribooDeactivateUsersOperator: {"fail_on_missing"},
    TribooBulkEnrollOperator: {"action", "endpoint", "auto_enroll", "email_students"}
    | {"batch_size"},
    TribooExportUserProgressOperator: {"path", "format", "badges_path"},
    TribooExportCourseProgressOperator: {
        "course_id",
        "output_dir",
        "format",
        "from_date",
        "to_date",
    },
    TribooExportCoursesOperator: {"path", "format"},
    TribooSyncUsersOperator: {
        "roster_path",
        "match_on",
        "scope",
        "api_username",
        "max_deactivations",
        "plan_path",
        "plan_format",
        "dry_run",
        "fail_on_conflict",
    },
}
# Each form turns the sample list into what the operator receives after Airflow renders
# the template (None: the list itself, not templated).
FORMS: dict[str, str | None] = {
    "list": None,
    "rendered list": "{{ params.value }}",
    "JSON": "{{ params.value | tojson }}",
    "comma-joined": "{{ params.value | join(',') }}",
    "newline-joined": "{{ params.value | join('\\n') }}",
}
SCALAR_FORMS = ("comma-joined", "newline-joined")  # meaningless for a list of rows
ROW_LISTS = ("users", "roster")  # parameters holding rows, not scalars


def operators() -> list[type[TribooBaseOperator]]:
    """Every operator class the provider ships, found by walking its package."""
    found: set[type[TribooBaseOperator]] = set()
    for module in pkgutil.iter_modules(triboo_provider.operators.__path__):
        loaded = importlib.import_module(f"triboo_provider.operators.{module.name}")
        found |= {
            value
            for value in vars(loaded).values()
            if inspect.isclass(value)
            and issubclass(value, TribooBaseOperator)
            and value is not TribooBaseOperator
        }
    return sorted(found, key=lambda c: c.__name__)


def test_every_parameter_of_every_operator_is_classified() -> None:
    assert set(operators()) == set(LIST_PARAMETERS) == set(OTHER_PARAMETERS)
    for operator in operators():
        params = set(inspect.signature(operator.__init__).parameters) - {"self", "kwargs"}
        lists = set(LIST_PARAMETERS[operator])
        assert params == lists | OTHER_PARAMETERS[operator], operator.__name__
        assert lists <= set(operator.template_fields), f"{operator.__name__}: not templated"


def rendered(operator: type[Any], fixed: dict[str, Any], name: str, value: Any, form: str) -> Any:
    """The operator built in a DAG and rendered by Airflow, as a task run would do."""
    template = FORMS[form]
    params = {"value": value}
    with DAG(f"lists_{operator.__name__}", schedule=None, params=params):
        task = operator(task_id="t", **fixed, **{name: value if template is None else template})
    task.render_template_fields({"params": params})
    return task


def state(server: SandboxServer) -> list[Any]:
    store = server.sandbox.store
    return [
        (u.user_id, u.username, u.is_active, u.profile.get("city"), enrolled(server, u.user_id))
        for u in store.users.values()
    ]


def enrolled(server: SandboxServer, user_id: int) -> list[str]:
    store = server.sandbox.store
    return sorted(k for k in store.enrollments.get(user_id, {}) if store.is_enrolled(user_id, k))


@pytest.fixture
def fresh(connect: Callable[..., None]) -> Iterator[Callable[[], SandboxServer]]:
    """Start a new small sandbox, wired to ``triboo_default``, each time it is called."""
    started: list[SandboxServer] = []

    def start() -> SandboxServer:
        server = SandboxServer(make_sandbox(users=60, today=TODAY)).__enter__()
        started.append(server)
        connect(server.url, "demo-client", "demo-secret", max_retries=0)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


def outcome(task: Any, server: SandboxServer, out: Path) -> tuple[Any, list[Any], Any]:
    if hasattr(task, "path"):
        task.path = str(out / "progress.csv")
    result = run(task)
    files = (out / "progress.csv").read_text() if (out / "progress.csv").exists() else None
    return {k: v for k, v in result.items() if not k.endswith("path")}, state(server), files


CASES = [
    (operator, name, form)
    for operator, params in LIST_PARAMETERS.items()
    for name in params
    for form in FORMS
    if form != "list" and not (name in ROW_LISTS and form in SCALAR_FORMS)
]


@pytest.mark.parametrize(
    ("operator", "name", "form"),
    CASES,
    ids=[f"{o.__name__}.{n}-{f}" for o, n, f in CASES],
)
def test_every_form_acts_as_the_list(
    operator: type[Any],
    name: str,
    form: str,
    fresh: Callable[[], SandboxServer],
    tmp_path: Path,
) -> None:
    fixed, value = LIST_PARAMETERS[operator][name]
    expected = outcome(rendered(operator, fixed, name, value, "list"), fresh(), tmp_path / "a")
    (tmp_path / "a").mkdir(exist_ok=True)
    got = outcome(rendered(operator, fixed, name, value, form), fresh(), tmp_path / "b")
    assert got == expected


@pytest.mark.parametrize(
    ("operator", "name"),
    [(o, n) for o, params in LIST_PARAMETERS.items() for n in params if n not in ROW_LISTS],
)
def test_one_rendered_item_is_that_item(
    operator: type[Any], name: str, fresh: Callable[[], SandboxServer], tmp_path: Path
) -> None:
    fixed, value = LIST_PARAMETERS[operator][name]
    params = {"value": value[0]}
    with DAG("one_item", schedule=None, params=params):
        task = operator(task_id="t", **fixed, **{name: "{{ params.value }}"})
    task.render_template_fields({"params": params})
    assert isinstance(getattr(task, name), str)
    expected = outcome(rendered(operator, fixed, name, value[:1], "list"), fresh(), tmp_path / "a")
    assert outcome(task, fresh(), tmp_path / "b") == expected


def test_user_45_is_deactivated_and_nobody_else(fresh: Callable[[], SandboxServer]) -> None:
    """The issue's example: "{{ params.user_id }}" renders to "45", not to users 4 and 5."""
    server = fresh()
    users = server.sandbox.store.users
    assert [users[n].is_active for n in (4, 5, 45)] == [True, True, True]
    with DAG("leave", schedule=None, params={"user_id": 45}):
        task = TribooDeactivateUsersOperator(task_id="leave", user_ids="{{ params.user_id }}")
    task.render_template_fields({"params": {"user_id": 45}})
    assert task.user_ids == "45"
    assert run(task) == {"rows": 1, "user_deactivated": 1}
    assert [users[n].is_active for n in (4, 5, 45)] == [True, True, False]


@pytest.mark.parametrize(
    ("operator", "arguments", "problem"),
    [
        (
            TribooDeactivateUsersOperator,
            {"user_ids": {"a": 1}},
            "user_ids: a mapping is not a list",
        ),
        (
            TribooDeactivateUsersOperator,
            {"user_ids": "[45, 46"},
            "user_ids: opens a list with '['",
        ),
        (TribooDeactivateUsersOperator, {"user_ids": True}, "user_ids: a boolean is not a list"),
        (TribooDeactivateUsersOperator, {"user_ids": "4 5"}, "user_ids item 1: not a positive"),
        (TribooDeactivateUsersOperator, {"usernames": b"a"}, "usernames: bytes are not a list"),
        (TribooBulkEnrollOperator, {"identifiers": "{{ x }}", "courses": COURSES}, "not rendered"),
        (
            TribooBulkEnrollOperator,
            {"identifiers": NAMES, "courses": {"k": 1}},
            "courses: a mapping",
        ),
        (
            TribooExportUserProgressOperator,
            {"path": "/tmp/p.csv", "emails": 5},
            "emails item 1: a value of type int, not text",
        ),
        (
            TribooExportUserProgressOperator,
            {"path": "/tmp/p.csv", "user_ids": "x"},
            "user_ids item 1: not a positive integer",
        ),
        (TribooCreateUsersOperator, {"users": "/data/hires.csv"}, "give a file as users_path"),
        (TribooUpdateUsersOperator, {"users": "[{'username': 'a'"}, "users: opens a list"),
    ],
)
def test_anything_else_is_refused_before_any_call(
    operator: type[Any], arguments: dict[str, Any], problem: str, connect: Callable[..., None]
) -> None:
    connect("http://127.0.0.1:9")  # nothing listens: a call would fail differently
    with pytest.raises(TribooInputError, match="no API call was made") as raised:
        run(operator(task_id="t", **arguments))
    assert any(problem in p for p in raised.value.problems), raised.value.problems


def test_batches_splits_items_never_characters() -> None:
    assert batches("a,b,c", 2) == [["a", "b"], ["c"]]
    assert batches("jane.doe", 3) == [["jane.doe"]]
    assert batches(["a", "b", "c"], 2) == [["a", "b"], ["c"]]
    for size in (0, -1, True, 2.0, "2"):
        with pytest.raises(TribooInputError, match="size: must be a positive integer"):
            batches(["a"], size)  # type: ignore[arg-type]
    assert batches(None, 2) == batches("", 2) == []


MISSING_VALUES: dict[str, Any] = {
    "None rendered": "None",
    "null rendered": "null",
    "None item": [None],
    "NaN item": [float("nan")],
    "boolean item": [True],
    "float item": [12.5],  # a native rendering of "12.50"
    "nested list": [["a"]],
}


@pytest.mark.parametrize("missing", list(MISSING_VALUES))
@pytest.mark.parametrize(
    ("operator", "name"),
    [(o, n) for o, params in LIST_PARAMETERS.items() for n in params if n not in ROW_LISTS],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_a_missing_or_non_text_item_is_refused_never_sent_as_text(
    operator: type[Any], name: str, missing: str, connect: Callable[..., None]
) -> None:
    """``str(None)`` is the valid username "None": every list parameter refuses it."""
    connect("http://127.0.0.1:9")
    fixed, _ = LIST_PARAMETERS[operator][name]
    with pytest.raises(TribooInputError, match="no API call was made") as raised:
        run(operator(task_id="t", **fixed, **{name: MISSING_VALUES[missing]}))
    assert all(p.startswith(name) for p in raised.value.problems), raised.value.problems


def test_an_account_named_none_is_not_touched_by_a_missing_value(
    fresh: Callable[[], SandboxServer],
) -> None:
    server = fresh()
    store = server.sandbox.store
    store.add_user("acme", "None", "none@acme.example.com", {"name": "None"})
    params: dict[str, Any] = {"name": None}
    with DAG("leave_none", schedule=None, params=params):
        task = TribooDeactivateUsersOperator(task_id="t", usernames="{{ params.name }}")
    task.render_template_fields({"params": params})
    with pytest.raises(TribooInputError, match="what a template prints for a missing value"):
        run(task)
    account = store.find("acme", username="None")
    assert account is not None
    assert account.is_active
    # Asked for explicitly, as a list, the account is that name.
    assert run(TribooDeactivateUsersOperator(task_id="t", usernames=["None"]))["rows"] == 1
    assert not account.is_active


def test_repeated_identifiers_act_once(fresh: Callable[[], SandboxServer]) -> None:
    server = fresh()
    result = run(
        TribooDeactivateUsersOperator(
            task_id="t", user_ids=["45", 45, "045"], usernames=["Olga.Moreau.46", NAMES[1]]
        )
    )
    assert result == {"rows": 2, "user_deactivated": 2}
    assert not server.sandbox.store.users[45].is_active
