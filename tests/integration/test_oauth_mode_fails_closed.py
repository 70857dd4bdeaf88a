"""Until OAuth is built, a stage that asks for it serves nothing rather than serving without authentication."""

from __future__ import annotations

import json

from chalicelib.bridge import HttpRequest
from chalicelib.service import FitnessService
from tests.conftest import encode, initialize_body


def test_oauth_mode_refuses_every_request(monkeypatch):
    monkeypatch.setenv("MCP_AUTH", "oauth")
    service = FitnessService.from_environment()
    headers = {"content-type": "application/json", "accept": "application/json"}
    reply = service.bridge.handle(HttpRequest("POST", "/mcp", headers, encode(initialize_body()).encode()))
    assert reply.status == 503
    assert json.loads(reply.body)["error"]["code"] == -32603
