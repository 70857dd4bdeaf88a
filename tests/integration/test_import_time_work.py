"""What importing the app does, and does not do, before its first request: a cold start is billed time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]

REPORT_MODULES = """
import gc, json, sys
import app
print(json.dumps({
    "collector_enabled": gc.isenabled(),
    "frozen_objects": gc.get_freeze_count(),
    "jwt": "jwt" in sys.modules,
    "authorizer": type(app.mcp.endpoint.bridge.authorizer).__name__,
    "domain": "chalicelib.fitness" in sys.modules,
    "catalogue": app.mcp.endpoint.catalogue.registered,
    "authorization_server": sorted(
        name for name in sys.modules if name.startswith("chalice_mcp.auth.authorization_server")
    ),
}))
"""


def import_app(**environment: str) -> dict:
    outside_lambda = {name: value for name, value in os.environ.items() if name != "AWS_LAMBDA_INITIALIZATION_TYPE"}
    completed = subprocess.run(
        [sys.executable, "-c", REPORT_MODULES],
        cwd=PROJECT_ROOT,
        # The keys a Lambda start needs; elsewhere they change nothing that is measured here.
        env={**outside_lambda, "MCP_AUTH": "none", "MCP_REQUEST_STATE_KEYS": "k" * 32, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.splitlines()[-1])


def test_an_authless_app_loads_neither_the_jwt_library_nor_the_domain_at_import():
    report = import_app()
    assert (report["jwt"], report["authorizer"], report["domain"], report["catalogue"]) == (
        False,
        "AllowEveryone",
        False,
        False,
    )


def test_neither_an_authless_nor_a_resource_server_app_imports_the_authorization_server():
    resource_server = import_app(
        MCP_AUTH="oauth", MCP_OAUTH_ISSUER="http://127.0.0.1:9", MCP_PUBLIC_URL="http://127.0.0.1:8000"
    )
    assert import_app()["authorization_server"] == []
    assert resource_server["authorization_server"] == []


def test_an_app_with_an_upstream_checks_its_own_tokens_and_fetches_nothing_at_import():
    # The upstream is unreachable (port 9): an import that fetched its metadata would fail or hang, not return.
    report = import_app(
        MCP_AUTH="oauth",
        MCP_PUBLIC_URL="http://127.0.0.1:8000",
        MCP_OAUTH_UPSTREAM_ISSUER="http://127.0.0.1:9",
        MCP_OAUTH_UPSTREAM_CLIENT_ID="client",
        MCP_OAUTH_UPSTREAM_CLIENT_SECRET="secret",
    )
    assert report["authorizer"] == "OAuthAuthorizer"
    assert "chalice_mcp.auth.authorization_server.authorizer" in report["authorization_server"]
    # The routes' module (the SDK's handlers, the store) waits for the first sign-in.
    assert "chalice_mcp.auth.authorization_server.routes" not in report["authorization_server"]


def test_under_snapstart_the_authorization_server_is_built_before_the_snapshot():
    report = import_app(
        AWS_LAMBDA_INITIALIZATION_TYPE="snap-start",
        MCP_AUTH="oauth",
        MCP_PUBLIC_URL="http://127.0.0.1:8000",
        MCP_OAUTH_UPSTREAM_ISSUER="http://127.0.0.1:9",
        MCP_OAUTH_UPSTREAM_CLIENT_ID="client",
        MCP_OAUTH_UPSTREAM_CLIENT_SECRET="secret",
        MCP_OAUTH_TABLE="grants",
    )
    assert "chalice_mcp.auth.authorization_server.routes" in report["authorization_server"]


def test_the_app_starts_with_the_collector_paused_and_leaves_it_running_with_the_start_frozen():
    report = import_app()
    assert report["collector_enabled"] is True
    # The SDK alone is tens of thousands of objects; a freeze of only a handful would mean it came too early.
    assert report["frozen_objects"] > 20_000


def test_the_collector_can_be_paused_before_the_sdk_is_imported():
    """app.py imports the pause first: were the SDK imported with it, its import would run with the collector on."""
    report = """
import json, sys
from chalice_mcp.garbage_collector import paused_while_starting
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & {"mcp", "mcp_types", "pydantic", "chalice"})))
"""
    completed = subprocess.run(
        [sys.executable, "-c", report], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(completed.stdout) == []


def test_an_oauth_app_fetches_nothing_from_the_issuer_at_import():
    # The issuer is unreachable (port 9): an import that fetched its metadata would fail or hang, not return.
    report = import_app(MCP_AUTH="oauth", MCP_OAUTH_ISSUER="http://127.0.0.1:9", MCP_PUBLIC_URL="http://127.0.0.1:8000")
    assert report["jwt"] is True
    assert report["authorizer"] == "OAuthAuthorizer"


@pytest.mark.parametrize("initialization_type", ["snap-start", "provisioned-concurrency"])
def test_an_init_no_caller_waits_for_registers_everything_before_the_snapshot(initialization_type):
    report = import_app(AWS_LAMBDA_INITIALIZATION_TYPE=initialization_type)
    assert report["domain"] is True
    assert report["catalogue"] is True


def test_an_on_demand_init_leaves_the_catalogue_for_the_first_request_that_needs_it():
    assert import_app(AWS_LAMBDA_INITIALIZATION_TYPE="on-demand")["catalogue"] is False
