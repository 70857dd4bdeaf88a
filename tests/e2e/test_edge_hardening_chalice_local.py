"""The edge's answers to what a browser or a careless client sends, over real HTTP from a real `chalice local`:
CORS on every route, the X-Api-Key preflight, refused tool arguments and absurd durations in the domain's words."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.support.chalice_local import PROJECT_ROOT, RunningServer, start_chalice_local, stop
from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_request, request_body

pytestmark = pytest.mark.e2e

ALLOWED_ORIGIN = "http://localhost:6274"
COOPER = "estimate-vo2-max-cooper"


def raw_request(server: RunningServer, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    parts = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def preflight_headers(method: str) -> dict[str, str]:
    return {
        "Origin": ALLOWED_ORIGIN,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "mcp-protocol-version,x-api-key",
    }


@pytest.mark.parametrize("path", ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"])
def test_the_authless_metadata_404_reaches_a_browser_page_as_a_404(local_server, path):
    status, headers, _ = raw_request(local_server, "GET", path, headers={"Origin": ALLOWED_ORIGIN})
    assert status == 404
    assert headers["access-control-allow-origin"] == ALLOWED_ORIGIN


@pytest.mark.parametrize(
    "path", ["/", "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]
)
def test_the_document_routes_answer_a_browser_preflight(local_server, path):
    status, headers, _ = raw_request(local_server, "OPTIONS", path, headers=preflight_headers("GET"))
    assert status == 204
    assert headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "mcp-protocol-version" in headers["access-control-allow-headers"].lower()


def test_without_api_keys_the_mcp_preflight_does_not_offer_x_api_key(local_server):
    status, headers, _ = raw_request(local_server, "OPTIONS", "/mcp", headers=preflight_headers("POST"))
    assert status == 204
    assert "x-api-key" not in headers["access-control-allow-headers"].lower()


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    # `.chalice/config.json` does not pin MCP_API_KEY_REQUIRED, so the shell's value reaches the app.
    log_path = tmp_path_factory.mktemp("keyed") / "chalice-local.log"
    server = start_chalice_local(PROJECT_ROOT, log_path, {"MCP_API_KEY_REQUIRED": "true"})
    try:
        yield server
    finally:
        stop(server)


def test_with_api_keys_required_the_mcp_preflight_lets_a_browser_send_x_api_key(keyed_server):
    status, headers, _ = raw_request(keyed_server, "OPTIONS", "/mcp", headers=preflight_headers("POST"))
    assert status == 204
    assert headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-api-key" in headers["access-control-allow-headers"].lower()


def call_tool(server: RunningServer, tool: str, arguments_json: str, *, modern: bool) -> dict:
    params = f'{{"name": {json.dumps(tool)}, "arguments": {arguments_json}}}'
    if modern:
        envelope = json.loads(encode(modern_request("tools/call")))
        body = encode({**envelope, "params": {**json.loads(params), **envelope["params"]}})
        headers = modern_headers("tools/call", tool)
    else:
        body = encode({**request_body("tools/call"), "params": json.loads(params)})
        headers = handshake_headers()
    status, _, reply = raw_request(server, "POST", "/mcp", body.encode(), headers)
    assert status == 200, reply[:2000]
    return json.loads(reply)["result"]


@pytest.mark.parametrize("modern", [False, True], ids=["handshake", "per-request"])
def test_a_refused_argument_reads_like_the_domain_s_own_errors(local_server, modern):
    result = call_tool(local_server, COOPER, '{"distance_m": -5, "age": 25, "sex": "male"}', modern=modern)
    assert result["isError"] is True
    assert result["content"][0]["text"] == "distance_m must be between 700 and 5000 m (got -5)"


@pytest.mark.parametrize("modern", [False, True], ids=["handshake", "per-request"])
def test_a_duration_of_hundreds_of_digits_is_an_input_error_naming_the_field(local_server, modern):
    arguments = json.dumps({"distance_m": 5000, "time_s": "9" * 400 + ":00:00"})
    # The server is shared with other tests: only what this call writes to its log is checked.
    log_before = len(local_server.log())
    result = call_tool(local_server, "calculate-vdot", arguments, modern=modern)
    assert result["isError"] is True
    text = result["content"][0]["text"]
    assert text.startswith("time_s must be seconds as a number") and len(text) < 200
    written = local_server.log()[log_before:]
    assert "calculate-vdot" in written
    assert "Traceback" not in written and '"level":"ERROR"' not in written
