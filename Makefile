# Movement: `make run` to set up and serve, `make test` to run every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432

.DEFAULT_GOAL := help
.PHONY: help install install-test browser migrate run demo test test-fast test-sqlite test-postgres coverage lint bench check postgres clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

AXE := $(VENV)/node/node_modules/axe-core/axe.min.js
$(AXE):
	npm install --silent --no-save --no-audit --no-fund --prefix $(VENV)/node axe-core@4.14.1

browser: $(AXE) ## install Chromium (Debian's package) and axe-core for the browser tests
	@command -v chromium >/dev/null || { \
	  echo "Installing Chromium ..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; }

install: $(VENV)/.installed ## create .venv and install the app

install-test: $(VENV)/.installed-test ## install what the tests need too

migrate: install ## bring the database up to date
	$(BIN)/movement migrate

run: migrate ## set up everything and serve on http://127.0.0.1:8000 (HOST, PORT, WORKERS)
	$(BIN)/movement serve

demo: migrate ## load the demo data (a Wigan-sized movement) into an empty database
	$(BIN)/movement demo

postgres: ## start the local PostgreSQL server if it is installed but down
	@case "$(PG_URL)" in *@127.0.0.1*|*@localhost*|*//127.0.0.1*|*//localhost*) ;; *) exit 0;; esac; \
	if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then :; \
	elif [ -d /etc/postgresql ]; then \
	  echo "Starting PostgreSQL ..."; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -n 1) main start; \
	else echo "PostgreSQL is not running on 127.0.0.1:5432 and is not installed here (see README)."; exit 1; fi

lint: install-test ## check the code with ruff and mypy (strict on server/, relaxed on tests/)
	$(BIN)/ruff check .
	$(BIN)/mypy

FAST := not browser and not postgres and not slow
# The coverage of server/ by the SQLite run (browser tests and the commands the tests start
# included) and the PostgreSQL run together, rounded down: 97.37% on 1 December 2026.
COVERAGE_FLOOR := 97

test-fast: install-test ## the quick loop: SQLite, no Chromium, no PostgreSQL, nothing slow
	MOVEMENT_TEST_DB=sqlite $(BIN)/pytest -q -n auto -m "$(FAST)"

test-sqlite: install-test browser ## run every test on SQLite, measuring the coverage of server/ afresh
	MOVEMENT_TEST_DB=sqlite $(BIN)/pytest --cov=server --cov-report=

# Alone, test-postgres measures afresh too; within `make test` it adds to the SQLite run's.
test: COVERAGE_APPEND := --cov-append
test-postgres: install-test postgres ## run the tests on PostgreSQL (the browser tests run on SQLite)
	MOVEMENT_TEST_DB=postgres MOVEMENT_TEST_PG=$(PG_URL) $(BIN)/pytest -m "not browser" \
	  --cov=server --cov-report= $(COVERAGE_APPEND)

coverage: install-test ## report the coverage measured by the last runs; fail below COVERAGE_FLOOR
	@# data written after a run had combined its own (a process that outlived it) joins in
	@if ls .coverage.* >/dev/null 2>&1; then $(BIN)/coverage combine --append --quiet || true; fi
	$(BIN)/coverage report --skip-covered --fail-under=$(COVERAGE_FLOOR)

test: lint test-sqlite test-postgres coverage ## run every test, on SQLite and on PostgreSQL, and check the coverage floor

check: test ## exactly what CI runs

bench: install-test ## measure against the goals at demo scale 20 (BENCH_SCALE); one table
	$(BIN)/python -m bench.run

clean: ## remove the virtual environment (keeps ./data)
	rm -rf $(VENV) *.egg-info
