"""A real MCP Apps host for the views: Debian's chromium driven by Playwright, a host page that speaks the host side
of the protocol with the official `AppBridge`, and a real `chalice local` behind it for every tools/call."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VIEWS_NODE_MODULES = PROJECT_ROOT / "views" / "node_modules"
HOST_SOURCE = PROJECT_ROOT / "tests" / "e2e" / "view_host" / "host.js"
# Flags that work on these machines; Playwright's own launch gives each browser a new, empty profile.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_GET_CHROMIUM = (
    "the view tests drive Debian's chromium, not found at {path}: install it with "
    "`sudo apt-get update && sudo apt-get install -y chromium` (CI's .ci/run does), or set CHROMIUM to its path. "
    "Never `playwright install`: no browser download site is reachable."
)
HANDSHAKE_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
    "Mcp-Protocol-Version": "2025-11-25",
}


def chromium_path() -> Path | None:
    """The chromium to drive: $CHROMIUM, else Debian's /usr/bin/chromium; None when neither exists."""
    candidate = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    return candidate if candidate.is_file() else None


def bundle_host_script() -> str:
    """host.js with AppBridge bundled in, by the views' own esbuild (`make test` installs views/node_modules)."""
    esbuild = VIEWS_NODE_MODULES / ".bin" / "esbuild"
    if not esbuild.exists() or shutil.which("node") is None:
        raise RuntimeError(f"{esbuild} or node missing: run `make test`, which installs views/node_modules")
    completed = subprocess.run(
        [str(esbuild), str(HOST_SOURCE), "--bundle", "--format=iife", "--target=es2022", "--log-level=warning"],
        env={**os.environ, "NODE_PATH": str(VIEWS_NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout


def host_page(script: str, theme: str) -> str:
    background = "#1b1f24" if theme == "dark" else "#ffffff"
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>view host</title></head>'
        f'<body style="margin: 0; padding: 12px; background: {background}"><script>{script}</script></body></html>'
    )


@dataclass
class McpEndpoint:
    """JSON-RPC over real HTTP to `chalice local`, stateless 2025-11-25 requests; every tools/call is recorded."""

    url: str
    tool_calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        request = urllib.request.Request(self.url, data=body, headers=HANDSHAKE_HEADERS, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def call_tool(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.request("tools/call", {"name": name, "arguments": arguments})
        self.tool_calls.append((name, arguments, result))
        return result

    def view_for(self, tool_name: str) -> str:
        """The HTML a host shows for `tool_name`: its `_meta.ui.resourceUri` from tools/list, read."""
        tools = {tool["name"]: tool for tool in self.request("tools/list", {})["tools"]}
        uri = tools[tool_name]["_meta"]["ui"]["resourceUri"]
        (content,) = self.request("resources/read", {"uri": uri})["contents"]
        return content["text"]
