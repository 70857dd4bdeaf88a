"""`MCP_AUTH=oauth` in process: the authorizer in front of the real bridge and SDK, the metadata routes, and the
validated subject reaching tool code. The real issuer process and `chalice local` are in tests/e2e."""

from __future__ import annotations

import json

import pytest
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp.server import MCPServer
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import Context

from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer
from chalice_mcp.bridge import HttpRequest
from chalice_mcp.endpoint import MCPEndpoint, build_bridge
from chalicelib.service import build_service
from tests.support.jsonrpc import encode, initialize_body, request_body
from tests.support.oauth_service import (
    AUDIENCE,
    ISSUER,
    ISSUER_KEY,
    REQUIRED_SCOPE,
    oauth_authorizer,
    oauth_settings,
    switchable_authorizer,
)
from tests.support.signing_keys import SigningKey, claims_for

HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}
METADATA_URL = "https://fitness.example/api/.well-known/oauth-protected-resource/mcp"


def good_token(**extra: object) -> str:
    return ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE, **extra))


@pytest.fixture(scope="module")
def oauth_service():
    return build_service(oauth_settings(), authorizer=oauth_authorizer())


def call(service: MCPEndpoint, body: object, authorization: str | None = None):
    headers = dict(HEADERS)
    if authorization is not None:
        headers["authorization"] = authorization
    return service.bridge.handle(HttpRequest("POST", "/mcp", headers, encode(body).encode()))


def test_a_valid_token_is_served(oauth_service):
    reply = call(oauth_service, initialize_body(), f"Bearer {good_token()}")
    assert reply.status == 200
    assert json.loads(reply.body)["result"]["serverInfo"]["name"] == "fitness-calculators"


def test_no_token_gets_401_pointing_at_the_metadata_without_an_error_code(oauth_service):
    reply = call(oauth_service, initialize_body())
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"] == (f'Bearer scope="{REQUIRED_SCOPE}", resource_metadata="{METADATA_URL}"')
    assert json.loads(reply.body)["error"]["message"] == "Unauthorized: an access token is required"


def test_a_bad_token_gets_invalid_token_and_is_never_echoed(oauth_service):
    token = ISSUER_KEY.sign(claims_for(ISSUER, "https://elsewhere.example/mcp", scope=REQUIRED_SCOPE))
    reply = call(oauth_service, initialize_body(), f"Bearer {token}")
    assert reply.status == 401
    challenge = reply.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer error="invalid_token", error_description="the access token is for another')
    assert f'resource_metadata="{METADATA_URL}"' in challenge
    for part in token.split("."):
        assert part not in reply.body.decode() and part not in challenge


def test_a_token_without_the_scope_gets_403_insufficient_scope(oauth_service):
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope="profile"))
    reply = call(oauth_service, initialize_body(), f"Bearer {token}")
    assert reply.status == 403
    assert 'error="insufficient_scope"' in reply.headers["WWW-Authenticate"]
    assert f'scope="{REQUIRED_SCOPE}"' in reply.headers["WWW-Authenticate"]


def test_an_unreachable_issuer_is_503_with_retry_after_not_401(oauth_service, monkeypatch):
    # Port 9 (discard) has no listener here: the key set cannot be fetched.
    unreachable = OAuthAuthorizer.from_settings(oauth_settings(MCP_OAUTH_JWKS_URL="http://127.0.0.1:9/jwks"))
    monkeypatch.setattr(oauth_service.bridge, "authorizer", unreachable)
    reply = call(oauth_service, initialize_body(), f"Bearer {good_token()}")
    assert reply.status == 503
    assert reply.headers["Retry-After"] == "10"
    assert "keys cannot be fetched" in json.loads(reply.body)["error"]["message"]


def test_a_new_kid_is_401_while_the_keys_are_fresh_and_503_while_expired_keys_serve_through_an_outage(
    oauth_service, monkeypatch
):
    # Before: the second case was 401 invalid_token too, and the client threw away a token it could have retried.
    # Keys kept 30 s expire before the once-a-minute refresh for an unknown kid comes round again.
    authorizer, issuer, clock = switchable_authorizer(oauth_settings(MCP_OAUTH_JWKS_MAX_AGE_SECONDS="30"))
    monkeypatch.setattr(oauth_service.bridge, "authorizer", authorizer)
    unknown = SigningKey.rsa()
    new_kid_token = unknown.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE))

    assert call(oauth_service, initialize_body(), f"Bearer {good_token()}").status == 200
    fresh = call(oauth_service, initialize_body(), f"Bearer {new_kid_token}")
    assert fresh.status == 401
    assert "a key the issuer does not publish" in fresh.headers["WWW-Authenticate"]

    issuer.down = True
    clock.now += 30
    assert call(oauth_service, initialize_body(), f"Bearer {good_token()}").status == 200  # the expired keys serve
    stale = call(oauth_service, initialize_body(), f"Bearer {new_kid_token}")
    assert stale.status == 503
    assert stale.headers["Retry-After"] == "10"
    assert "WWW-Authenticate" not in stale.headers


def test_the_protected_resource_metadata_is_served_at_both_paths(oauth_service):
    for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"):
        reply = oauth_service.protected_resource_metadata(HttpRequest("GET", path, {"host": "ignored.example"}))
        assert reply.status == 200
        assert json.loads(reply.body) == {
            "resource": AUDIENCE,
            "authorization_servers": [ISSUER],
            "scopes_supported": [REQUIRED_SCOPE],
            "bearer_methods_supported": ["header"],
            "resource_name": "Fitness calculators",
        }
        assert reply.headers["Access-Control-Allow-Origin"] == "*"


def test_an_authless_server_answers_404_on_both_metadata_paths(http):
    for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"):
        assert http.get(path).status_code == 404


def test_the_validated_subject_reaches_tool_code_through_the_sdk(oauth_service):
    server = MCPServer("whoami")

    @server.tool()
    async def whoami(ctx: Context) -> dict[str, str | None]:
        from_context = ctx.request_context.request.user.access_token
        return {"subject": get_access_token().subject, "same": str(from_context.subject == get_access_token().subject)}

    bridge = build_bridge(server, oauth_settings(), authorizer=oauth_authorizer())
    try:
        body = encode(request_body("tools/call", {"name": "whoami", "arguments": {}})).encode()
        headers = {**HEADERS, "authorization": f"Bearer {good_token(sub='athlete-7')}"}
        reply = bridge.handle(HttpRequest("POST", "/mcp", headers, body))
    finally:
        bridge.close()
    assert json.loads(reply.body)["result"]["structuredContent"] == {"subject": "athlete-7", "same": "True"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    authorization=st.one_of(
        st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=300),
        st.builds(lambda text: "Bearer " + text, st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF))),
        st.builds(
            lambda parts: "Bearer " + ".".join(parts),
            st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), max_size=5),
        ),
    )
)
def test_any_authorization_header_gets_401_never_a_crash(oauth_service, authorization):
    reply = call(oauth_service, initialize_body(), authorization.strip())
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer ")
    assert "Traceback" not in reply.body.decode()


def test_the_chalice_routes_serve_the_configured_resource_whatever_the_host(monkeypatch, chalice_app):
    import app as app_module

    monkeypatch.setattr(app_module.mcp.endpoint, "settings", oauth_settings())
    with Client(chalice_app) as client:
        response = client.http.get(
            "/.well-known/oauth-protected-resource/mcp",
            headers={"Host": "other-mcp.example", "X-Forwarded-Proto": "https"},
        )
    assert response.status_code == 200
    assert json.loads(response.body)["resource"] == AUDIENCE


def test_a_token_for_the_host_a_request_names_is_refused_when_that_is_not_this_server(oauth_service):
    token = ISSUER_KEY.sign(claims_for(ISSUER, "https://other-mcp.example/mcp", scope=REQUIRED_SCOPE))
    headers = {**HEADERS, "host": "other-mcp.example", "x-forwarded-proto": "https", "authorization": f"Bearer {token}"}
    reply = oauth_service.bridge.handle(HttpRequest("POST", "/mcp", headers, encode(initialize_body()).encode()))
    assert reply.status == 401
    assert "another audience" in reply.headers["WWW-Authenticate"]
