# Atelier — every target creates .venv with `python3 -m venv` and installs what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PIP    := $(PY) -m pip install --disable-pip-version-check -q

.PHONY: demo serve worker scheduler test lint bench check image clean sdk sdk-check mutate

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt $(VENV)/.runtime
	$(PIP) -r requirements-test.txt
	touch $@

## make demo: set up, migrate, seed a demo tenant and run a small batch end to end
demo: $(VENV)/.runtime
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) demo

## make serve: the web app (plus an in-process worker on the embedded default) on :8000
serve: $(VENV)/.runtime
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) serve

## make worker: Dramatiq worker processes (needs REDIS_URL)
worker: $(VENV)/.runtime
	$(MANAGE) run_workers

## make scheduler: the one process that runs periodic work (needs REDIS_URL)
scheduler: $(VENV)/.runtime
	$(MANAGE) run_scheduler

## make test: the pytest suite (real PostgreSQL/Redis/S3 when their variables are set)
test: $(VENV)/.test
	$(PY) -m pytest

## make bench: every script in benchmarks/, one table into docs/benchmarks.md
bench: $(VENV)/.test
	$(PIP) -r requirements-ci.txt
	$(PY) benchmarks/run_all.py

## make lint: ruff, the layers contract (import-linter, .importlinter) and mypy (mypy.ini)
lint: $(VENV)/.test
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m mypy

## make sdk: the Python client (clients/python) and TypeScript types (clients/typescript) from
## the schema, zero generator warnings allowed (clients/generate.sh; docs/sdk.md)
sdk: $(VENV)/.test
	clients/generate.sh generate

## make sdk-check: fail when the committed clients differ from the schema; tsc the TS example
sdk-check: $(VENV)/.test
	clients/generate.sh check

## make mutate: mutation testing (mutmut, setup.cfg [mutmut]) of the money, moderation and
## scoping rules (billing/services.py, moderation/services.py, tenants/scoping.py) against
## their tests, in a copy under var/mutate (niced, one mutant at a time: the tests share one
## SQLite file per run; MUTANTS="billing.services*" for one module;
## `cd var/mutate && ../../.venv/bin/mutmut browse` to read the survivors)
MUTMUT  := mutmut==3.8.1
MUTANTS ?=
mutate: $(VENV)/.test
	$(PIP) $(MUTMUT)
	mkdir -p var/mutate
	rsync -a --delete --exclude .venv --exclude .git --exclude var --exclude test-output \
		--exclude mutants --exclude .schemathesis ./ var/mutate/
	cd var/mutate && nice -n 10 ../../$(VENV)/bin/mutmut run --max-children 1 $(MUTANTS); \
		status=$$?; ../../$(VENV)/bin/mutmut results; exit $$status

check: $(VENV)/.runtime
	$(MANAGE) check

## make image: build deploy/Containerfile with podman as localhost/atelier:dev (scripts/image.sh)
image:
	scripts/image.sh build

clean:
	rm -rf $(VENV) var test-output
