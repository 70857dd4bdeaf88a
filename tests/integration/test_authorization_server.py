"""The endpoint as its own authorization server, in process, in front of a loopback OpenID provider configured like
Cognito: discovery, a whole sign-in (DCR client, consent, upstream, code, tokens, tools, refresh), and every refusal
the flow must make, each a clear OAuth error."""

from __future__ import annotations

import json
import logging
import sqlite3

import jwt
import pytest
from chalice.test import Client

from chalice_mcp.auth.key_material import new_sealing_key
from tests.support.jsonrpc import encode, initialize_body
from tests.support.openid_upstream import SUBJECT
from tests.support.sign_in import (
    CLIENT_REDIRECT_URI,
    PUBLIC_URL,
    REQUIRED_SCOPE,
    RESOURCE,
    Browser,
    authorization_server_app,
    authorization_server_environment,
    exchange,
    pkce,
    query_of,
    register,
    sign_in,
    token_request,
)

MCP_HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}


@pytest.fixture(scope="module")
def environment(upstream, tmp_path_factory):
    return authorization_server_environment(upstream, str(tmp_path_factory.mktemp("store") / "grants.sqlite3"))


@pytest.fixture(scope="module")
def app(environment):
    return authorization_server_app(environment)


def signed_in(client: Client) -> tuple[dict, str, str]:
    """A registered client, the code it got back, and its verifier."""
    registered = register(client)
    verifier, challenge = pkce()
    returned = sign_in(Browser(client), registered["client_id"], challenge)
    return registered, query_of(returned)["code"], verifier


def call_mcp(client: Client, access_token: str):
    headers = {**MCP_HEADERS, "authorization": f"Bearer {access_token}"}
    return client.http.post("/mcp", headers=headers, body=encode(initialize_body()))


def test_the_protected_resource_metadata_names_the_server_itself(client):
    metadata = json.loads(client.http.get("/.well-known/oauth-protected-resource/mcp").body)
    assert metadata["resource"] == RESOURCE
    assert metadata["authorization_servers"] == [PUBLIC_URL]


@pytest.mark.parametrize("path", ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"])
def test_the_authorization_server_metadata_advertises_cimd_dcr_pkce_and_iss(client, path):
    response = client.http.get(path)
    assert response.status_code == 200
    metadata = json.loads(response.body)
    assert metadata["issuer"] == PUBLIC_URL
    assert metadata["authorization_endpoint"] == PUBLIC_URL + "/authorize"
    assert metadata["token_endpoint"] == PUBLIC_URL + "/token"
    assert metadata["registration_endpoint"] == PUBLIC_URL + "/register"
    assert metadata["jwks_uri"] == PUBLIC_URL + "/jwks"
    assert metadata["client_id_metadata_document_supported"] is True
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "none" in metadata["token_endpoint_auth_methods_supported"]
    assert metadata["scopes_supported"] == [REQUIRED_SCOPE]


def test_a_whole_sign_in_gives_tokens_for_this_server_that_the_endpoint_accepts(client):
    registered, code, verifier = signed_in(client)
    response = exchange(client, registered["client_id"], code, verifier)
    assert response.status_code == 200, response.body
    tokens = json.loads(response.body)
    assert tokens["token_type"] == "Bearer"
    assert tokens["refresh_token"]
    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert header["typ"] == "at+jwt"
    assert (claims["iss"], claims["aud"], claims["sub"]) == (PUBLIC_URL, RESOURCE, SUBJECT)
    assert (claims["scope"], claims["client_id"]) == (REQUIRED_SCOPE, registered["client_id"])
    assert call_mcp(client, tokens["access_token"]).status_code == 200


def test_the_code_comes_back_with_the_clients_state_and_the_issuer(client):
    registered = register(client)
    _, challenge = pkce()
    returned = sign_in(Browser(client), registered["client_id"], challenge, state="xyz-123")
    assert returned.startswith(CLIENT_REDIRECT_URI + "?")
    assert query_of(returned)["state"] == "xyz-123"
    assert query_of(returned)["iss"] == PUBLIC_URL


def test_a_refresh_rotates_the_refresh_token_and_refreshes_upstream(client, upstream):
    registered, code, verifier = signed_in(client)
    first = json.loads(exchange(client, registered["client_id"], code, verifier).body)
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": registered["client_id"],
    }
    refreshed = token_request(client, refresh)
    assert refreshed.status_code == 200, refreshed.body
    second = json.loads(refreshed.body)
    assert second["refresh_token"] != first["refresh_token"]
    assert upstream.behaviour.token_requests[-1]["grant_type"] == "refresh_token"
    assert call_mcp(client, second["access_token"]).status_code == 200
    # The old refresh token was used once: never again.
    replayed = token_request(client, refresh)
    assert (replayed.status_code, json.loads(replayed.body)["error"]) == (400, "invalid_grant")


def test_a_person_disabled_upstream_cannot_refresh(client, upstream):
    registered, code, verifier = signed_in(client)
    tokens = json.loads(exchange(client, registered["client_id"], code, verifier).body)
    upstream.behaviour.disabled = True
    refreshed = token_request(
        client,
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": registered["client_id"]},
    )
    assert refreshed.status_code == 400
    assert json.loads(refreshed.body)["error"] == "invalid_grant"


def test_a_refresh_token_sealed_under_a_key_the_server_no_longer_has_is_invalid_grant(client, environment, caplog):
    # Two rotations of MCP_OAUTH_SEALING_KEY later, the record's sealed upstream token opens under neither key.
    registered, code, verifier = signed_in(client)
    tokens = json.loads(exchange(client, registered["client_id"], code, verifier).body)
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": registered["client_id"],
    }
    rotated = authorization_server_app({**environment, "MCP_OAUTH_SEALING_KEY": new_sealing_key()})
    with caplog.at_level(logging.INFO), Client(rotated) as after_rotations:
        refused = token_request(after_rotations, refresh)
    assert (refused.status_code, json.loads(refused.body)["error"]) == (400, "invalid_grant")
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    # The record is gone: the token does not refresh under the old key either.
    again = token_request(client, refresh)
    assert (again.status_code, json.loads(again.body)["error"]) == (400, "invalid_grant")


def test_a_returning_client_is_not_asked_again(client):
    registered = register(client)
    browser = Browser(client)
    _, challenge = pkce()
    sign_in(browser, registered["client_id"], challenge)
    from tests.support.sign_in import authorize_url

    again = browser.get(authorize_url(registered["client_id"], challenge))
    consent = browser.get(again.headers["Location"])
    assert consent.status_code == 302
    assert consent.headers["Location"].startswith(client_upstream_prefix())


def client_upstream_prefix() -> str:
    return "http://127.0.0.1:"


def test_under_a_url_prefix_the_issuer_and_every_url_carry_the_prefix(upstream, tmp_path):
    from chalice import Chalice

    from chalice_mcp.settings import Settings
    from chalicelib.service import fitness_blueprint

    environment = authorization_server_environment(upstream, str(tmp_path / "grants.sqlite3"))
    app = Chalice(app_name="prefixed-authorization-server", configure_logs=False)
    app.register_blueprint(fitness_blueprint(Settings.from_environment(environment)), url_prefix="/tools")
    with Client(app) as prefixed:
        metadata = json.loads(prefixed.http.get("/tools/.well-known/openid-configuration").body)
        resource = json.loads(prefixed.http.get("/tools/.well-known/oauth-protected-resource/mcp").body)
    assert metadata["issuer"] == PUBLIC_URL + "/tools"
    assert metadata["authorization_endpoint"] == PUBLIC_URL + "/tools/authorize"
    assert resource == {
        **resource,
        "resource": PUBLIC_URL + "/tools/mcp",
        "authorization_servers": [PUBLIC_URL + "/tools"],
    }


def test_a_revoked_refresh_token_no_longer_refreshes(client):
    import urllib.parse

    registered, code, verifier = signed_in(client)
    tokens = json.loads(exchange(client, registered["client_id"], code, verifier).body)
    revoke = {
        "token": tokens["refresh_token"],
        "token_type_hint": "refresh_token",
        "client_id": registered["client_id"],
    }
    revoked = client.http.post(
        "/revoke", headers={"content-type": "application/x-www-form-urlencoded"}, body=urllib.parse.urlencode(revoke)
    )
    assert revoked.status_code == 200, revoked.body
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": registered["client_id"],
    }
    refused = token_request(client, refresh)
    assert (refused.status_code, json.loads(refused.body)["error"]) == (400, "invalid_grant")


def test_a_rotated_refresh_token_used_again_revokes_the_whole_family(client):
    registered, code, verifier = signed_in(client)
    first = json.loads(exchange(client, registered["client_id"], code, verifier).body)

    def refresh(token: str):
        form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": registered["client_id"]}
        return token_request(client, form)

    second = json.loads(refresh(first["refresh_token"]).body)
    # Someone replays the first token (stolen): refused, and the token the rightful client now holds dies with it.
    assert refresh(first["refresh_token"]).status_code == 400
    revoked = refresh(second["refresh_token"])
    assert (revoked.status_code, json.loads(revoked.body)["error"]) == (400, "invalid_grant")


def test_a_confidential_clients_secret_is_sealed_in_the_store_and_still_lets_it_in(client, environment):
    # Before: the registration record held the client secret as registered; whoever read the table had it.
    registered = register(client, token_endpoint_auth_method="client_secret_post")
    secret = registered["client_secret"]
    assert secret
    with sqlite3.connect(environment["MCP_OAUTH_STORE_PATH"]) as database:
        rows = [str(row) for row in database.execute("SELECT * FROM grants")]
    assert any(registered["client_id"] in row for row in rows), "the registration is not in the store"
    assert not any(secret in row for row in rows)
    verifier, challenge = pkce()
    code = query_of(sign_in(Browser(client), registered["client_id"], challenge))["code"]
    exchanged = exchange(client, registered["client_id"], code, verifier, client_secret=secret)
    assert exchanged.status_code == 200, exchanged.body
    code = query_of(sign_in(Browser(client), registered["client_id"], challenge))["code"]
    refused = exchange(client, registered["client_id"], code, verifier, client_secret="not-" + secret)
    assert (refused.status_code, json.loads(refused.body)["error"]) == (401, "invalid_client")
