# Place Governance Designer: `make run` serves the demo, `make test` runs linters and tests.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist): one per core by default; PYTEST_WORKERS=0 runs in this process.
# With --dist worksteal an idle process takes tests queued for a busy one, so that neither
# core sits idle while the other finishes the slowest tests.
PYTEST_WORKERS ?= auto
STAMP := $(VENV)/.installed
# Mutants tested side by side by `make mutate`.
MUTATE_CHILDREN ?= 2

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Create .venv and install the pinned dependencies

.PHONY: migrate
migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

.PHONY: seed
seed: migrate ## Load the demo system (does nothing if it is already there)
	$(BIN)/python manage.py seed_demo --if-empty

.PHONY: run
run: seed ## Set up and serve the demo on 127.0.0.1:$(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

.PHONY: demo-code
demo-code: install ## The two-factor code for signing in to the demo as an ICB admin or the superuser
	@$(BIN)/python manage.py demo_code

.PHONY: worker
worker: install ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(BIN)/celery -A config worker --loglevel=INFO

.PHONY: lint
lint: install ## ruff (lint and format check), mypy and the import-linter layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

.PHONY: format
format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: test
test: lint ## Linters, migration check and the whole test suite
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: install ## The test suite without linters or browser tests
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal -m "not browser" $(PYTEST_ARGS)

.PHONY: bench
bench: install ## National-scale benchmark; needs DATABASE_URL=postgres://… (PostgreSQL only); BENCH_ARGS=--quick
	$(BIN)/python bench/run.py $(BENCH_ARGS)

.PHONY: mutate
mutate: install ## Mutation testing of the rule modules (mutmut), with the kill rate per module; not in CI
	$(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) || true
	@# A second look at each survivor on its own: in the full parallel run a dozen or so
	@# mutants survive (not the same ones from run to run) that their tests kill when each
	@# is run alone. What survives twice is reported.
	$(BIN)/python scripts/mutation_report.py --survivors | xargs -r $(BIN)/mutmut run --max-children $(MUTATE_CHILDREN) || true
	$(BIN)/python scripts/mutation_report.py

.PHONY: clean
clean: ## Remove the virtualenv, caches and the local SQLite database
	rm -rf $(VENV) mutants .pytest_cache .mypy_cache .ruff_cache db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
