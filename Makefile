# Coops — `make demo` to try it, `make test` to run the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help setup demo serve test test-browser worker lint format messages bench bench-ledger bench-directory bench-map bench-governance bench-ondemand bench-carpool bench-shortcircuit bench-juntagrico clean-demo check-deploy

help:
	@echo "make demo     set up everything and serve a demo territory on http://$(HOST):$(PORT)"
	@echo "make test     run the whole test suite (DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make worker   run the background task worker (emails, digests)"
	@echo "make lint     ruff, formatting, migrations and Django checks"
	@echo "make bench    benchmarks, printed as ratios to a floor measured in the same run"
	@echo "make bench-ledger  ledger transfers/s on PostgreSQL against a bare INSERT floor"
	@echo "make bench-directory  directory search p95 and ratio to its raw SQL (ARGS=--postgres)"
	@echo "make bench-map  directory map: KB and server time per zoom, ratio to a COUNT floor (ARGS=--postgres)"
	@echo "make bench-governance  tallies of 100k ballots (majority judgment, Schulze): from SQL, then proposal_tally on the app's tables (ARGS=--postgres)"
	@echo "make bench-carpool  carpool: matching one request among 100k ride offers, p50/p95 and ratio to the index ranges (ARGS=--postgres)"
	@echo "make bench-ondemand  dispatch: choosing a worker among 10k online, p50/p95 and ratio to the box query (ARGS=--postgres)"
	@echo "make bench-shortcircuit  short circuits: shop of 1,000 products, reports of 5,000 orders; order placement/s with ARGS=--postgres"
	@echo "make bench-juntagrico  a pickup point's member list: Coops' sign-off sheet against Juntagrico's depot list (own venv)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

coops/static/vendor/.built: node_modules/.installed scripts/vendor.mjs
	npm run --silent vendor
	touch $@

setup: $(VENV)/.installed coops/static/vendor/.built

demo: setup
	$(BIN)/python manage.py migrate --noinput
	TASKS_IMMEDIATE=1 EMAIL_URL=dummymail:// $(BIN)/python manage.py demo
	TASKS_IMMEDIATE=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: setup
	TASKS_IMMEDIATE=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

clean-demo:
	rm -f var/coops.sqlite3 var/coops.sqlite3-wal var/coops.sqlite3-shm

# pytest exits 5 when it collected no test: that is a failure here.
test: setup
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no test: failing"; exit 1; fi; exit $$rc

test-browser: setup
	@$(BIN)/python -m pytest -m browser $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "no browser test collected: failing"; exit 1; fi; exit $$rc

worker: setup
	$(BIN)/python manage.py db_worker --queue-name '*'

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	scripts/check_messages.sh $(APPS)
	$(BIN)/python manage.py check --fail-level WARNING
	COOPS_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=coops.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

APPS := core accounts groups notifications ledger currency directory charter governance ondemand carpool shortcircuit api

# Each app keeps its own catalogue: coops/<app>/locale/fr/LC_MESSAGES/django.po
messages: setup
	for app in $(APPS); do \
		mkdir -p coops/$$app/locale && \
		(cd coops/$$app && ../../$(BIN)/python ../../manage.py makemessages -l fr --no-obsolete --add-location file -i "tests/*") || exit 1; \
	done
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=bench

bench: setup
	$(BIN)/python bench/run.py

# PostgreSQL only: DATABASE_URL=postgres://… (default postgres://postgres@127.0.0.1:5432)
bench-ledger: setup
	$(BIN)/python bench/ledger.py

# Directory search: 100k actors on SQLite; add ARGS=--postgres for 1M on PostgreSQL
bench-directory: setup
	$(BIN)/python bench/directory.py $(ARGS)

# Governance tallies: 100k ballots graded or ranked, counted from SQL (ARGS=--postgres)
bench-governance: setup
	$(BIN)/python bench/governance.py $(ARGS)
	$(BIN)/python bench/governance_app.py $(ARGS)

# On-demand dispatch: a worker chosen among 10,000 online, p50/p95 (ARGS=--postgres)
bench-ondemand: setup
	$(BIN)/python bench/ondemand.py $(ARGS)

# Carpool matching: one request among 100,000 ride offers, p50/p95 (ARGS=--postgres)
bench-carpool: setup
	$(BIN)/python bench/carpool.py $(ARGS)

# Directory map JSON at zooms 3-18 (same databases as bench-directory; ARGS=--postgres for 1M)
bench-map: setup
	$(BIN)/python bench/directory_map.py $(ARGS)

# Short circuits: shop page p50/p95 and queries, reports of 5,000 orders, ratios to floors;
# order placement (threads on PostgreSQL) runs with ARGS=--postgres only
bench-shortcircuit: setup
	$(BIN)/python bench/shortcircuit.py $(ARGS)

# Juntagrico in its own virtual environment (git-ignored), built once
JUNTAGRICO_VENV := bench/.juntagrico-venv

$(JUNTAGRICO_VENV)/.installed:
	python3.11 -m venv $(JUNTAGRICO_VENV)
	$(JUNTAGRICO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(JUNTAGRICO_VENV)/bin/python -m pip install --quiet juntagrico
	touch $@

# A pickup point's member list: Coops' sign-off sheet against Juntagrico's depot list
bench-juntagrico: setup $(JUNTAGRICO_VENV)/.installed
	$(BIN)/python bench/juntagrico_side.py --venv $(JUNTAGRICO_VENV) $(ARGS)
