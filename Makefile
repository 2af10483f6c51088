# The two commands a new user needs: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: ocr-optional run test lint typecheck pytest system-deps services llama-server install install-dev samples migrate bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-deps:
	@scripts/system-deps.sh

services:
	@scripts/services.sh

migrate: install
	$(BIN)/handoff db upgrade

SAMPLES := var/samples

# The demo: a retainer, a milestone and a T&M SOW, a change order and its base, with CRM opportunities
# (three of them with a planted difference from the signed document), ingested and checked.
samples: migrate ocr-optional
	$(BIN)/handoff demo --out $(SAMPLES)

# make run works without OCR: scanned sample pages then carry an ocr_unavailable warning.
ocr-optional:
	@scripts/system-deps.sh --optional

# Demo users (one per role) get fresh random passwords, printed here once; nothing else makes credentials.
# The ERP sandbox (http://127.0.0.1:8700, the default HANDOFF_ERP_URL) runs beside the app and stops with it.
run: install samples
	$(BIN)/handoff users seed-demo
	$(BIN)/handoff erp-sandbox --db var/erp-sandbox.db & sandbox=$$!; trap "kill $$sandbox" EXIT; \
	$(BIN)/handoff serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: install-dev
	$(BIN)/mypy .

# llama.cpp's llama-server, built once into ~/.cache/handoff (minutes the first time), for the LLM-path tests.
llama-server: install-dev
	@PYTHON=$(BIN)/python scripts/llama-server.sh >/dev/null

pytest: install-dev system-deps services llama-server
	$(BIN)/python -m pytest -n 2 --durations=15

test: lint typecheck pytest

# handoff bench: parse/extract/check against pypdf and unstructured (its own venv under var/), peak memory.
bench: install-dev
	$(PIP_INSTALL) -e ".[dev,bench]"
	@PYTHON=$(PYTHON) scripts/unstructured-venv.sh
	$(BIN)/handoff bench

clean:
	rm -rf var .mypy_cache .ruff_cache .pytest_cache
