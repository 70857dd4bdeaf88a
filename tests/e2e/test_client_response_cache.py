"""Cache hints (2026-07-28) seen by the SDK's own `mcp.Client` through a real `chalice local`."""

from __future__ import annotations

import asyncio
import json

import pytest
from mcp import Client

from chalicelib.settings import DEFAULT_CACHE_TTL_SECONDS

pytestmark = pytest.mark.e2e

COOPER = "estimate-vo2-max-cooper"


def requests_logged(server, method: str) -> int:
    """How many `method` requests reached the server, counted from its request log lines."""
    count = 0
    for line in server.log().splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("message") == "mcp request" and entry.get("jsonrpc_method") == method:
            count += 1
    return count


async def list_tools_twice_and_call_twice(url: str) -> tuple[int, list[str], list[str]]:
    async with Client(url, mode="2026-07-28", read_timeout_seconds=30) as client:
        first = await client.list_tools()
        second = await client.list_tools()
        arguments = {"distance_m": 2700, "age": 25, "sex": "male"}
        calls = [await client.call_tool(COOPER, arguments) for _ in range(2)]
        assert [tool.name for tool in second.tools] == [tool.name for tool in first.tools]
        return first.ttl_ms, [tool.name for tool in first.tools], [str(call.structured_content) for call in calls]


def test_a_second_tools_list_within_the_ttl_is_served_from_the_client_cache(local_server):
    lists_before = requests_logged(local_server, "tools/list")
    calls_before = requests_logged(local_server, "tools/call")
    ttl_ms, names, _ = asyncio.run(list_tools_twice_and_call_twice(local_server.mcp_url))
    assert COOPER in names
    assert ttl_ms == DEFAULT_CACHE_TTL_SECONDS * 1000
    assert requests_logged(local_server, "tools/list") == lists_before + 1
    # Tool results carry no hint: both calls reach the server.
    assert requests_logged(local_server, "tools/call") == calls_before + 2
