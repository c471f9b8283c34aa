# The two commands a new user needs: `make run` and `make test` (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Tests use PostgreSQL and Redis on 127.0.0.1 when they answer; tests that need
# them skip otherwise (and fail under CI=true). Override with DATABASE_URL / REDIS_URL.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/simplyjnj
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
# Two test processes (pytest-xdist), one per core: the tests are mostly CPU-bound Python,
# and the servers they drive (worker, localstripe, Chromium) run on the same cores.
TEST_WORKERS ?= 2
port_open = $(BIN)/python -c "import socket,sys; socket.create_connection(('127.0.0.1', $(1)), 1)" 2>/dev/null

.PHONY: install run cluster test test-cluster lint messages screenshots bench lighthouse storefront-css clean

install: $(VENV)/.installed

# The page checks (Nu Html Checker, axe-core, Lighthouse) and PurgeCSS come from npm.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel error && touch $@; \
	else echo "npm not found: page-check tests will skip"; fi

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $@

# Links in dev emails point at the port the site is served on.
run: export SITE_DOMAIN ?= 127.0.0.1:$(PORT)
run: install
	@mkdir -p var/mail
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_site_content
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "  SimplyJnJ is at http://127.0.0.1:$(PORT)/"
	@echo "  Dev emails are written to var/mail/ (one .eml file per message)."
	@echo "  Ctrl-C stops the web server and the worker."
	@echo
	@# The web workers share one cache (rate limits, used form tokens) unless CACHE_URL says otherwise.
	CACHE_URL="$${CACHE_URL:-filecache://$(CURDIR)/var/cache}" PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/honcho start --port $(PORT)

# The shop as several hosts serve it, on loopback (README, "Several hosts on loopback"): nginx in
# front of two gunicorn instances, the worker, beat and localstripe, on PostgreSQL and
# Redis (the machine's, as `make test` finds them), media in an S3-API bucket. Ctrl-C stops all.
cluster: install /usr/sbin/nginx
	DATABASE_URL="$${DATABASE_URL:-$(TEST_DATABASE_URL)}" REDIS_URL="$${REDIS_URL:-$(TEST_REDIS_URL)}" \
		$(BIN)/python -m shop.cluster

# Debian's nginx, installed without starting its own service (make cluster runs a private one).
/usr/sbin/nginx:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq nginx

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

test_services = if [ -z "$$DATABASE_URL" ] && $(call port_open,5432); then export DATABASE_URL=$(TEST_DATABASE_URL); fi; \
	if [ -z "$$REDIS_URL" ] && $(call port_open,6379); then export REDIS_URL=$(TEST_REDIS_URL); fi; \
	echo "database: $${DATABASE_URL:-SQLite (PostgreSQL tests will skip)}; redis: $${REDIS_URL:-none (Redis tests will skip)}"

# Everything but the cluster test, which takes a minute (`make test-cluster`).
test: lint node_modules/.installed
	@$(test_services); \
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal -m "not cluster" $(PYTEST_ARGS)

# `make cluster` started as a whole and a shopper's journey through it (tests/shop/test_cluster.py).
test-cluster: install /usr/sbin/nginx
	@$(test_services); \
	$(BIN)/pytest -n 0 -m cluster $(PYTEST_ARGS)

# The shop's words for Oscar's messages (Cart, Coupon): locale/en/LC_MESSAGES/django.po
# compiled to the .mo committed beside it (Babel, no gettext needed); `make test` checks it is current.
messages: install
	$(BIN)/pybabel compile -d locale -D django --statistics

# Every page the page checks visit (tests/e2e/pages.py), at 375 and 1280 px, as PNGs
# in artifacts/screenshots/ to look at.
screenshots: install node_modules/.installed
	@$(test_services); \
	$(BIN)/pytest tests/e2e/test_page_quality.py -k every_page -n $(TEST_WORKERS) \
		--screenshots artifacts/screenshots $(PYTEST_ARGS)
	@echo "Screenshots: artifacts/screenshots/"

# The benchmark serves the site (gunicorn, the Celery worker) from a virtualenv with
# the production dependencies only, as a deploy would; the dev tools drive it.
PROD_VENV := .venv-prod
$(PROD_VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PROD_VENV)/bin/python || $(PYTHON) -m venv $(PROD_VENV)
	$(PROD_VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e .
	@touch $@

bench: install $(PROD_VENV)/.installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	BENCH_SERVE_PYTHON=$(PROD_VENV)/bin/python $(BIN)/python -m bench.run

# Lighthouse on the site served as in production; reports in artifacts/lighthouse/.
lighthouse: install node_modules/.installed
	$(BIN)/python -m bench.lighthouse

# Oscar's storefront stylesheet trimmed to what the pages use, committed as
# shop/static/shop/css/storefront.css (so `make run` needs no npm); `make test` checks it is current.
storefront-css: install node_modules/.installed
	$(BIN)/python -m shop.storefront_css

clean:
	rm -rf var .pytest_cache
