# Two commands for a newcomer: `make run` (install, migrate, demo data, serve on :8000) and
# `make test` (install, whole suite). Everything runs on the embedded default: SQLite and
# Celery tasks run eagerly; set DATABASE_URL / CELERY_BROKER_URL to use PostgreSQL / Redis.
# Both first install the Debian packages they need (scripts/system_packages.sh), then the
# Python packages pinned in requirements/ (`make lock` regenerates those from pyproject.toml).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements/test.txt
# pip-compile's options for both lock files; `make lock PIP_COMPILE_ARGS=--upgrade` moves every
# pin to the newest release pyproject.toml allows (without it, existing pins are kept).
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" var/pip-tools/bin/pip-compile --quiet \
	--generate-hashes --strip-extras --no-emit-find-links --no-emit-index-url $(PIP_COMPILE_ARGS)

.PHONY: install run test messages lint lock audit clean system-runtime system-messages system-test

# The browser tests' npm tools (axe-core, pinned in package-lock.json) in node_modules/.
NODE_STAMP := node_modules/.installed-stamp

# The test lock holds the runtime pins too: one install serves `make run` and `make test`.
$(STAMP): pyproject.toml requirements/runtime.txt $(LOCK) scripts/bootstrap_venv.sh
	@scripts/bootstrap_venv.sh "$(PYTHON)" "$(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# The Debian packages each command needs: installed as root, otherwise the command to run.
system-runtime system-messages system-test:
	@scripts/system_packages.sh $(@:system-%=%)

run: system-runtime install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --if-empty
	@echo "Portal: http://127.0.0.1:8000  (demo accounts: see README, password parindex-demo)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

test: system-test install $(NODE_STAMP)
	$(BIN)/python -m pytest

messages: system-messages install
	$(BIN)/python manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests --no-location --no-obsolete
	$(BIN)/python manage.py compilemessages -l vi --ignore=.venv --ignore=node_modules

# Known vulnerabilities in the pinned dependencies; says loudly when no service could be asked.
audit: install
	$(BIN)/python scripts/audit_dependencies.py requirements/test.txt

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# Regenerate requirements/*.txt after changing the dependencies in pyproject.toml. The test lock
# is constrained by the runtime one, so the image and the test run use the same versions.
lock:
	@[ -x var/pip-tools/bin/pip-compile ] || { "$(PYTHON)" -m venv var/pip-tools \
	  && var/pip-tools/bin/python -m pip install --quiet "pip-tools>=7.5,<8"; }
	$(PIP_COMPILE) --output-file requirements/runtime.txt pyproject.toml
	$(PIP_COMPILE) --extra test --constraint requirements/runtime.txt \
	  --output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) var .pytest_cache node_modules
