"""`GET /`: a page for people when Accept prefers HTML, the JSON card otherwise; the page escapes what it shows."""

from __future__ import annotations

import json

import pytest

from chalicelib.bridge import HttpRequest
from chalicelib.mcp_server.home_page import ToolSummary, render_home_page
from chalicelib.service import FitnessService, build_service
from chalicelib.settings import Settings

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
COOPER = "estimate-vo2-max-cooper"


@pytest.mark.parametrize("accept", [None, "application/json", "*/*", "application/json, text/html;q=0.9"])
def test_api_clients_get_the_json_card(http, accept):
    response = http.get("/", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Vary"] == "Accept"
    assert COOPER in json.loads(response.body)["tools"]


def test_a_browser_gets_the_page_with_the_url_built_from_the_request(http):
    response = http.get("/", headers={"Accept": BROWSER_ACCEPT, "Host": "abc.execute-api.eu-west-1.amazonaws.com"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["Vary"] == "Accept"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    page = response.body.decode()
    assert '<code id="endpoint-url">http://abc.execute-api.eu-west-1.amazonaws.com/mcp</code>' in page
    assert f"<code>{COOPER}</code>" in page
    tools = json.loads(http.get("/").body)["tools"]
    assert tools, "the card lists no tools"
    assert page.count('<tr><th scope="row">') == len(tools)
    # Self-contained: no script, and nothing loaded from elsewhere.
    assert "<script" not in page and "src=" not in page and "<link" not in page


def test_a_host_that_cannot_be_part_of_a_url_is_refused(http):
    response = http.get("/", headers={"Accept": BROWSER_ACCEPT, "Host": "evil.example/<b>"})
    assert response.status_code == 400
    assert "<b>" not in response.body.decode()


def service_with(environment: dict[str, str]) -> FitnessService:
    return build_service(Settings.from_environment(environment))


def test_the_page_uses_mcp_public_url_and_explains_oauth_and_api_keys():
    service = service_with(
        {
            "MCP_PUBLIC_URL": "https://fitness.example.com/",
            "MCP_AUTH": "oauth",
            "MCP_OAUTH_ISSUER": "https://issuer.example.com",
            "MCP_SUBJECT_HASH_KEY": "a-test-only-key-of-at-least-32-characters",
            "MCP_API_KEY_REQUIRED": "true",
        }
    )
    request = HttpRequest("GET", "/", {"accept": BROWSER_ACCEPT, "host": "internal.example"})
    page = service.front_page(request).body.decode()
    assert '<code id="endpoint-url">https://fitness.example.com/mcp</code>' in page
    assert "internal.example" not in page
    assert '<strong id="auth-mode">OAuth 2.1 and an API key.</strong>' in page
    assert "x-api-key" in page


@pytest.mark.parametrize(
    ("auth_mode", "api_key_required", "shown", "hint"),
    [
        ("none", False, "No sign-in", "leave the OAuth fields empty"),
        ("none", True, "API key", "x-api-key"),
        ("oauth", False, "OAuth 2.1", "sign you in"),
    ],
)
def test_the_page_says_what_each_auth_mode_means_for_connecting(auth_mode, api_key_required, shown, hint):
    page = render_home_page(
        title="t",
        version="1",
        endpoint_url="https://x.example/mcp",
        auth_mode=auth_mode,
        api_key_required=api_key_required,
        tools=[],
    )
    assert f'<strong id="auth-mode">{shown}.</strong>' in page
    assert hint in page
    assert ("x-api-key" in page) is api_key_required


def test_every_shown_text_is_escaped():
    hostile = '<img src=x onerror="alert(1)">&'
    page = render_home_page(
        title=hostile,
        version=hostile,
        endpoint_url="https://x.example/mcp?<script>",
        auth_mode=hostile,
        api_key_required=False,
        tools=[ToolSummary(name=hostile, title=hostile, description=hostile, citations=(hostile,))],
    )
    assert "<img" not in page and "<script>" not in page
    assert page.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;") >= 6
