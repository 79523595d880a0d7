# The two commands: `make run` (the embedded stack with a demo store) and `make test` (what CI runs).
# Both build .venv themselves; a bare machine needs only Python 3.11.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SANDBOX_PORT ?= 8001

# The suite runs on PostgreSQL and Redis. The key is a fixed test-only value, not a secret.
# DEBUG=0 turns on the HTTPS redirect; the test client speaks plain HTTP, so that one setting is off.
TEST_ENV := \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/iseller_accurate \
	REDIS_URL=redis://127.0.0.1:6379/15 \
	DEBUG=0 \
	SECURE_SSL_REDIRECT=0 \
	SECRET_KEY=test-only-key-not-a-secret-b6f1c8e2a4d94f0e8a7c3b5d1e2f4a6c

# `manage.py check --deploy` must be clean with production-like settings: fresh random keys.
DEPLOY_ENV = \
	DEBUG=0 \
	ALLOWED_HOSTS=example.com \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ACCURATE_TOKEN_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"

# Installs are redone only when a requirements file is newer than its stamp.
RUNTIME_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev

# Steps of `make test` run in order even under -j: services before the tests, lint first.
.NOTPARALLEL:

.PHONY: help venv venv-dev run test lint fmt typecheck pytest pytest-embedded deploy-check migrations-check services chromium bench multi-host fuzz clean

help:
	@echo "make run     start web, worker and beat on SQLite with the demo store (PORT=$(PORT), SANDBOX_PORT=$(SANDBOX_PORT))"
	@echo "make test    ruff, import contracts, mypy, check --deploy, migrations check, pytest on PostgreSQL and Redis, then on the embedded stack (what CI runs)"
	@echo "make bench   run every bench/*.py (helpers start with _); each prints JSON lines"
	@echo "make multi-host  workers on two hosts (network namespaces, root), one SIGKILLed mid-run (bench/multi_host.py)"
	@echo "make fuzz    fuzz the ingestion API from its schema, longer than make test does (FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES))"
	@echo "make lint    ruff check, ruff format --check and the import contracts (lint-imports)"
	@echo "make fmt     ruff format and ruff check --fix"

# --- virtualenv (internal) ---

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(RUNTIME_STAMP)

venv: $(RUNTIME_STAMP)

venv-dev: $(DEV_STAMP)

# --- the embedded run: SQLite and the filesystem broker, no server needed ---

run: export DEBUG = 1
run: venv
	mkdir -p "$${VAR_DIR:-var}"
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	exec $(BIN)/python -m iseller_accurate.devserver --port $(PORT) --sandbox-port $(SANDBOX_PORT)

# --- tests ---

test: venv-dev services chromium
	$(MAKE) --no-print-directory lint typecheck deploy-check migrations-check pytest pytest-embedded

lint: venv-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

fmt: venv-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# mypy's Django plugin imports the settings, which need a SECRET_KEY when DEBUG is off.
typecheck: venv-dev
	$(TEST_ENV) $(BIN)/mypy .

# Every model change has its migration: fails when makemigrations would write one.
migrations-check: venv
	var_dir="$$(mktemp -d)"; trap 'rm -rf "$$var_dir"' EXIT; \
	env -u DATABASE_URL -u REDIS_URL DEBUG=1 VAR_DIR="$$var_dir" \
		$(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: venv
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# Two pytest-xdist workers (each with its own test database, sandbox and Redis database, see
# tests/xdist_redis.py), with coverage of the product's code in the test processes ([tool.coverage]
# in pyproject.toml): the report lists the files not fully covered, then the total on its own line.
pytest: venv-dev
	cov_dir="$$(mktemp -d)"; trap 'rm -rf "$$cov_dir"' EXIT; \
	$(TEST_ENV) COVERAGE_FILE="$$cov_dir/.coverage" $(BIN)/python -m pytest -p tests.xdist_redis \
		-n 2 --dist worksteal -m "not make_run" --cov --cov-report=term:skip-covered $(PYTEST_ARGS); \
	if [ -f "$$cov_dir/.coverage" ]; then \
		echo "Coverage total: $$(COVERAGE_FILE="$$cov_dir/.coverage" $(BIN)/coverage report --format=total)%"; \
	fi

# The embedded configuration `make run` uses: SQLite, the filesystem broker, the in-process rate
# limiter, no server. The tests marked `embedded` run a second time here (each code path that
# branches on the database, the end-to-end sync), and `make run` itself is walked from a fresh copy.
# Two xdist workers here too: each has its own SQLite test database, sandbox and broker folders.
pytest-embedded: venv-dev
	var_dir="$$(mktemp -d)"; trap 'rm -rf "$$var_dir"' EXIT; \
	env -u DATABASE_URL -u REDIS_URL -u SECRET_KEY DEBUG=1 VAR_DIR="$$var_dir" \
		$(BIN)/pytest -n 2 --dist worksteal -m "embedded or make_run" $(PYTEST_ARGS)

services:
	.ci/services

# The API fuzzer of `make test` (tests/outlets/test_api_fuzz.py), longer: FUZZ_MAX_EXAMPLES per operation.
FUZZ_MAX_EXAMPLES ?= 50
fuzz: venv-dev services
	$(TEST_ENV) FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(BIN)/python -m pytest tests/outlets/test_api_fuzz.py -q -s \
		-p no:cacheprovider 2>&1 | grep -E '^\{"fuzz_|passed|failed'

# The browser tests drive Debian's Chromium (Playwright cannot download its own browsers here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		export DEBIAN_FRONTEND=noninteractive; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; \
	fi

# --- benchmarks: figures, never pass/fail. Each script sets up what it measures. ---

bench: venv-dev services
	@shopt -s nullglob; for script in bench/[!_]*.py; do \
		echo "# $$script" >&2; \
		$(BIN)/python "$$script"; \
	done

# Workers on two hosts (network namespaces sharing PostgreSQL and Redis through a relay), one host
# SIGKILLed mid-run, 20,000 sales checked in the sandboxes (bench/multi_host.py; make bench runs it
# too). Needs root for `ip netns`; without it, it says why and skips.
multi-host: venv-dev services
	$(BIN)/python bench/multi_host.py

clean:
	rm -rf .mypy_cache .ruff_cache .pytest_cache staticfiles
