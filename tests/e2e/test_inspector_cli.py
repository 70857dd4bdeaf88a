"""The MCP Inspector CLI (`--cli --transport http`) against a real `chalice local`."""

from __future__ import annotations

import json
import subprocess

import pytest

pytestmark = pytest.mark.e2e

INSPECTOR_TIMEOUT_SECONDS = 90


def inspector(node_tools, url: str, *arguments: str) -> dict:
    return json.loads(run_inspector(node_tools, url, *arguments).stdout)


def run_inspector(node_tools, url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [str(node_tools / "inspector"), "--cli", url, "--transport", "http", *arguments],
        capture_output=True,
        text=True,
        timeout=INSPECTOR_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return completed


def test_inspector_lists_the_cooper_tool(node_tools, local_server):
    listed = inspector(node_tools, local_server.mcp_url, "--method", "tools/list")
    assert "estimate-vo2-max-cooper" in [tool["name"] for tool in listed["tools"]]


def test_inspector_calls_the_cooper_tool(node_tools, local_server):
    result = inspector(
        node_tools,
        local_server.mcp_url,
        "--method",
        "tools/call",
        "--tool-name",
        "estimate-vo2-max-cooper",
        "--tool-arg",
        "distance_m=2700",
        "--tool-arg",
        "age=25",
        "--tool-arg",
        "sex=male",
    )
    assert result["isError"] is False
    assert result["structuredContent"]["vo2_max"] == pytest.approx(49.1, abs=0.05)


def test_inspector_lists_all_tools_resources_and_prompts(node_tools, local_server):
    from chalicelib.mcp_server.tool_catalogue import TOOL_NAMES

    tools = inspector(node_tools, local_server.mcp_url, "--method", "tools/list")
    assert len(TOOL_NAMES) == 19
    assert {tool["name"] for tool in tools["tools"]} == set(TOOL_NAMES)
    resources = inspector(node_tools, local_server.mcp_url, "--method", "resources/list")
    uris = {resource["uri"] for resource in resources["resources"]}
    assert {"fitness://formulas", "fitness://activities"} <= uris
    assert {f"fitness://formulas/{name}" for name in TOOL_NAMES} <= uris
    prompts = inspector(node_tools, local_server.mcp_url, "--method", "prompts/list")
    assert {prompt["name"] for prompt in prompts["prompts"]} == {"fitness-assessment", "race-plan"}


def test_inspector_shows_the_server_title_icon_and_instructions(node_tools, local_server):
    from chalicelib.mcp_server.icons import SERVER_ICONS
    from chalicelib.mcp_server.server import INSTRUCTIONS

    shown = inspector(node_tools, local_server.mcp_url, "--method", "initialize")
    assert shown["serverInfo"]["title"] == "Fitness calculators"
    assert shown["serverInfo"]["icons"] == [SERVER_ICONS[0].model_dump(by_alias=True, exclude_none=True)]
    assert shown["instructions"] == INSTRUCTIONS


def test_inspector_lists_each_tool_with_its_family_icon_and_finds_nothing_unportable(node_tools, local_server):
    from chalicelib.mcp_server.icons import FAMILY_ICONS
    from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE

    completed = run_inspector(node_tools, local_server.mcp_url, "--method", "tools/list")
    tools = {tool["name"]: tool for tool in json.loads(completed.stdout)["tools"]}
    assert len(tools) == len(TOOL_CATALOGUE) == 19
    for entry in TOOL_CATALOGUE:
        icon = FAMILY_ICONS[entry.family][0]
        assert tools[entry.name]["icons"] == [icon.model_dump(by_alias=True, exclude_none=True)], entry.name
    # The Inspector lints every listed schema for portability and reports findings on stderr.
    assert "Schema portability" not in completed.stderr
