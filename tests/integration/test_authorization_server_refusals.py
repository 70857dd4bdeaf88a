"""Every refusal the authorization server must make, each a clear OAuth error (RFC 6749 §4.1.2.1, §5.2), never a
500: in process, in front of the loopback OpenID provider, which can be told to misbehave."""

from __future__ import annotations

import json
import time

import pytest
from chalice.test import Client

from chalice_mcp.auth.authorization_server.client_documents import ClientDocumentCache, FetchedDocument
from chalice_mcp.auth.authorization_server.routes import AuthorizationServer
from chalice_mcp.bridge.exchange import HttpRequest
from chalice_mcp.settings import Settings
from tests.support.sign_in import (
    CLIENT_REDIRECT_URI,
    PUBLIC_URL,
    Browser,
    authorization_server_app,
    authorization_server_environment,
    authorize_url,
    consent_form,
    exchange,
    follow_upstream,
    pkce,
    query_of,
    register,
    sign_in,
)


@pytest.fixture(scope="module")
def environment(upstream, tmp_path_factory):
    return authorization_server_environment(upstream, str(tmp_path_factory.mktemp("store") / "grants.sqlite3"))


@pytest.fixture(scope="module")
def app(environment):
    return authorization_server_app(environment)


def error_of(response) -> str:
    return json.loads(response.body)["error"]


def to_consent_page(client: Client, **overrides: str):
    registered = register(client)
    browser = Browser(client)
    _, challenge = pkce()
    authorized = browser.get(authorize_url(registered["client_id"], challenge, **overrides))
    return browser, authorized


# /authorize


def test_an_unregistered_redirect_uri_is_refused_without_a_redirect(client):
    registered = register(client)
    _, challenge = pkce()
    response = client.http.get(
        authorize_url(registered["client_id"], challenge, redirect_uri="https://attacker.example/cb")[len(PUBLIC_URL) :]
    )
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert error_of(response) == "invalid_request"
    assert "not registered" in json.loads(response.body)["error_description"]


def test_an_unknown_client_is_refused_without_a_redirect(client):
    _, challenge = pkce()
    response = client.http.get(authorize_url("no-such-client", challenge)[len(PUBLIC_URL) :])
    assert (response.status_code, error_of(response)) == (400, "invalid_request")


def test_a_request_without_a_code_challenge_goes_back_with_invalid_request(client):
    registered = register(client)
    response = client.http.get(authorize_url(registered["client_id"], "")[len(PUBLIC_URL) :])
    assert response.status_code == 302
    returned = query_of(response.headers["Location"])
    assert returned["error"] == "invalid_request"
    assert returned["state"] == "client-state"


def test_an_error_sent_back_by_the_sdks_handler_names_this_server_whatever_the_redirect_uris_query(client):
    # RFC 9207: before, a redirect URI whose query held "kiss=1" read as one that named the issuer already.
    redirect_uri = CLIENT_REDIRECT_URI + "?kiss=1"
    registered = register(client, redirect_uri)
    response = client.http.get(authorize_url(registered["client_id"], "", redirect_uri=redirect_uri)[len(PUBLIC_URL) :])
    assert response.status_code == 302
    returned = query_of(response.headers["Location"])
    assert (returned["error"], returned["kiss"], returned["iss"]) == ("invalid_request", "1", PUBLIC_URL)


def test_a_plain_code_challenge_method_is_refused(client):
    registered = register(client)
    _, challenge = pkce()
    response = client.http.get(
        authorize_url(registered["client_id"], challenge, code_challenge_method="plain")[len(PUBLIC_URL) :]
    )
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_a_resource_of_another_server_goes_back_with_invalid_target(client):
    _, authorized = to_consent_page(client, resource="https://other.example/mcp")
    assert authorized.status_code == 302
    returned = query_of(authorized.headers["Location"])
    assert authorized.headers["Location"].startswith(CLIENT_REDIRECT_URI)
    assert (returned["error"], returned["state"]) == ("invalid_target", "client-state")
    # RFC 9207: the client learns which server answered, errors included.
    assert returned["iss"] == PUBLIC_URL


def test_a_redirect_uri_on_plain_http_elsewhere_cannot_be_registered(client):
    document = {"redirect_uris": ["http://attacker.example/cb"], "token_endpoint_auth_method": "none"}
    response = client.http.post("/register", headers={"content-type": "application/json"}, body=json.dumps(document))
    assert (response.status_code, error_of(response)) == (400, "invalid_redirect_uri")


# The consent page


def test_the_consent_page_names_the_client_its_redirect_host_and_this_server(client):
    browser, authorized = to_consent_page(client)
    page = browser.get(authorized.headers["Location"])
    text = page.body.decode()
    assert page.status_code == 200
    assert "Test MCP client" in text and "127.0.0.1" in text and PUBLIC_URL in text
    assert "you sign in at <strong>127.0.0.1</strong>" in text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "HttpOnly" in page.headers["Set-Cookie"] and "Secure" in page.headers["Set-Cookie"]


def test_a_consent_form_without_its_csrf_token_is_refused(client):
    browser, authorized = to_consent_page(client)
    form = consent_form(browser.get(authorized.headers["Location"]).body)
    assert form["csrf_token"]
    response = browser.post_form(PUBLIC_URL + "/consent", {"request": form["request"], "decision": "approve"})
    assert response.status_code == 403
    assert "Location" not in response.headers


def test_a_consent_form_with_another_browsers_csrf_token_is_refused(client):
    browser, authorized = to_consent_page(client)
    form = consent_form(browser.get(authorized.headers["Location"]).body)
    stranger = Browser(client)  # no cookie: an attacker's page posting the victim's form
    response = stranger.post_form(PUBLIC_URL + "/consent", {**form, "decision": "approve"})
    assert response.status_code == 403


def test_a_consent_form_posted_from_another_origin_is_refused(client):
    browser, authorized = to_consent_page(client)
    form = consent_form(browser.get(authorized.headers["Location"]).body)
    response = browser.post_form(
        PUBLIC_URL + "/consent", {**form, "decision": "approve"}, origin="https://attacker.example"
    )
    assert response.status_code == 403


def test_a_consent_form_from_an_opaque_origin_is_refused(client):
    # `Origin: null`: a sandboxed frame or a data: URL posting the form, never this server's own page.
    browser, authorized = to_consent_page(client)
    form = consent_form(browser.get(authorized.headers["Location"]).body)
    response = browser.post_form(PUBLIC_URL + "/consent", {**form, "decision": "approve"}, origin="null")
    assert response.status_code == 403


def test_denying_sends_access_denied_back_to_the_client(client):
    browser, authorized = to_consent_page(client)
    form = consent_form(browser.get(authorized.headers["Location"]).body)
    response = browser.post_form(PUBLIC_URL + "/consent", {**form, "decision": "deny"})
    assert response.status_code == 302
    returned = query_of(response.headers["Location"])
    assert (returned["error"], returned["state"], returned["iss"]) == ("access_denied", "client-state", PUBLIC_URL)


def test_a_tampered_authorization_request_is_refused(client):
    browser, authorized = to_consent_page(client)
    sealed = query_of(authorized.headers["Location"])["request"]
    tampered = sealed[:-3] + ("AAA" if not sealed.endswith("AAA") else "BBB")
    response = browser.get(f"{PUBLIC_URL}/consent?request={tampered}")
    assert response.status_code == 400
    forged = browser.get(f"{PUBLIC_URL}/consent?request=bm90LWEtc2VhbGVkLXZhbHVl")
    assert forged.status_code == 400


# The callback


def approved_upstream_location(client: Client, browser: Browser | None = None) -> tuple[Browser, str]:
    browser = browser or Browser(client)
    registered = register(client)
    _, challenge = pkce()
    authorized = browser.get(authorize_url(registered["client_id"], challenge))
    form = consent_form(browser.get(authorized.headers["Location"]).body)
    approved = browser.post_form(PUBLIC_URL + "/consent", {**form, "decision": "approve"})
    return browser, approved.headers["Location"]


def test_a_callback_with_a_tampered_state_is_refused(client):
    browser, location = approved_upstream_location(client)
    callback = follow_upstream(location)
    state = query_of(callback)["state"]
    response = browser.get(callback.replace(state, state[:-2] + "xx"))
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_a_callback_in_another_browser_is_refused(client):
    _, location = approved_upstream_location(client)
    callback = follow_upstream(location)
    response = Browser(client).get(callback)
    assert response.status_code == 400


def test_a_callback_cannot_be_used_twice(client):
    browser, location = approved_upstream_location(client)
    callback = follow_upstream(location)
    assert browser.get(callback).status_code == 302
    assert browser.get(callback).status_code == 400


@pytest.mark.parametrize(
    ("misbehaviour", "value"), [("id_token_nonce", "another-nonce"), ("id_token_audience", "another-client")]
)
def test_an_upstream_id_token_with_the_wrong_nonce_or_audience_gives_no_code(client, upstream, misbehaviour, value):
    setattr(upstream.behaviour, misbehaviour, value)
    browser, location = approved_upstream_location(client)
    response = browser.get(follow_upstream(location))
    assert response.status_code == 302
    returned = query_of(response.headers["Location"])
    assert "code" not in returned
    assert (returned["error"], returned["state"]) == ("access_denied", "client-state")


# /token


def code_for(client: Client) -> tuple[str, str, str]:
    registered = register(client)
    verifier, challenge = pkce()
    returned = sign_in(Browser(client), registered["client_id"], challenge)
    return registered["client_id"], query_of(returned)["code"], verifier


def test_a_code_is_used_once(client):
    client_id, code, verifier = code_for(client)
    assert exchange(client, client_id, code, verifier).status_code == 200
    replayed = exchange(client, client_id, code, verifier)
    assert (replayed.status_code, error_of(replayed)) == (400, "invalid_grant")


def test_an_expired_code_is_refused(client, monkeypatch):
    client_id, code, verifier = code_for(client)
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    response = exchange(client, client_id, code, verifier)
    assert (response.status_code, error_of(response)) == (400, "invalid_grant")


def test_a_wrong_pkce_verifier_is_refused(client):
    client_id, code, _ = code_for(client)
    response = exchange(client, client_id, code, "a-verifier-that-is-not-the-one-whose-challenge-was-sent-0123")
    assert (response.status_code, error_of(response)) == (400, "invalid_grant")


def test_a_missing_pkce_verifier_is_refused(client):
    client_id, code, _ = code_for(client)
    from tests.support.sign_in import token_request

    response = token_request(
        client,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": CLIENT_REDIRECT_URI, "client_id": client_id},
    )
    assert (response.status_code, error_of(response)) == (400, "invalid_request")


def test_a_code_of_another_client_is_refused(client):
    _, code, verifier = code_for(client)
    other = register(client)
    response = exchange(client, other["client_id"], code, verifier)
    assert (response.status_code, error_of(response)) == (400, "invalid_grant")


def test_a_token_request_of_nonsense_is_a_4xx(client):
    response = client.http.post("/token", headers={"content-type": "application/x-www-form-urlencoded"}, body="%%%")
    assert 400 <= response.status_code < 500
    assert error_of(response) in {"invalid_client", "invalid_request"}


# CIMD clients


CIMD_URL = "https://client.example/oauth/metadata.json"


def cimd_server(environment: dict[str, str], document: dict) -> AuthorizationServer:
    def fetch(url: str, timeout: float, allow_local: bool) -> FetchedDocument:
        assert url == CIMD_URL
        return FetchedDocument(document, None)

    server = AuthorizationServer(Settings.from_environment(environment), "Fitness")
    server.registry.documents = ClientDocumentCache(fetch)
    return server


def authorize_request(client_id: str) -> HttpRequest:
    _, challenge = pkce()
    return HttpRequest("GET", "/authorize", {}, query_string=authorize_url(client_id, challenge).split("?", 1)[1])


def test_a_cimd_client_is_sent_to_the_consent_page(environment):
    document = {"client_id": CIMD_URL, "client_name": "CIMD client", "redirect_uris": [CLIENT_REDIRECT_URI]}
    reply = cimd_server(environment, document).handle("/authorize", authorize_request(CIMD_URL))
    assert reply.status == 302
    assert reply.headers["Location"].startswith(PUBLIC_URL + "/consent?")


def test_a_cimd_document_whose_client_id_differs_is_refused(environment):
    document = {"client_id": "https://attacker.example/metadata.json", "redirect_uris": [CLIENT_REDIRECT_URI]}
    reply = cimd_server(environment, document).handle("/authorize", authorize_request(CIMD_URL))
    assert reply.status == 400
    assert json.loads(reply.body)["error"] == "invalid_client"
    assert "client_id" in json.loads(reply.body)["error_description"]


def test_a_cimd_document_with_a_client_secret_is_refused(environment):
    document = {
        "client_id": CIMD_URL,
        "redirect_uris": [CLIENT_REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_post",
    }
    reply = cimd_server(environment, document).handle("/authorize", authorize_request(CIMD_URL))
    assert (reply.status, json.loads(reply.body)["error"]) == (400, "invalid_client")


@pytest.mark.parametrize(
    "client_id", ["https://127.0.0.1/client.json", "https://10.1.2.3/client.json", "https://169.254.169.254/latest"]
)
def test_a_cimd_url_on_a_private_loopback_or_link_local_address_is_not_fetched(client, client_id):
    _, challenge = pkce()
    response = client.http.get(authorize_url(client_id, challenge)[len(PUBLIC_URL) :])
    assert (response.status_code, error_of(response)) == (400, "invalid_client")
    assert "private, loopback or link-local" in json.loads(response.body)["error_description"]


def test_a_body_over_the_form_limit_is_refused_before_it_is_parsed(client):
    response = client.http.post(
        "/consent", headers={"content-type": "application/x-www-form-urlencoded"}, body="a=" + "b" * 70_000
    )
    assert (response.status_code, error_of(response)) == (413, "invalid_request")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("POST", "/consent", ""), ("GET", "/callback", ""), ("GET", "/consent", ""), ("POST", "/register", "[]")],
)
def test_requests_missing_everything_get_a_4xx(client, method, path, body):
    response = getattr(client.http, method.lower())(path, headers={"content-type": "application/json"}, body=body)
    assert 400 <= response.status_code < 500


def test_a_cimd_document_with_a_javascript_redirect_uri_is_refused(environment):
    document = {"client_id": CIMD_URL, "redirect_uris": ["javascript:alert(1)"]}
    reply = cimd_server(environment, document).handle("/authorize", authorize_request(CIMD_URL))
    assert (reply.status, json.loads(reply.body)["error"]) == (400, "invalid_client")


def test_a_token_request_for_another_resource_is_refused(client):
    client_id, code, verifier = code_for(client)
    response = exchange(client, client_id, code, verifier, resource="https://other.example/mcp")
    assert (response.status_code, error_of(response)) == (400, "invalid_target")


ROUTES = [
    ("GET", "/authorize"),
    ("POST", "/authorize"),
    ("GET", "/consent"),
    ("POST", "/consent"),
    ("GET", "/callback"),
    ("POST", "/token"),
    ("POST", "/register"),
    ("POST", "/revoke"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_any_query_or_body_on_any_route_gets_no_5xx(app, method, path):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    names = st.sampled_from(
        ["client_id", "redirect_uri", "code", "state", "request", "csrf_token", "grant_type", "code_verifier", "x"]
    )
    values = st.one_of(st.text(max_size=40), st.sampled_from(["authorization_code", "refresh_token", "https://a.b/c"]))
    forms = st.dictionaries(names, values, max_size=5)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(form=forms, raw=st.binary(max_size=64), as_json=st.booleans())
    def never_a_server_error(form, raw, as_json):
        import urllib.parse

        query = urllib.parse.urlencode(form)
        with Client(app) as test_client:
            if method == "GET":
                response = test_client.http.get(f"{path}?{query}")
            else:
                body = json.dumps(form) if as_json else (query or raw.decode("latin-1"))
                content_type = "application/json" if as_json else "application/x-www-form-urlencoded"
                response = test_client.http.post(path, headers={"content-type": content_type}, body=body)
        assert response.status_code < 500, (method, path, form, response.body[:300])

    never_a_server_error()
