"""What a client shows of the server before any tool: its name, title, icon, website and instructions, in both
protocol eras (the 2025 `initialize` and the 2026-07-28 `server/discover`), and each tool's family icon."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest
from mcp import Client

from chalice_mcp.settings import Settings
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.mcp_server.icons import FAMILY_ICONS, SERVER_ICONS
from chalicelib.mcp_server.server import INSTRUCTIONS
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE
from chalicelib.service import build_service

PUBLIC_URL = "https://fitness.example.com/api"


def connect_and_list(mode: str) -> tuple[Any, str | None, str, list[Any]]:
    server = build_fitness_server(website_url=PUBLIC_URL)
    register_catalogue(server)

    async def run() -> tuple[Any, str | None, str, list[Any]]:
        async with Client(server, mode=mode) as client:
            listed = await client.list_tools()
            return client.server_info, client.instructions, client.protocol_version, listed.tools

    return asyncio.run(run())


@pytest.mark.parametrize(("mode", "version"), [("legacy", "2025-11-25"), ("auto", "2026-07-28")])
def test_initialize_and_discover_carry_the_title_icon_website_and_instructions(mode, version):
    server_info, instructions, protocol_version, _ = connect_and_list(mode)
    assert protocol_version == version
    assert server_info.name == "fitness-calculators"
    assert server_info.title == "Fitness calculators"
    assert server_info.icons == SERVER_ICONS
    assert server_info.website_url == PUBLIC_URL
    assert instructions == INSTRUCTIONS


@pytest.mark.parametrize("mode", ["legacy", "auto"])
def test_each_listed_tool_carries_its_family_icon(mode):
    *_, tools = connect_and_list(mode)
    assert len(tools) == len(TOOL_CATALOGUE) == 19
    for tool, entry in zip(tools, TOOL_CATALOGUE, strict=True):
        assert tool.icons == FAMILY_ICONS[entry.family], tool.name


def test_without_a_public_url_the_server_names_no_website():
    assert build_fitness_server().website_url is None


def test_the_service_names_its_public_url_as_the_website(monkeypatch):
    monkeypatch.setenv("MCP_AUTH", "none")
    monkeypatch.setenv("MCP_PUBLIC_URL", PUBLIC_URL)
    service = build_service(Settings.from_environment(), log_stream=io.StringIO(), metrics_stream=io.StringIO())
    assert service.server.website_url == PUBLIC_URL
