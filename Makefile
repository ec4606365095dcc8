# Two commands for a newcomer: `make demo` and `make test`. Each creates .venv when missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck test-sqlite test-postgres clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

## Install the project and run the offline demo (web UI on http://127.0.0.1:8000).
demo: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/aisafety-jobs demo

## Install the development extras and run lint, type check and the tests on SQLite and PostgreSQL.
test: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	$(MAKE) lint typecheck
	@# The two database passes share nothing (each has its own database and temp
	@# folders) and mostly wait on subprocesses and servers: run them side by side,
	@# each pass's output printed whole when it ends.
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

test-sqlite:
	$(BIN)/pytest --db=sqlite

test-postgres:
	$(BIN)/pytest --db=postgres -m "not slow and not browser"

clean:
	rm -rf $(VENV) var dist build test-artifacts
