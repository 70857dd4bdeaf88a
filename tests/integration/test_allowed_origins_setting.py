"""`MCP_ALLOWED_ORIGINS` changes which browser origins the endpoint serves."""

from __future__ import annotations

import json

from mcp.server import MCPServer

from chalicelib.bridge import HttpRequest, StatelessMCPBridge
from chalicelib.service import build_bridge
from chalicelib.settings import Settings
from tests.support.jsonrpc import encode, initialize_body


def bridge_for(environment: dict[str, str]) -> StatelessMCPBridge:
    return build_bridge(MCPServer("origin-test"), Settings.from_environment(environment))


def initialize_from(bridge: StatelessMCPBridge, origin: str) -> int:
    headers = {"content-type": "application/json", "accept": "application/json", "origin": origin}
    return bridge.handle(HttpRequest("POST", "/mcp", headers, encode(initialize_body()).encode())).status


def test_configured_origin_is_served_and_the_local_defaults_no_longer_are():
    bridge = bridge_for({"MCP_ALLOWED_ORIGINS": "https://console.example"})
    assert initialize_from(bridge, "https://console.example") == 200
    assert initialize_from(bridge, "http://localhost:6274") == 403


def test_star_serves_every_origin():
    bridge = bridge_for({"MCP_ALLOWED_ORIGINS": "*"})
    assert initialize_from(bridge, "https://anywhere.example") == 200


def test_refused_origin_body_is_a_jsonrpc_error():
    bridge = bridge_for({})
    headers = {"content-type": "application/json", "accept": "application/json", "origin": "https://evil.example"}
    reply = bridge.handle(HttpRequest("POST", "/mcp", headers, encode(initialize_body()).encode()))
    assert reply.status == 403
    assert json.loads(reply.body)["error"]["message"].startswith("Forbidden")
