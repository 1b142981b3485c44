# The two commands a new user needs: `make run` and `make test`.
# Everything installs into .venv (with uv, itself installed into .tools) from the lockfile.

PYTHON ?= $(shell bin/find-python)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV_PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

CHROMIUM ?= /usr/bin/chromium
NGINX ?= /usr/sbin/nginx

.PHONY: install browser proxy run demo-hub test test-fast lint format check-imports check-migrations check-deploy check-nginx schema bench clean

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
	$(VENV_PY) manage.py import_indexes osi
	$(VENV_PY) manage.py recompute_scores
	$(VENV_PY) manage.py runserver $(HOST):$(PORT)

# The machine-read tier against a fake Hub of synthetic repositories on loopback (bin/demo-hub).
demo-hub: install
	@mkdir -p var
	$(VENV_PY) bin/demo-hub --port $(PORT)

# Browser tests drive Debian's Chromium; install it when missing and we may (root, apt).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's chromium at $(CHROMIUM): apt-get install chromium" >&2; \
	    exit 1; \
	  fi; }

# The proxy tests run the deployed nginx configuration with Debian's nginx; install it likewise.
proxy:
	@test -x $(NGINX) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's nginx for the proxy tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	  else \
	    echo "The proxy tests need Debian's nginx at $(NGINX): apt-get install nginx" >&2; \
	    exit 1; \
	  fi; }

# The whole suite, on PostgreSQL and Redis (DATABASE_URL, REDIS_URL; loopback by default).
test: install browser proxy
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

# The quick tier, in seconds, with no service: the pure frameworks and hub parsers, the catalogue
# format, loading and scoring on SQLite. `make test` stays the whole suite.
FAST_TESTS := tests/frameworks tests/hubs tests/test_catalogue_files.py tests/test_pages_pure.py \
	tests/test_index_parsers.py tests/test_load_catalog.py tests/test_scoring.py
test-fast: install
	OPENNESS_TEST_SQLITE=1 $(VENV_PY) -m pytest -q $(FAST_TESTS)

lint: install check-imports
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The import contracts of pyproject.toml ([tool.importlinter]): pure frameworks and parsers, a
# domain that imports nothing from the API or the pages, and layers with no circle.
check-imports: install
	.venv/bin/lint-imports

format: install
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check-migrations: install
	$(VENV_PY) manage.py makemigrations --check --dry-run

# Production settings must pass Django's deployment checks with no warning.
check-deploy: install
	EMBEDDED=0 SECRET_KEY=$$($(VENV_PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=scorecard.example.org $(VENV_PY) manage.py check --deploy --fail-level WARNING

# nginx -t on deploy/nginx.conf, rewritten for loopback (where nginx is installed).
check-nginx: install
	$(VENV_PY) -m tests.nginx

# Regenerate the committed OpenAPI schema after changing the API.
schema: install
	$(VENV_PY) manage.py spectacular --file openapi.yaml --validate --fail-on-warn

# Benchmarks against PostgreSQL on loopback (a database of their own: openness_bench).
bench: install
	$(VENV_PY) bench/rescore.py && $(VENV_PY) bench/api.py && $(VENV_PY) bench/refresh.py

clean:
	rm -rf .venv .tools var
