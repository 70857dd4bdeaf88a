"""The bridge under `chalice local`'s threading, and a request that outlives its time limit."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

from mcp.server import MCPServer

from chalicelib.bridge import HttpRequest, StatelessMCPBridge
from chalicelib.bridge.edge import EdgeRules, OriginPolicy
from tests.support.jsonrpc import encode, request_body

HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}


def bridge_with_tools(timeout_seconds: float = 25.0) -> StatelessMCPBridge:
    server = MCPServer("bridge-test")

    @server.tool(name="echo")
    async def echo(value: int) -> int:
        await asyncio.sleep(0.01)
        return value

    @server.tool(name="slow")
    async def slow() -> str:
        await asyncio.sleep(5)
        return "too late"

    return StatelessMCPBridge(server, EdgeRules(OriginPolicy([]), 1 << 20), request_timeout_seconds=timeout_seconds)


def call(bridge: StatelessMCPBridge, name: str, arguments: dict) -> tuple[int, dict]:
    body = encode(request_body("tools/call", {"name": name, "arguments": arguments})).encode()
    reply = bridge.handle(HttpRequest("POST", "/mcp", HEADERS, body))
    return reply.status, json.loads(reply.body)


def test_requests_from_many_threads_each_get_their_own_answer():
    bridge = bridge_with_tools()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda value: call(bridge, "echo", {"value": value}), range(40)))
    for value, (status, body) in enumerate(answers):
        assert status == 200
        assert body["result"]["structuredContent"] == {"result": value}


def test_a_request_past_its_time_limit_gets_a_jsonrpc_error_and_the_next_one_is_served():
    bridge = bridge_with_tools(timeout_seconds=0.2)
    status, body = call(bridge, "slow", {})
    assert status == 504
    assert body["error"]["code"] == -32603
    status, body = call(bridge, "echo", {"value": 7})
    assert status == 200
    assert body["result"]["structuredContent"] == {"result": 7}
