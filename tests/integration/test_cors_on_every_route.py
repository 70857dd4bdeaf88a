"""Allowed browser origins get the same CORS treatment on every route: /mcp, the OAuth metadata at both paths (its
404 included) and the server card; with API keys required the preflight lets a browser send `X-Api-Key`."""

from __future__ import annotations

import pytest
from mcp.server import MCPServer

from chalice_mcp.bridge import HttpRequest
from chalice_mcp.endpoint import MCPEndpoint, build_bridge
from chalice_mcp.settings import Settings
from chalicelib.service import build_service
from tests.support.oauth_service import oauth_settings

ALLOWED_ORIGIN = "http://localhost:6274"
DOCUMENT_PATHS = ["/", "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]
METADATA_PATHS = DOCUMENT_PATHS[1:]


def preflight(origin: str = ALLOWED_ORIGIN, method: str = "GET") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "mcp-protocol-version",
    }


def allowed_headers(headers: dict[str, str]) -> set[str]:
    return {name.strip().lower() for name in headers["Access-Control-Allow-Headers"].split(",")}


@pytest.mark.parametrize("path", METADATA_PATHS)
def test_the_authless_metadata_404_is_readable_by_an_allowed_origin(http, path):
    # Before: no Access-Control-Allow-Origin, so a browser client saw "Failed to fetch" instead of the 404.
    response = http.get(path, headers={"Origin": ALLOWED_ORIGIN})
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN


@pytest.mark.parametrize("path", DOCUMENT_PATHS)
def test_the_preflight_of_every_document_route_allows_an_allowed_origin_and_the_protocol_header(http, path):
    response = http.request("OPTIONS", path, headers=preflight())
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "mcp-protocol-version" in allowed_headers(response.headers)


@pytest.mark.parametrize("path", DOCUMENT_PATHS)
def test_the_preflight_of_a_document_route_refuses_an_origin_not_allowed(http, path):
    response = http.request("OPTIONS", path, headers=preflight(origin="https://evil.example"))
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_server_card_is_readable_by_an_allowed_origin_and_not_by_another(http):
    allowed = http.get("/", headers={"Origin": ALLOWED_ORIGIN})
    assert allowed.status_code == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    other = http.get("/", headers={"Origin": "https://evil.example"})
    assert other.status_code == 200
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.fixture(scope="module")
def oauth_service() -> MCPEndpoint:
    return build_service(oauth_settings())


@pytest.mark.parametrize("path", METADATA_PATHS)
def test_with_oauth_the_metadata_preflight_allows_an_allowed_origin(oauth_service, path):
    # Before: the metadata routes took GET only, and the TypeScript SDK's preflight got no allow-origin.
    headers = {name.lower(): value for name, value in preflight().items()}
    reply = oauth_service.protected_resource_metadata(HttpRequest("OPTIONS", path, headers))
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "mcp-protocol-version" in allowed_headers(reply.headers)


@pytest.mark.parametrize("path", METADATA_PATHS)
def test_with_oauth_the_metadata_stays_readable_by_any_origin(oauth_service, path):
    reply = oauth_service.protected_resource_metadata(HttpRequest("GET", path, {"origin": "https://other.example"}))
    assert reply.status == 200
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def mcp_preflight_allowed_headers(environment: dict[str, str]) -> set[str]:
    bridge = build_bridge(MCPServer("cors-test"), Settings.from_environment(environment))
    headers = {name.lower(): value for name, value in preflight(method="POST").items()}
    reply = bridge.handle(HttpRequest("OPTIONS", "/mcp", headers))
    assert reply.status == 204
    return allowed_headers(reply.headers)


def test_with_api_keys_required_the_mcp_preflight_allows_the_key_header():
    # Before: X-Api-Key was not in Access-Control-Allow-Headers, so a browser could never send its key.
    assert "x-api-key" in mcp_preflight_allowed_headers({"MCP_API_KEY_REQUIRED": "true"})


def test_without_api_keys_the_mcp_preflight_does_not_offer_the_key_header():
    assert "x-api-key" not in mcp_preflight_allowed_headers({})


def test_the_page_an_allowed_origin_reads_still_varies_on_accept(http):
    # The page and the JSON card share `/`: a cache must key on Accept as well as Origin (CORS replaced the Vary).
    headers = {"Origin": ALLOWED_ORIGIN, "Accept": "text/html", "Host": "abc.execute-api.eu-west-1.amazonaws.com"}
    response = http.get("/", headers=headers)
    assert response.status_code == 200
    assert {name.strip() for name in response.headers["Vary"].split(",")} == {"Accept", "Origin"}
