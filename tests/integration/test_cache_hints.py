"""Cache hints (2026-07-28, `ttlMs`/`cacheScope`): the fixed catalogue is public and cacheable, tool results are not."""

from __future__ import annotations

import asyncio
import json

import pytest
from mcp import Client

from chalice_mcp.settings import DEFAULT_CACHE_TTL_SECONDS, Settings, SettingsError
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from tests.support.jsonrpc import encode, modern_headers, modern_request

COOPER = "estimate-vo2-max-cooper"


def fitness_server(**options):
    server = build_fitness_server(**options)
    register_catalogue(server)
    return server


async def hinted_results(server) -> dict[str, tuple[int | None, str | None]]:
    async with Client(server, mode="2026-07-28") as client:
        results = {
            "tools/list": await client.list_tools(),
            "prompts/list": await client.list_prompts(),
            "resources/list": await client.list_resources(),
            "resources/templates/list": await client.list_resource_templates(),
            "resources/read": await client.read_resource("fitness://formulas"),
        }
        call = await client.call_tool(COOPER, {"distance_m": 2700, "age": 25, "sex": "male"})
    hints = {method: (result.ttl_ms, result.cache_scope) for method, result in results.items()}
    wire = call.model_dump(by_alias=True, exclude_none=True)
    hints["tools/call"] = (wire.get("ttlMs"), wire.get("cacheScope"))
    return hints


def test_discovery_lists_and_static_reads_are_public_for_the_configured_ttl():
    hints = asyncio.run(hinted_results(fitness_server(cache_ttl_seconds=120)))
    for method in ("tools/list", "prompts/list", "resources/list", "resources/templates/list"):
        assert hints[method] == (120_000, "public"), method
    assert hints["resources/read"] == (120_000, "public")


def test_a_tool_result_carries_no_cache_hint():
    hints = asyncio.run(hinted_results(fitness_server()))
    assert hints["tools/list"] == (DEFAULT_CACHE_TTL_SECONDS * 1000, "public")
    assert hints["tools/call"] == (None, None)


def test_cache_ttl_is_read_from_the_environment_and_defaults_to_an_hour():
    assert Settings.from_environment({}).cache_ttl_seconds == DEFAULT_CACHE_TTL_SECONDS == 3600
    assert Settings.from_environment({"MCP_CACHE_TTL_SECONDS": "0"}).cache_ttl_seconds == 0
    assert Settings.from_environment({"MCP_CACHE_TTL_SECONDS": " 600 "}).cache_ttl_seconds == 600


@pytest.mark.parametrize("value", ["-1", "soon", "1.5", "86401"])
def test_a_bad_cache_ttl_names_the_variable(value):
    with pytest.raises(SettingsError, match="MCP_CACHE_TTL_SECONDS"):
        Settings.from_environment({"MCP_CACHE_TTL_SECONDS": value})


def test_server_discover_through_the_app_is_public_for_an_hour(http):
    response = http.post(
        "/mcp", body=encode(modern_request("server/discover")), headers=modern_headers("server/discover")
    )
    result = json.loads(response.body)["result"]
    assert (result["ttlMs"], result["cacheScope"]) == (DEFAULT_CACHE_TTL_SECONDS * 1000, "public")
