"""The prod zip as its own OAuth authorization server in front of Cognito, offline: a fresh isolated Python with only
the unpacked zip on its path serves the authorization-server metadata and its keys, points clients at itself, and
checks a token signed with the stage's own key without any network call, so PyJWT and cryptography (compiled for
Lambda) are in the package and work. The packaged template gives the function its table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.api_gateway_events import proxy_event
from chalice_mcp.auth.authorization_server.signing import TokenSigner, TokenSigningKey
from chalice_mcp.auth.key_material import load_signing_key
from tests.deploy.test_lambda_package_offline import run_isolated
from tests.support.jsonrpc import handshake_headers, initialize_body, request_body
from tests.support.lambda_package import PROD_VALUES, BuiltPackage

pytestmark = pytest.mark.e2e

# The prod stage's MCP_PUBLIC_URL, which is also what API Gateway's Host and stage in `proxy_event` say.
ISSUER = PROD_VALUES["MCP_PUBLIC_URL"]
RESOURCE = ISSUER + "/mcp"
METADATA_PATH = "/.well-known/oauth-protected-resource/mcp"
AUTHORIZATION_SERVER_METADATA_PATH = "/.well-known/openid-configuration"


def get_event(path: str) -> dict:
    event = proxy_event({})
    event.update(httpMethod="GET", path=path, resource=path, body=None)
    event["requestContext"].update(httpMethod="GET", resourcePath=path, path="/api" + path)
    return event


def own_token() -> str:
    signer = TokenSigner(ISSUER, TokenSigningKey(load_signing_key(PROD_VALUES["MCP_OAUTH_SIGNING_KEY"])))
    token, _ = signer.access_token(
        subject="athlete-42", audience=RESOURCE, client_id="claude", scopes=[], lifetime_seconds=300
    )
    return token


def test_the_packaged_prod_function_is_its_own_authorization_server_and_checks_its_own_tokens(
    runtime_python: str, prod_package: BuiltPackage, tmp_path: Path
):
    token = own_token()
    authorized = {**handshake_headers(), "Authorization": f"Bearer {token}"}
    cooper = {"name": "estimate-vo2-max-cooper", "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}}
    events = [
        proxy_event(initialize_body()),
        proxy_event(initialize_body(), {"Authorization": f"Bearer {token[:-4]}AAAA"}),
        proxy_event(request_body("tools/call", cooper), authorized),
        get_event(METADATA_PATH),
        get_event(AUTHORIZATION_SERVER_METADATA_PATH),
        get_event("/jwks"),
    ]
    # As on Lambda: CloudFormation resolves the table's name into MCP_OAUTH_TABLE; nothing here may reach AWS.
    environment = {
        **prod_package.environment,
        "MCP_OAUTH_TABLE": "fitness-mcp-prod-OAuthGrantsTable",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    }
    replies = run_isolated(runtime_python, prod_package.unpack(tmp_path / "task"), events, environment)["replies"]
    no_token, bad_signature, tool_call, resource_metadata, server_metadata, key_set = replies

    challenge = f'Bearer resource_metadata="https://abc123.execute-api.eu-west-1.amazonaws.com/api{METADATA_PATH}"'
    assert (no_token["statusCode"], no_token["headers"]["WWW-Authenticate"]) == (401, challenge)
    assert bad_signature["statusCode"] == 401
    assert 'error="invalid_token"' in bad_signature["headers"]["WWW-Authenticate"]
    assert tool_call["statusCode"] == 200, tool_call
    assert json.loads(tool_call["body"])["result"]["isError"] is False
    assert json.loads(resource_metadata["body"])["authorization_servers"] == [ISSUER]
    metadata = json.loads(server_metadata["body"])
    assert (metadata["issuer"], metadata["registration_endpoint"]) == (ISSUER, ISSUER + "/register")
    assert metadata["client_id_metadata_document_supported"] is True
    assert [key["alg"] for key in json.loads(key_set["body"])["keys"]] == ["ES256"]


def test_the_packaged_prod_stage_has_its_grants_table_and_the_routes_of_the_sign_in(prod_package: BuiltPackage):
    resources = prod_package.template["Resources"]
    table = resources["OAuthGrantsTable"]
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert prod_package.function["Environment"]["Variables"]["MCP_OAUTH_TABLE"] == {"Ref": "OAuthGrantsTable"}
    paths = resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    for path in ("/authorize", "/token", "/register", "/callback", "/consent", "/jwks"):
        assert path in paths, path
