"""A container whose SDK task group has ended serves again: the bridge starts a new session manager first."""

from __future__ import annotations

import json
import logging

from mcp.server import MCPServer

from chalice_mcp.bridge import HttpRequest, StatelessMCPBridge
from chalice_mcp.endpoint import build_bridge
from chalice_mcp.settings import Settings
from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_request, request_body


class EscapesEveryHandler(BaseException):
    """Not an `Exception`: nothing in the SDK catches it, so it ends the session manager's task group."""


def recovery_bridge() -> StatelessMCPBridge:
    server = MCPServer("recovery-test")

    @server.tool()
    async def end_the_task_group() -> str:
        raise EscapesEveryHandler

    @server.tool()
    async def answer() -> str:
        return "answered"

    return build_bridge(server, Settings.from_environment({}))


def call_tool(bridge: StatelessMCPBridge, name: str, *, modern: bool) -> tuple[int, dict]:
    if modern:
        body, headers = (
            modern_request("tools/call", {"name": name, "arguments": {}}),
            modern_headers("tools/call", name),
        )
    else:
        body, headers = request_body("tools/call", {"name": name, "arguments": {}}), handshake_headers()
    lowered = {header.lower(): value for header, value in headers.items()}
    reply = bridge.handle(HttpRequest("POST", "/mcp", lowered, encode(body).encode()))
    return reply.status, json.loads(reply.body)


def test_after_the_sdk_task_group_ends_both_eras_answer_200_again(caplog):
    # Before the fix every later request got 500 "Task group is not initialized" until the container was recycled.
    bridge = recovery_bridge()
    try:
        assert call_tool(bridge, "answer", modern=False)[0] == 200
        with caplog.at_level(logging.WARNING, logger="chalice_mcp.bridge.stateless_mcp"):
            status, _ = call_tool(bridge, "end_the_task_group", modern=False)
            assert status == 500
            for modern in (False, True, False, True):
                status, message = call_tool(bridge, "answer", modern=modern)
                assert status == 200, message
                assert message["result"]["structuredContent"] == {"result": "answered"}
        messages = [record.getMessage() for record in caplog.records]
        assert messages.count("the MCP SDK's session manager had stopped; starting a new one") == 1
        assert "the MCP SDK's session manager ended with BaseExceptionGroup" in messages
        assert not any("failed to answer" in message for message in messages)
    finally:
        bridge.close()


def test_a_bridge_whose_task_group_ended_still_closes_cleanly():
    bridge = recovery_bridge()
    assert call_tool(bridge, "end_the_task_group", modern=False)[0] == 500
    bridge.close()
