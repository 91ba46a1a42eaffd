# Quick start: `make run` serves the shop on http://127.0.0.1:8000; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run worker beat test install install-dev lint format fixtures clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: export DEBUG ?= on
run: install
	$(MANAGE) ensure_database
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_fixtures
	$(MANAGE) setup_roles
	$(MANAGE) ensure_local_admin
	$(MANAGE) runserver 127.0.0.1:8000

# Background work needs a broker (CELERY_BROKER_URL or REDIS_URL, e.g. in .env); without one `make run`
# runs every task in-process and neither of these is needed.
worker: export DEBUG ?= on
worker: install
	$(BIN)/celery -A shop worker

beat: export DEBUG ?= on
beat: install
	$(BIN)/celery -A shop beat

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

fixtures: install
	DEBUG=on $(MANAGE) build_fixtures

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
