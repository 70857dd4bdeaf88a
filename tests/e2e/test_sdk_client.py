"""The SDK's own `mcp.Client` against a real `chalice local`, in each of its connection modes."""

from __future__ import annotations

import asyncio
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from mcp import Client

pytestmark = pytest.mark.e2e

COOPER = "estimate-vo2-max-cooper"


async def list_and_call(url: str, mode: str) -> tuple[list[str], dict, str]:
    async with Client(url, mode=mode, read_timeout_seconds=30) as client:
        tools = await client.list_tools()
        result = await client.call_tool(COOPER, {"distance_m": 2700, "age": 25, "sex": "male"})
        assert not result.is_error, result.content
        return [tool.name for tool in tools.tools], result.structured_content, client.protocol_version


@pytest.mark.parametrize(
    ("mode", "expected_version"), [("legacy", "2025-11-25"), ("auto", "2026-07-28"), ("2026-07-28", "2026-07-28")]
)
def test_sdk_client_lists_tools_and_calls_cooper_in_every_mode(local_server, mode, expected_version):
    names, structured, protocol_version = asyncio.run(list_and_call(local_server.mcp_url, mode))
    assert COOPER in names
    assert structured["vo2_max"] == pytest.approx(49.1, abs=0.05)
    assert protocol_version == expected_version


async def identity(url: str, mode: str) -> tuple[Any, str | None, str, list[Any]]:
    async with Client(url, mode=mode, read_timeout_seconds=30) as client:
        listed = await client.list_tools()
        return client.server_info, client.instructions, client.protocol_version, listed.tools


# "auto" asks `server/discover` (2026-07-28); "legacy" the `initialize` handshake.
@pytest.mark.parametrize(("mode", "version"), [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
def test_sdk_client_sees_the_server_identity_and_tool_icons_in_both_eras(local_server, mode, version):
    from chalicelib.mcp_server.icons import FAMILY_ICONS, SERVER_ICONS
    from chalicelib.mcp_server.server import INSTRUCTIONS
    from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE

    server_info, instructions, protocol_version, tools = asyncio.run(identity(local_server.mcp_url, mode))
    assert protocol_version == version
    assert (server_info.name, server_info.title) == ("fitness-calculators", "Fitness calculators")
    assert server_info.icons == SERVER_ICONS
    assert instructions == INSTRUCTIONS
    assert [tool.icons for tool in tools] == [FAMILY_ICONS[entry.family] for entry in TOOL_CATALOGUE]
    assert len(tools) == 19


def raw_request(url: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def test_replies_over_real_http_carry_one_content_type_and_one_content_length(local_server):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json", "Mcp-Protocol-Version": "2025-11-25"}
    for method, payload in (("POST", body), ("POST", b"{"), ("GET", None), ("DELETE", None)):
        status, header_list, _ = raw_request(local_server.base_url, method, "/mcp", payload, headers)
        names = [name.lower() for name, _ in header_list]
        assert names.count("content-type") == 1, (method, status, header_list)
        assert names.count("content-length") == 1, (method, status, header_list)


def test_get_over_real_http_is_405_at_once_not_an_open_stream(local_server):
    status, header_list, _ = raw_request(local_server.base_url, "GET", "/mcp", headers={"Accept": "text/event-stream"})
    assert status == 405
    assert dict((k.lower(), v) for k, v in header_list)["allow"] == "POST"


def test_trailing_slash_over_real_http_behaves_like_mcp(local_server):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json", "Mcp-Protocol-Version": "2025-11-25"}
    status, _, reply = raw_request(local_server.base_url, "POST", "/mcp/", body, headers)
    assert status == 200
    assert COOPER in [tool["name"] for tool in json.loads(reply)["result"]["tools"]]


def test_cors_preflight_over_real_http_allows_the_mcp_headers(local_server):
    status, header_list, _ = raw_request(
        local_server.base_url,
        "OPTIONS",
        "/mcp",
        headers={
            "Origin": "http://localhost:6274",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization,mcp-protocol-version,mcp-method,mcp-name",
        },
    )
    headers = {k.lower(): v for k, v in header_list}
    assert status in (200, 204)
    assert headers["access-control-allow-origin"] == "http://localhost:6274"
    allowed = {h.strip().lower() for h in headers["access-control-allow-headers"].split(",")}
    assert {
        "content-type",
        "authorization",
        "mcp-protocol-version",
        "mcp-method",
        "mcp-name",
        "last-event-id",
    } <= allowed


async def call_every_tool(url: str) -> dict[str, object]:
    from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE

    results = {}
    async with Client(url, mode="auto", read_timeout_seconds=30) as client:
        for tool in TOOL_CATALOGUE:
            results[tool.name] = await client.call_tool(tool.name, dict(tool.example.arguments))
    return results


def test_every_tool_answers_once_through_chalice_local(local_server):
    from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE

    results = asyncio.run(call_every_tool(local_server.mcp_url))
    assert len(results) == 19
    assert set(results) == {tool.name for tool in TOOL_CATALOGUE}
    for tool in TOOL_CATALOGUE:
        result = results[tool.name]
        assert not result.is_error, (tool.name, result.content)
        assert tool.example.result_fields <= set(result.structured_content), tool.name
