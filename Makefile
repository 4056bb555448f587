# Two commands for a newcomer: `make run` (install, migrate, demo data, serve on :8000) and
# `make test` (install, whole suite). Everything runs on the embedded default: SQLite and
# Celery tasks run eagerly; set DATABASE_URL / CELERY_BROKER_URL to use PostgreSQL / Redis.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM ?= $(or $(PARINDEX_CHROMIUM),/usr/bin/chromium)

.PHONY: install run test messages lint bench clean

$(STAMP): pyproject.toml
	@scripts/bootstrap_venv.sh "$(PYTHON)" "$(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --if-empty
	@echo "Portal: http://127.0.0.1:8000  (demo accounts: see README, password parindex-demo)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! Chromium not found at $(CHROMIUM): the BROWSER TESTS WILL BE SKIPPED."; \
	  echo "!!! Install it with: apt-get install chromium"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi
	$(BIN)/python -m pytest

messages: install
	$(BIN)/python manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=tests --no-location --no-obsolete
	$(BIN)/python manage.py compilemessages -l vi --ignore=.venv

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
