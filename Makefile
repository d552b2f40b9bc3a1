# hoso — one command to run the whole system locally, one to test everything.
#   make run     set up what is missing, then run the local stack in the foreground (Ctrl-C stops it)
#   make test    set up what is missing, then run every test tier (what CI runs: .ci/run)
#   make bench   print the benchmark figures (and write build/bench.json), the jobs' and the code counter's
#   make openapi regenerate docs/openapi.json after changing routes or models
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system python run test unit lint synth bench openapi clean

# Debian packages: Chromium for the browser tests (a downloaded browser cannot run here) and a
# font with Vietnamese glyphs for it.
system:
	@{ command -v chromium >/dev/null && test -d /usr/share/fonts/truetype/dejavu; } || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

python: $(STAMP)

# The web app (webapp/) is installed and built on demand by local/webapp.py (npm ci, vite build)
# when `make run` or the browser tests need it and its build is missing or stale.
setup: system python

run: setup
	$(PY) -m local.run

lint: python
	$(VENV)/bin/ruff check .

# Each suite runs in its own pytest process: the e2e and integration suites start a whole local
# stack (moto server, environment, threads) that must not leak into the suites after them.
TEST_SUITES = tests/unit tests/infra $(sort $(wildcard tests/integration/*/)) $(wildcard tests/fault tests/security) tests/e2e

test: setup lint
	cd webapp && npm ci --no-audit --no-fund --loglevel=error && npm test --silent && npm run --silent api-types:check
	@failed=""; for suite in $(TEST_SUITES); do \
	  echo "== $$suite"; $(PY) -m pytest $$suite || failed="$$failed $$suite"; \
	done; \
	if [ -n "$$failed" ]; then echo "failed suites:$$failed"; exit 1; fi

unit: python
	$(PY) -m pytest tests/unit

synth: python
	$(PY) -m infra.synth

bench: python
	$(PY) -m bench
	$(PY) -m bench.jobs            # scheduled jobs at 5,000 and 50,000 dossiers (long: --sizes to choose)
	$(PY) -m bench.code_counter    # the dossier-code counter under 3, 15, 30 intakes/s on one unit

openapi: python
	$(PY) -m local.openapi
	cd webapp && npm run --silent api-types

clean:
	rm -rf build chalice.out .pytest_cache webapp/dist webapp/node_modules webapp/tools/api-types/node_modules
