"""The prod zip as an OAuth resource server, offline: a fresh isolated Python with only the unpacked zip on its path
fetches a real issuer's keys over HTTP and checks a real token, so PyJWT and cryptography (compiled for Lambda) are
in the package and work."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.api_gateway_events import proxy_event
from tests.deploy.test_lambda_package_offline import run_isolated
from tests.support.jsonrpc import handshake_headers, initialize_body, request_body
from tests.support.lambda_package import PROD_VALUES, BuiltPackage
from tests.support.token_issuer import TokenIssuer, start_token_issuer

pytestmark = pytest.mark.e2e

# The prod stage's MCP_PUBLIC_URL, which is also what API Gateway's Host and stage in `proxy_event` say.
RESOURCE = PROD_VALUES["MCP_PUBLIC_URL"] + "/mcp"
SCOPE = PROD_VALUES["MCP_OAUTH_SCOPES"]
METADATA_PATH = "/.well-known/oauth-protected-resource/mcp"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TokenIssuer]:
    running = start_token_issuer(tmp_path_factory.mktemp("issuer"))
    try:
        yield running
    finally:
        running.stop()


def metadata_event() -> dict:
    event = proxy_event({})
    event.update(httpMethod="GET", path=METADATA_PATH, resource=METADATA_PATH, body=None)
    event["requestContext"].update(httpMethod="GET", resourcePath=METADATA_PATH, path="/api" + METADATA_PATH)
    return event


def test_the_packaged_prod_function_checks_tokens_against_a_real_issuer(
    runtime_python: str, prod_package: BuiltPackage, issuer: TokenIssuer, tmp_path: Path
):
    token = issuer.token(audience=RESOURCE, scope=f"openid {SCOPE}")
    without_scope = issuer.token(audience=RESOURCE, scope="openid email")
    authorized = {**handshake_headers(), "Authorization": f"Bearer {token}"}
    cooper = {"name": "estimate-vo2-max-cooper", "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}}
    events = [
        proxy_event(initialize_body()),
        proxy_event(initialize_body(), {"Authorization": f"Bearer {token[:-4]}AAAA"}),
        proxy_event(request_body("tools/call", cooper), authorized),
        proxy_event(request_body("tools/call", cooper), {"Authorization": f"Bearer {without_scope}"}),
        metadata_event(),
    ]
    # The prod stage as deployed, with the issuer that runs here.
    environment = {**prod_package.environment, "MCP_OAUTH_ISSUER": issuer.issuer}
    replies = run_isolated(runtime_python, prod_package.unpack(tmp_path / "task"), events, environment)["replies"]
    no_token, bad_signature, tool_call, other_scopes, metadata = replies

    challenge = (
        f'Bearer scope="{SCOPE}", '
        f'resource_metadata="https://abc123.execute-api.eu-west-1.amazonaws.com/api{METADATA_PATH}"'
    )
    assert (no_token["statusCode"], no_token["headers"]["WWW-Authenticate"]) == (401, challenge)
    assert bad_signature["statusCode"] == 401
    assert 'error="invalid_token"' in bad_signature["headers"]["WWW-Authenticate"]
    assert tool_call["statusCode"] == 200, tool_call
    assert json.loads(tool_call["body"])["result"]["isError"] is False
    assert other_scopes["statusCode"] == 403
    assert 'error="insufficient_scope"' in other_scopes["headers"]["WWW-Authenticate"]
    assert json.loads(metadata["body"]) == {
        "resource": RESOURCE,
        "authorization_servers": [issuer.issuer],
        "scopes_supported": [SCOPE],
        "bearer_methods_supported": ["header"],
        "resource_name": "Fitness calculators",
    }
