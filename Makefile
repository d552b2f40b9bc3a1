# hoso — one command to run the whole system locally, one to test everything.
#   make run     set up what is missing, then run the local stack in the foreground (Ctrl-C stops it)
#   make test    set up what is missing, then run every test tier (what CI runs: .ci/run)
#   make bench   print the benchmark figures (and write build/bench.json), the jobs' and the code counter's
#   make openapi regenerate docs/openapi.json after changing routes or models
#   make lock    regenerate requirements.lock (the Lambda package's pins and hashes) after changing requirements.txt
#   make assembly the deployable artefact, built once (CI's build job): web app, Lambda package,
#                 every stage's stack in one cloud assembly (HOSO_CONFIG_DEV/_STAGING/_PRODUCTION)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system python run test unit lint synth lock bench openapi assembly clean

# Debian packages: Chromium for the browser tests (a downloaded browser cannot run here) and a
# font with Vietnamese glyphs for it.
system:
	@{ command -v chromium >/dev/null && test -d /usr/share/fonts/truetype/dejavu; } || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

# Constrained by requirements.lock's versions (without its hashes, which would put pip in
# hash-checking mode for the dev tools too): the tests run the releases the Lambda package ships.
$(STAMP): requirements.txt requirements-dev.txt requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	mkdir -p build && sed -n 's/^\([A-Za-z0-9][^ ]*==[^ ]*\).*/\1/p' requirements.lock > build/lock-constraints.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt -c build/lock-constraints.txt
	touch $(STAMP)

python: $(STAMP)

# The web app (webapp/) is installed and built on demand by local/webapp.py (npm ci, vite build)
# when `make run` or the browser tests need it and its build is missing or stale.
setup: system python

run: setup
	$(PY) -m local.run

# Ruff, the import contracts (pyproject.toml [tool.importlinter], ADR 0003), then mypy on
# chalicelib/ and app.py (pyproject.toml [tool.mypy]; strict on the domain; cache in build/mypy).
lint: python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo --cache-dir build/import-linter
	$(VENV)/bin/mypy

# Each suite runs in its own pytest process: the e2e and integration suites start a whole local
# stack (moto server, environment, threads) that must not leak into the suites after them.
# tests.suites runs them three at a time (HOSO_TEST_JOBS), longest first (the browser tests are a
# suite of their own, beside the rest of e2e), each one's output kept whole and printed in this
# order, then the IAM check over the AWS calls every suite recorded, and a summary line.
TEST_SUITES = tests/e2e/web tests/e2e $(wildcard tests/security) $(sort $(wildcard tests/integration/*/)) \
	$(wildcard tests/fault) tests/infra tests/unit

test: setup lint
	cd webapp && npm ci --no-audit --no-fund --loglevel=error
	$(PY) -m tests.suites --webapp --record build/aws-calls $(TEST_SUITES)

unit: python
	$(PY) -m pytest tests/unit

synth: python
	$(PY) -m infra.synth

# requirements.txt resolved for the Lambda runtime and architecture (infra/package.py), every
# transitive package pinned with hashes; the synth installs the package's dependencies from it.
lock: python
	$(PY) -m infra.package lock
# The deploy workflow builds this once and deploys the same assembly to every stage
# (README "Deploying to AWS"): build/assembly.tar.gz (cdk.out/ inside) and its sha256.
ASSEMBLY := build/assembly
assembly: python
	cd webapp && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	rm -rf $(ASSEMBLY) build/assembly.tar.gz build/assembly.tar.gz.sha256
	$(PY) -m infra.synth --all-stages --require-config --outdir $(ASSEMBLY)/cdk.out --work-dir $(ASSEMBLY)-work
	tar -C $(ASSEMBLY) -czf build/assembly.tar.gz cdk.out
	cd build && sha256sum assembly.tar.gz > assembly.tar.gz.sha256

bench: python
	$(PY) -m bench
	$(PY) -m bench.jobs            # scheduled jobs at 200 and 1,000 dossiers (50,000: see docs/capacity.md §4a)
	$(PY) -m bench.code_counter    # the dossier-code counter under 3, 15, 30 intakes/s on one unit
	$(PY) -m bench.migration --dossiers 1000  # migration: time and AWS cost per 100,000 dossiers (docs/migration.md)

openapi: python
	$(PY) -m local.openapi
	cd webapp && npm run --silent api-types

clean:
	rm -rf build chalice.out .pytest_cache webapp/dist webapp/node_modules webapp/tools/api-types/node_modules
