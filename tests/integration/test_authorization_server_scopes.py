"""Per-tool scopes with the endpoint as its own authorization server, in process, in front of the loopback OpenID
provider: the metadata lists every scope, a client may ask for a tool's scope and the consent page says what it
opens, and MCP_OAUTH_SCOPE_GRANTS decides from the upstream's ID token (its groups) who gets it, at the code exchange
and at every refresh. The SDK's client and `chalice local` are in tests/e2e/test_authorization_server_step_up.py."""

from __future__ import annotations

import json

import jwt
import pytest
from chalice.test import Client

from tests.support.jsonrpc import encode, request_body
from tests.support.openid_upstream import GROUPS_CLAIM, OpenIDUpstream
from tests.support.sign_in import (
    REQUIRED_SCOPE,
    Browser,
    authorization_server_app,
    authorization_server_environment,
    authorize_url,
    exchange,
    pkce,
    query_of,
    register,
    sign_in,
    token_request,
)

PREMIUM_SCOPE = "fitness:premium"
GATED_TOOLS = ("calculate-vdot", "predict-race-time")
GATED_ARGUMENTS = {"distance_m": 5000, "time_s": "20:00"}
BOTH_SCOPES = f"{REQUIRED_SCOPE} {PREMIUM_SCOPE}"
TOOL_SCOPES = json.dumps({tool: PREMIUM_SCOPE for tool in GATED_TOOLS})
GRANTS = json.dumps({PREMIUM_SCOPE: {"claim": GROUPS_CLAIM, "contains": "premium"}})
MCP_HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}


def app_with(upstream: OpenIDUpstream, store: str, **overrides: str):
    environment = authorization_server_environment(upstream, store, MCP_OAUTH_TOOL_SCOPES=TOOL_SCOPES, **overrides)
    return authorization_server_app(environment)


@pytest.fixture(scope="module")
def app(upstream, tmp_path_factory):
    store = str(tmp_path_factory.mktemp("store") / "grants.sqlite3")
    return app_with(upstream, store, MCP_OAUTH_SCOPE_GRANTS=GRANTS)


def tokens_for(client: Client, scope: str) -> dict:
    registered = register(client)
    verifier, challenge = pkce()
    returned = sign_in(Browser(client), registered["client_id"], challenge, scope=scope)
    response = exchange(client, registered["client_id"], query_of(returned)["code"], verifier)
    assert response.status_code == 200, response.body
    return {**json.loads(response.body), "client_id": registered["client_id"]}


def token_scope(tokens: dict) -> set[str]:
    return set(jwt.decode(tokens["access_token"], options={"verify_signature": False})["scope"].split())


def refreshed(client: Client, tokens: dict) -> dict:
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": tokens["client_id"]}
    response = token_request(client, form)
    assert response.status_code == 200, response.body
    return {**json.loads(response.body), "client_id": tokens["client_id"]}


def call_gated_tool(client: Client, tokens: dict):
    headers = {**MCP_HEADERS, "authorization": f"Bearer {tokens['access_token']}"}
    body = request_body("tools/call", {"name": GATED_TOOLS[0], "arguments": GATED_ARGUMENTS})
    return client.http.post("/mcp", headers=headers, body=encode(body))


@pytest.mark.parametrize("path", ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"])
def test_the_authorization_server_metadata_lists_every_tools_scope(client, path):
    metadata = json.loads(client.http.get(path).body)
    assert metadata["scopes_supported"] == [REQUIRED_SCOPE, PREMIUM_SCOPE]


def test_the_protected_resource_metadata_lists_every_tools_scope(client):
    metadata = json.loads(client.http.get("/.well-known/oauth-protected-resource/mcp").body)
    assert metadata["scopes_supported"] == [REQUIRED_SCOPE, PREMIUM_SCOPE]


def test_the_consent_page_says_which_tools_the_extra_scope_opens(client):
    registered = register(client)
    _, challenge = pkce()
    browser = Browser(client)
    authorized = browser.get(authorize_url(registered["client_id"], challenge, scope=BOTH_SCOPES))
    assert authorized.status_code == 302, authorized.body
    page = browser.get(authorized.headers["Location"])
    assert page.status_code == 200
    text = page.body.decode()
    assert PREMIUM_SCOPE in text
    for tool in GATED_TOOLS:
        assert tool in text
    assert REQUIRED_SCOPE in text
    assert "if your account has this access" in text


def test_a_client_registered_for_the_required_scope_may_still_ask_for_a_tools_scope(client, upstream):
    upstream.behaviour.groups = ["premium"]
    registered = register(client, scope=REQUIRED_SCOPE)
    verifier, challenge = pkce()
    returned = sign_in(Browser(client), registered["client_id"], challenge, scope=BOTH_SCOPES)
    response = exchange(client, registered["client_id"], query_of(returned)["code"], verifier)
    assert response.status_code == 200, response.body
    assert PREMIUM_SCOPE in token_scope(json.loads(response.body))


def test_a_returning_client_asking_for_more_sees_the_consent_page_again(client):
    registered = register(client)
    browser = Browser(client)
    _, challenge = pkce()
    sign_in(browser, registered["client_id"], challenge)
    again = browser.get(authorize_url(registered["client_id"], challenge, scope=BOTH_SCOPES))
    page = browser.get(again.headers["Location"])
    assert page.status_code == 200
    assert PREMIUM_SCOPE in page.body.decode()


def test_a_person_in_the_group_gets_the_tools_scope_and_the_tool_answers(client, upstream):
    upstream.behaviour.groups = ["athletes", "premium"]
    tokens = tokens_for(client, BOTH_SCOPES)
    assert token_scope(tokens) == {REQUIRED_SCOPE, PREMIUM_SCOPE}
    answer = call_gated_tool(client, tokens)
    assert answer.status_code == 200, answer.body
    assert "error" not in json.loads(answer.body)


def test_a_person_outside_the_group_gets_a_token_without_it_and_the_step_up_403(client, upstream):
    upstream.behaviour.groups = ["athletes"]
    tokens = tokens_for(client, BOTH_SCOPES)
    assert token_scope(tokens) == {REQUIRED_SCOPE}
    # RFC 6749 §5.1: the token response says which scopes were granted when they differ from the request.
    assert tokens["scope"] == REQUIRED_SCOPE
    answer = call_gated_tool(client, tokens)
    assert answer.status_code == 403
    assert 'error="insufficient_scope"' in answer.headers["WWW-Authenticate"]


def test_an_id_token_without_the_claim_grants_only_the_scopes_without_a_rule(client, upstream):
    upstream.behaviour.groups = None
    assert token_scope(tokens_for(client, BOTH_SCOPES)) == {REQUIRED_SCOPE}


def test_a_person_removed_from_the_group_loses_the_scope_at_the_next_refresh(client, upstream):
    upstream.behaviour.groups = ["premium"]
    tokens = tokens_for(client, BOTH_SCOPES)
    assert PREMIUM_SCOPE in token_scope(tokens)
    upstream.behaviour.groups = []
    dropped = refreshed(client, tokens)
    assert token_scope(dropped) == {REQUIRED_SCOPE}
    assert call_gated_tool(client, dropped).status_code == 403
    # The refresh token still carries what the client asked for: added back to the group, the person gets it back.
    upstream.behaviour.groups = ["premium"]
    assert PREMIUM_SCOPE in token_scope(refreshed(client, dropped))


def test_without_grants_every_requested_scope_is_granted(upstream, tmp_path):
    upstream.behaviour.__init__()
    with Client(app_with(upstream, str(tmp_path / "grants.sqlite3"))) as client:
        tokens = tokens_for(client, BOTH_SCOPES)
        assert token_scope(tokens) == {REQUIRED_SCOPE, PREMIUM_SCOPE}
        assert call_gated_tool(client, tokens).status_code == 200


def test_a_scope_the_server_does_not_know_is_refused_at_authorize(client):
    registered = register(client)
    _, challenge = pkce()
    authorized = Browser(client).get(authorize_url(registered["client_id"], challenge, scope="fitness:admin"))
    assert authorized.status_code == 302
    assert query_of(authorized.headers["Location"])["error"] == "invalid_scope"
