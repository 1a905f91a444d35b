"""The provider as a user gets it: ``make dist``'s files installed into a fresh virtual
environment that holds nothing but them and packages from the registry (PyPI), then Airflow
there lists the provider and runs one of its operators against the sandbox.

One build and one environment per session (uv's cache makes the install a few seconds).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.sandbox_process import SupervisedSandbox
from tests.sandbox_support import fetch_token
from tools import build_dist

ROOT = build_dist.ROOT
UV = ROOT / ".tools" / "bin" / "uv"
PROVIDER_VERSION = build_dist.project_version(ROOT)
CLIENT_VERSION = build_dist.project_version(ROOT / "generated_client")

pytestmark = pytest.mark.slow_subprocess


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without this venv, uv project settings or Airflow settings."""
    dropped = ("UV_", "VIRTUAL_ENV", "AIRFLOW", "PYTHON")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    return {**env, "UV_PYTHON_DOWNLOADS": "never", **extra}


def _uv(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(UV), *args],
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make dist``'s build (the working tree, so --allow-dirty) into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    build_dist.build(out, uv=UV, allow_dirty=True)
    return out


@pytest.fixture(scope="session")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the provider installed as the README says: from the registry, with
    the release's files as the only other source; no uv.toml or pyproject settings read."""
    where = tmp_path_factory.mktemp("fresh")
    _uv("venv", "--no-config", "--quiet", "--python", sys.executable, "venv", cwd=where)
    python = where / "venv" / "bin" / "python"
    _uv(
        "pip",
        "install",
        "--no-config",
        "--quiet",
        "--python",
        str(python),
        "--find-links",
        str(dist),
        f"airflow-provider-triboo=={PROVIDER_VERSION}",
        cwd=where,
    )
    return where / "venv"


def _run(venv: Path, *args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=home,
        env=_clean_env(
            PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            AIRFLOW_HOME=str(home),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            **env,
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_make_dist_builds_what_is_released(dist: Path) -> None:
    names = sorted(path.name for path in dist.iterdir() if path.name != ".gitignore")  # uv adds it
    assert names == [
        f"airflow_provider_triboo-{PROVIDER_VERSION}-py3-none-any.whl",
        f"airflow_provider_triboo-{PROVIDER_VERSION}.tar.gz",
        f"triboo_client-{CLIENT_VERSION}-py3-none-any.whl",
        f"triboo_client-{CLIENT_VERSION}.tar.gz",
    ]
    with zipfile.ZipFile(dist / names[0]) as provider:
        tops = {name.split("/")[0] for name in provider.namelist()}
        assert "triboo_provider/py.typed" in provider.namelist()  # PEP 561, as the client's
        assert "triboo_provider/user_fields.json" in provider.namelist()  # validation's rules
    assert tops == {"triboo_provider", f"airflow_provider_triboo-{PROVIDER_VERSION}.dist-info"}
    with zipfile.ZipFile(dist / names[2]) as client:
        tops = {name.split("/")[0] for name in client.namelist()}
        assert "triboo_client/py.typed" in client.namelist()
    assert tops == {"triboo_client", f"triboo_client-{CLIENT_VERSION}.dist-info"}
    for sdist in (names[1], names[3]):
        with tarfile.open(dist / sdist) as archive:
            stray = [n for n in archive.getnames() if re.search(r"/(tests|sandbox|dags|tools)/", n)]
        assert stray == []


def test_core_metadata_is_valid_and_complete(dist: Path) -> None:
    """packaging validates the metadata as PyPI's upload does; our fields on top."""
    from packaging.metadata import Metadata

    for wheel in sorted(dist.glob("*.whl")):
        with zipfile.ZipFile(wheel) as archive:
            (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
            meta = Metadata.from_email(archive.read(name), validate=True)
        assert str(meta.license_expression) == "Apache-2.0"
        assert meta.license_files == ["LICENSE"]
        assert meta.description_content_type == "text/markdown"
        assert (meta.description or "").startswith(f"# {meta.name}\n")
        assert str(meta.requires_python) == ">=3.11"
    provider = build_dist.wheel_metadata(next(dist.glob("airflow_provider_triboo-*.whl")))
    requires = set(provider.get_all("Requires-Dist") or [])
    assert f"triboo-client=={CLIENT_VERSION}" in requires
    assert "apache-airflow<4,>=3.3.0" in requires


def test_build_is_reproducible(dist: Path, tmp_path: Path) -> None:
    """Same commit, same bytes: a second build equals the first, and every timestamp in
    the files is SOURCE_DATE_EPOCH (or the zip epoch of uv_build), not the clock's."""
    again = tmp_path / "again"
    build_dist.build(again, uv=UV, allow_dirty=True)
    for first in dist.glob("*.*[lz]"):
        assert (again / first.name).read_bytes() == first.read_bytes(), first.name
    epoch = int(build_dist.commit_time())
    for wheel in dist.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            stamps = {info.date_time for info in archive.infolist()}
        assert len(stamps) == 1, wheel.name
    for sdist in dist.glob("*.tar.gz"):
        with tarfile.open(sdist) as archive:
            assert {m.mtime for m in archive.getmembers()} <= {0, epoch}, sdist.name


def test_the_clients_build_backend_is_the_pinned_uv() -> None:
    """uv builds triboo-client with its own backend only when its version is in the range."""
    from packaging.requirements import Requirement

    (pinned,) = re.findall(r"^UV_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    project = tomllib.loads((ROOT / "generated_client" / "pyproject.toml").read_text())
    (backend,) = [Requirement(r) for r in project["build-system"]["requires"]]
    assert backend.name in {"uv-build", "uv_build"}
    assert pinned in backend.specifier


def test_fresh_venv_has_only_registry_packages_and_the_release(venv: Path, dist: Path) -> None:
    python = str(venv / "bin" / "python")
    # Where each package would be imported from, without importing Airflow (seconds).
    code = (
        "import json, sys, importlib.metadata as m, importlib.util as u\n"
        "names = ['airflow-provider-triboo', 'triboo-client', 'apache-airflow']\n"
        "print(json.dumps({'path': sys.path, "
        "'files': [u.find_spec(p).origin for p in ('triboo_provider', 'triboo_client')], "
        "'versions': [m.version(n) for n in names], 'direct': [d.metadata['Name'] "
        "for d in m.distributions() if d.read_text('direct_url.json')]}))"
    )
    result = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True, env=_clean_env()
    )
    seen = json.loads(result.stdout)
    assert not [entry for entry in seen["path"] if entry.startswith(str(ROOT))]
    assert all(file.startswith(str(venv)) for file in seen["files"])
    assert seen["versions"][:2] == [PROVIDER_VERSION, CLIENT_VERSION]
    assert seen["versions"][2].startswith("3.")
    assert seen["direct"] == []  # nothing from a path or URL: registry and find-links only
    site = next((venv / "lib").glob("python3*/site-packages"))
    for pth in site.glob("*.pth"):
        assert str(ROOT) not in pth.read_text(), pth.name


@pytest.mark.parametrize("needed", ["py.typed", "user_fields.json"])
def test_the_release_check_wants_py_typed_and_the_rules(
    dist: Path, tmp_path: Path, needed: str
) -> None:
    """build_dist's check refuses a provider wheel without its PEP 561 marker or without
    the user-field rules validation.py reads at import."""
    (wheel,) = dist.glob("airflow_provider_triboo-*.whl")
    stripped = tmp_path / wheel.name
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            if item.filename != f"triboo_provider/{needed}":
                target.writestr(item, source.read(item))
    assert build_dist.wheel_problems(wheel, build_dist.PROVIDER, PROVIDER_VERSION) == []
    assert build_dist.wheel_problems(stripped, build_dist.PROVIDER, PROVIDER_VERSION) == [
        f"{wheel.name}: no triboo_provider/{needed}"
    ]


def test_the_installed_provider_reads_its_packaged_rules(venv: Path, tmp_path: Path) -> None:
    """validation.py builds its rules at import from the installed user_fields.json."""
    code = (
        "from triboo_provider import validation as v;"
        "row = {'user_id': '3', 'lt_gdpr': 'yes'};"
        "print(len(v.WRITABLE), v.MAX_LENGTH['bio'], v.REQUIRED_ON_CREATE[0],"
        " v.validate_users([row], creating=False, key='user_id').rows)"
    )
    result = _run(venv, str(venv / "bin" / "python"), "-c", code, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 3)[1:3] == ["3000", "username"]
    assert result.stdout.strip().endswith("[{'user_id': 3, 'lt_gdpr': True}]")


def test_a_type_checker_sees_the_installed_providers_types(venv: Path, tmp_path: Path) -> None:
    """A user's mypy, pointed at the fresh venv, reads the provider's annotations (without
    py.typed it skips the package: "missing library stubs or py.typed marker")."""
    dag = tmp_path / "user_dag.py"
    dag.write_text(
        "from triboo_provider.client.http_rules import shown_url\n"
        "url: int = shown_url('https://acme.example/oauth2/access_token')\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         f"--python-executable={venv / 'bin' / 'python'}", str(dag)],
        capture_output=True, text=True, check=False, cwd=tmp_path, env=_clean_env(), timeout=300,
    )  # fmt: skip
    assert "py.typed" not in result.stdout, result.stdout
    assert 'expression has type "str", variable has type "int"' in result.stdout, result.stdout


def test_airflow_lists_the_installed_provider(venv: Path, tmp_path: Path) -> None:
    result = _run(venv, "airflow", "providers", "list", "-o", "json", home=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    listed = {p["package_name"]: p for p in json.loads(result.stdout)}
    assert listed["airflow-provider-triboo"]["version"] == PROVIDER_VERSION


DAG_FILE = """
import sys

import pendulum
from airflow.sdk import DAG
from airflow.utils.db import initdb
from triboo_provider.operators.reports import TribooExportCoursesOperator

start = pendulum.datetime(2026, 11, 1, tz="UTC")
with DAG("wheel_check", schedule=None, start_date=start) as dag:
    TribooExportCoursesOperator(task_id="courses", path=sys.argv[1], format="csv")

if __name__ == "__main__":
    initdb()
    run = dag.test()
    print("STATE", run.state)
"""


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SupervisedSandbox]:
    """The sandbox CLI, run from the dev environment, on 127.0.0.1 and a free port."""
    with SupervisedSandbox(tmp_path / "sandbox-state") as running:
        yield running


def test_an_operator_runs_from_the_installed_wheels(
    venv: Path, sandbox: SupervisedSandbox, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    dag_file = home / "wheel_check.py"
    dag_file.write_text(textwrap.dedent(DAG_FILE))
    output = tmp_path / "out" / "courses.csv"
    connection = {
        "conn_type": "triboo",
        "host": sandbox.url,
        "login": "demo-client",
        "password": "demo-secret",
    }
    result = _run(
        venv,
        str(venv / "bin" / "python"),
        str(dag_file),
        str(output),
        home=home,
        AIRFLOW_CONN_TRIBOO_DEFAULT=json.dumps(connection),
        AIRFLOW__CORE__DAGS_FOLDER=str(home),
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "STATE success" in result.stdout, (result.stdout + result.stderr)[-4000:]
    with output.open(newline="", encoding="utf-8") as handle:
        exported = {row["course_id"] for row in csv.DictReader(handle)}
    token = fetch_token(sandbox.url)
    answer = httpx.get(
        f"{sandbox.url}/api/extended/v1/courses/",
        params={"page_size": 1000},
        headers={"Authorization": f"Bearer {token}"},
    )
    answer.raise_for_status()
    page = answer.json()
    assert page["num_pages"] == 1
    assert exported == {course["id"] for course in page["results"]}
    assert exported


def test_the_provider_wheel_alone_names_the_missing_client(
    dist: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Before triboo-client is on PyPI, the provider's wheel alone cannot install, and the
    installer says which distribution is missing (README: install with --find-links).
    Should this start installing, someone has published a triboo-client 1.0.0 on PyPI:
    check it is ours."""
    where = tmp_path_factory.mktemp("alone")
    _uv("venv", "--no-config", "--quiet", "--python", sys.executable, "venv", cwd=where)
    (wheel,) = dist.glob("airflow_provider_triboo-*.whl")
    python = str(where / "venv" / "bin" / "python")
    result = subprocess.run(
        [str(UV), "pip", "install", "--no-config", "--dry-run", "--python", python, str(wheel)],
        cwd=where,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 0
    assert f"triboo-client=={CLIENT_VERSION}" in result.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_make_dist_refuses_shipped_files_that_no_commit_has(tmp_path: Path) -> None:
    """A wheel built from a dirty tree would carry a released version with code no commit
    has: modified, staged and untracked shipped files are refused, before anything is built;
    changes elsewhere (tests, DAGs) are not shipped and do not count."""
    repo = tmp_path / "repo"
    package = repo / "airflow_provider" / "triboo_provider"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (repo / "README.md").write_text("# readme\n")
    (repo / "tests").mkdir()
    _git(repo, "init", "--quiet")
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "-m", "base")
    assert build_dist.dirty_paths(repo) == []
    (repo / "tests" / "test_new.py").write_text("")
    (repo / "notes.txt").write_text("")
    assert build_dist.dirty_paths(repo) == []
    (repo / "README.md").write_text("# changed\n")
    (package / "new_module.py").write_text("")
    assert sorted(build_dist.dirty_paths(repo)) == [
        "README.md",
        "airflow_provider/triboo_provider/new_module.py",
    ]
    out = tmp_path / "dist"
    with pytest.raises(build_dist.DistError, match="differ from the last commit"):
        build_dist.build(out, uv=UV, root=repo)
    assert not out.exists()


def test_readme_install_names_the_versions_being_released() -> None:
    """Unpinned, pip and uv keep an older installed provider: README's commands name the
    versions, and they are the ones make dist builds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    assert f'pip install --find-links dist "airflow-provider-triboo=={PROVIDER_VERSION}"' in section
    assert f'pip install "airflow-provider-triboo=={PROVIDER_VERSION}"' in section
    assert f'"triboo-client=={CLIENT_VERSION}"' in section
    versions = set(re.findall(r"airflow-provider-triboo==([\w.]+)", section))
    assert versions == {PROVIDER_VERSION}
    assert set(re.findall(r"triboo-client==([\w.]+)", section)) == {CLIENT_VERSION}
