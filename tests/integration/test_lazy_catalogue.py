"""The catalogue is registered at its first need: `initialize` and `server/discover` answer exactly as a fully built
server does, and any request that may touch a tool, resource or prompt finds them all, once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalice_mcp.bridge import HttpRequest
from chalice_mcp.endpoint import MCPEndpoint
from chalice_mcp.lazy_catalogue import catalogue_needed_for, jsonrpc_method
from chalice_mcp.settings import Settings
from chalicelib.mcp_server.tool_catalogue import TOOL_NAMES
from chalicelib.service import build_service
from tests.support.jsonrpc import (
    HANDSHAKE_VERSION,
    MODERN_VERSION,
    encode,
    handshake_headers,
    initialize_body,
    modern_headers,
    modern_request,
    request_body,
)


@pytest.fixture
def fresh_service(monkeypatch) -> MCPEndpoint:
    monkeypatch.delenv("AWS_LAMBDA_INITIALIZATION_TYPE", raising=False)
    monkeypatch.setenv("MCP_AUTH", "none")
    # Closed at interpreter exit, as in a container.
    return build_service(Settings.from_environment())


def post(service: MCPEndpoint, body: object, headers: dict[str, str]) -> dict:
    lowered = {name.lower(): value for name, value in headers.items()}
    reply = service.bridge.handle(HttpRequest("POST", "/mcp", lowered, encode(body).encode()))
    assert reply.status == 200, reply.body
    return json.loads(reply.body)


@pytest.mark.parametrize(
    ("method", "needed"),
    [
        ("initialize", False),
        ("server/discover", False),
        ("ping", False),
        ("notifications/initialized", False),
        ("tools/list", True),
        ("tools/call", True),
        ("resources/read", True),
        ("completion/complete", True),
        ("something/new", True),
        (None, True),
    ],
)
def test_which_methods_need_the_catalogue(method, needed):
    assert catalogue_needed_for(method) is needed


def test_the_method_is_read_from_the_mcp_method_header_or_the_body():
    modern = {"mcp-protocol-version": MODERN_VERSION, "mcp-method": "tools/list"}
    assert jsonrpc_method(HttpRequest("POST", "/mcp", modern, b"{}")) == "tools/list"
    assert jsonrpc_method(HttpRequest("POST", "/mcp", {}, b'{"method": "ping"}')) == "ping"
    for body in (b"[" * 100_000, b"\xff\xfe", b"[1]", b'{"method": 3}', b""):
        assert jsonrpc_method(HttpRequest("POST", "/mcp", {}, body)) is None


@pytest.mark.parametrize("protocol_version", [None, HANDSHAKE_VERSION, "2025-03-26"])
def test_a_stray_mcp_method_header_in_the_handshake_era_does_not_outrank_the_body(protocol_version):
    headers = {"mcp-method": "ping"} | ({"mcp-protocol-version": protocol_version} if protocol_version else {})
    body = encode(request_body("tools/call", {"name": "calculate-bmi", "arguments": {}})).encode()
    assert jsonrpc_method(HttpRequest("POST", "/mcp", headers, body)) == "tools/call"


def test_a_fresh_container_answers_a_handshake_tools_call_sent_with_a_stray_mcp_method_header(fresh_service):
    # Before the fix the header's "ping" skipped registration and the call got "Unknown tool".
    headers = {**handshake_headers(), "Mcp-Method": "ping"}
    arguments = {"weight_kg": 70, "height_cm": 175}
    answer = post(fresh_service, request_body("tools/call", {"name": "calculate-bmi", "arguments": arguments}), headers)
    assert answer["result"]["isError"] is False, answer
    assert answer["result"]["structuredContent"]["bmi"] == pytest.approx(22.9, abs=0.05)


def test_initialize_and_discover_answer_as_the_full_server_does_without_the_catalogue(fresh_service):
    lazy_initialize = post(fresh_service, initialize_body(), handshake_headers())
    lazy_discover = post(fresh_service, modern_request("server/discover"), modern_headers("server/discover"))
    assert fresh_service.catalogue.registered is False

    fresh_service.catalogue.ensure_registered()
    assert post(fresh_service, initialize_body(), handshake_headers()) == lazy_initialize
    assert post(fresh_service, modern_request("server/discover"), modern_headers("server/discover")) == lazy_discover
    assert set(lazy_initialize["result"]["capabilities"]) == {"tools", "resources", "prompts", "completions"}


@pytest.mark.parametrize("era", ["handshake", "per-request"])
def test_the_first_tools_list_finds_every_tool(fresh_service, era):
    if era == "handshake":
        answer = post(fresh_service, request_body("tools/list"), handshake_headers())
    else:
        answer = post(fresh_service, modern_request("tools/list"), modern_headers("tools/list"))
    assert sorted(tool["name"] for tool in answer["result"]["tools"]) == sorted(TOOL_NAMES)


def test_concurrent_first_requests_register_the_catalogue_once(fresh_service):
    def list_tools(_: int) -> list[str]:
        answer = post(fresh_service, request_body("tools/list"), handshake_headers())
        return [tool["name"] for tool in answer["result"]["tools"]]

    with ThreadPoolExecutor(max_workers=8) as pool:
        listings = list(pool.map(list_tools, range(16)))
    assert all(sorted(names) == sorted(TOOL_NAMES) for names in listings)


def test_the_card_lists_the_tools_even_before_any_request(fresh_service):
    assert sorted(fresh_service.card()["tools"]) == sorted(TOOL_NAMES)
