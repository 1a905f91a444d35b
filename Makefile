# Every routine action of the project. `make demo` and `make test` install what they need
# (uv from PyPI into .tools/, Python packages from uv.lock, Node tools from package-lock.json).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help install demo test dist audit bench fault-matrix generate check-generated lint typecheck format docs chromium redis-server clean

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml generated_client/pyproject.toml
	$(UV) sync --locked
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.synced node_modules/.installed ## Install everything from the lock files

demo: install ## The main job: start the sandbox and run the example flows end to end
	$(PY) -m tools.demo

# pytest-xdist: one worker per core (2 on CI), each test module kept on one worker so its
# module-scoped servers and fixtures are shared as before.
PYTEST_WORKERS ?= 2

test: install chromium redis-server check-generated lint typecheck audit ## The whole suite: drift, lint, types, audit, tests
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile

dist: $(UV) ## Build triboo-client and airflow-provider-triboo (sdists, wheels) into dist/
	$(PYTHON) tools/build_dist.py --uv $(UV) --out-dir dist $(if $(ALLOW_DIRTY),--allow-dirty)

audit: install ## Known vulnerabilities and yanked releases in uv.lock, from PyPI's JSON API
	$(PY) -m tools.audit_deps --json .artifacts/dependency-audit.json

bench: install ## Benchmarks against their baselines; writes benchmarks/results.json and README
	$(PY) -m benchmarks.run --readme

fault-matrix: install ## Run the fault matrix and write its table into README
	$(VENV)/bin/pytest tests/security/test_fault_matrix.py -q
	$(PY) -m tools.readme_section fault-matrix .artifacts/fault-matrix.md

generate: install ## Regenerate generated_client/ from openapi/triboo.yaml
	$(PY) tools/generate_client.py

check-generated: install ## Fail if generated_client/ differs from a fresh generation
	$(PY) tools/generate_client.py --check

lint: install ## ruff (lint + format check), Redocly and Spectral lint of the spec
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	node_modules/.bin/redocly lint openapi/triboo.yaml --format=summary
	node_modules/.bin/spectral lint openapi/triboo.yaml --fail-severity warn --quiet

typecheck: install ## mypy --strict on hand-written code and on the generated client
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --strict generated_client/triboo_client

docs: install ## Build the offline HTML API reference into docs/index.html
	$(PY) tools/build_docs.py

chromium: ## Debian's Chromium for the browser test, installed when missing (needs root)
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

redis-server: ## Debian's Redis server for the shared rate-limit budget's tests, installed when missing (needs root)
	@command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server; }

format: install ## Apply ruff formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean: ## Remove installed tools and caches
	rm -rf $(TOOLS) $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
