# hoso — one command to run the whole system locally, one to test everything.
#   make run    set up what is missing, then run the local stack in the foreground
#   make test   set up what is missing, then run every test tier (what CI runs)
#   make bench  print the benchmark figures
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test synth lint unit bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

synth: setup
	$(PY) -m infra.synth

run: setup
	$(PY) -m local.run

lint: setup
	$(VENV)/bin/ruff check .

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: setup
	$(PY) -m bench

clean:
	rm -rf build cdk.out chalice.out .pytest_cache
