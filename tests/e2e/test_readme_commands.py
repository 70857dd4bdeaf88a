"""The client commands the README shows, run as written (URL and port aside) against a real `chalice local`."""

from __future__ import annotations

import json
import os
import re
import selectors
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.support.processes import stop_process_group

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
README_URL = "http://127.0.0.1:8000/mcp"
COMMAND_TIMEOUT_SECONDS = 90
COOPER_RESULT = {"vo2_max": 48, "rating": "Excellent"}


def fenced_blocks(language: str) -> list[str]:
    """The README's fenced code blocks in `language`, continuation lines joined."""
    blocks = re.findall(rf"```{language}\n(.*?)```", README.read_text(), flags=re.DOTALL)
    return [re.sub(r"\\\n\s*", " ", block) for block in blocks]


def readme_commands(program: str) -> list[list[str]]:
    """Every command line of the README's bash blocks that starts with `program`, split as a shell would."""
    lines = [line.strip() for block in fenced_blocks("bash") for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line.startswith(program)]


def installed_version(node_tools: Path, package: str) -> str:
    manifest = node_tools.parent / package / "package.json"
    return json.loads(manifest.read_text())["version"]


def with_url(arguments: list[str], url: str) -> list[str]:
    assert README_URL in arguments, arguments
    return [url if argument == README_URL else argument for argument in arguments]


def test_the_readme_pins_the_inspector_that_the_tests_install(node_tools):
    commands = readme_commands("npx @modelcontextprotocol/inspector")
    assert len(commands) == 2
    pinned = {command[1] for command in commands}
    assert pinned == {
        f"@modelcontextprotocol/inspector@{installed_version(node_tools, '@modelcontextprotocol/inspector')}"
    }


def test_the_readme_inspector_cli_commands_list_and_call_the_cooper_tool(node_tools, local_server):
    answers = []
    for command in readme_commands("npx @modelcontextprotocol/inspector"):
        completed = subprocess.run(
            [str(node_tools / "inspector"), *with_url(command[2:], local_server.mcp_url)],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr + completed.stdout
        answers.append(json.loads(completed.stdout))
    listed, called = answers
    assert "estimate-vo2-max-cooper" in [tool["name"] for tool in listed["tools"]]
    assert called["structuredContent"].items() >= COOPER_RESULT.items()


def test_the_readme_curl_command_calls_the_cooper_tool(local_server):
    (command,) = readme_commands("curl")
    completed = subprocess.run(
        with_url(command, local_server.mcp_url), capture_output=True, text=True, timeout=30, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["result"]["structuredContent"].items() >= COOPER_RESULT.items()


def test_the_readme_python_snippet_prints_the_cooper_result(local_server):
    (snippet,) = [block for block in fenced_blocks("python") if "from mcp import Client" in block]
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(snippet).replace(README_URL, local_server.mcp_url)],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "'vo2_max': 48" in completed.stdout


def test_the_readme_claude_desktop_config_reaches_the_server_through_mcp_remote(node_tools, local_server, tmp_path):
    (config_text,) = [block for block in fenced_blocks("json") if "mcpServers" in block]
    (server,) = json.loads(config_text)["mcpServers"].values()
    assert server["command"] == "npx"
    package, *arguments = server["args"]
    assert package == f"mcp-remote@{installed_version(node_tools, 'mcp-remote')}"
    bridge = subprocess.Popen(
        [str(node_tools / "mcp-remote"), *with_url(arguments, local_server.mcp_url)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={**os.environ, "MCP_REMOTE_CONFIG_DIR": str(tmp_path / "mcp-auth")},
        start_new_session=True,
    )
    try:
        initialized = stdio_exchange(
            bridge,
            1,
            "initialize",
            {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "claude-desktop-stand-in", "version": "1"},
            },
        )
        assert initialized["result"]["serverInfo"]["name"] == "fitness-calculators"
        send(bridge, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        called = stdio_exchange(
            bridge,
            2,
            "tools/call",
            {
                "name": "estimate-vo2-max-cooper",
                "arguments": {"distance_m": 2650, "age": 34, "sex": "female"},
            },
        )
        assert called["result"]["structuredContent"].items() >= COOPER_RESULT.items()
    finally:
        stop_process_group(bridge)


def send(process: subprocess.Popen[bytes], message: dict) -> None:
    assert process.stdin is not None
    process.stdin.write((json.dumps(message) + "\n").encode())
    process.stdin.flush()


def stdio_exchange(process: subprocess.Popen[bytes], request_id: int, method: str, params: dict) -> dict:
    """Send one request over stdio and read lines (bounded) until its answer."""
    send(process, {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    assert process.stdout is not None
    deadline = time.monotonic() + COMMAND_TIMEOUT_SECONDS
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0 and selector.select(remaining):
            line = process.stdout.readline()
            if not line:
                break
            message = json.loads(line)
            if message.get("id") == request_id:
                return message
    raise AssertionError(f"no answer to {method} from mcp-remote")
