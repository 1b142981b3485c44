# The two commands a new user needs: `make run` and `make test`.
# Everything installs into .venv (with uv, itself installed into .tools) from the lockfile.

PYTHON ?= $(shell bin/find-python)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV_PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format check-migrations ci clean

$(UV):
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: .venv/.synced

# The embedded default: SQLite in var/, tasks run in-process, the curated catalogue loaded.
run: install
	@mkdir -p var
	$(VENV_PY) manage.py migrate --noinput
	$(VENV_PY) manage.py load_catalog
	$(VENV_PY) manage.py runserver $(HOST):$(PORT)

# The whole suite, on PostgreSQL and Redis (DATABASE_URL, REDIS_URL; loopback by default).
test: install
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check-migrations: install
	$(VENV_PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf .venv .tools var
