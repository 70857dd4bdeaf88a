"""The small JSON card served at `GET /`: who this server is and what it speaks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mcp.server import MCPServer
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS, MODERN_PROTOCOL_VERSIONS

from chalice_mcp.settings import ENDPOINT_PATH

# 2024-11-05 predates Streamable HTTP, the only transport this server has.
_STREAMABLE_HTTP_VERSIONS = (
    tuple(v for v in HANDSHAKE_PROTOCOL_VERSIONS if v >= "2025-03-26") + MODERN_PROTOCOL_VERSIONS
)


def server_card(
    server: MCPServer, tool_names: Iterable[str], auth_mode: str, endpoint_path: str = ENDPOINT_PATH
) -> dict[str, Any]:
    """Name, version, protocol versions, tool names and auth mode: enough to tell a client where and how to connect."""
    return {
        "name": server.name,
        "title": server.title,
        "version": server.version,
        "endpoint": endpoint_path,
        "transport": "streamable-http (stateless, JSON responses)",
        "protocol_versions": list(_STREAMABLE_HTTP_VERSIONS),
        "tools": list(tool_names),
        "auth": auth_mode,
    }
