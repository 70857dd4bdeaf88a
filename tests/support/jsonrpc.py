"""JSON-RPC request bodies and headers for both protocol eras: the 2025 initialize handshake and the 2026-07-28
per-request envelope."""

from __future__ import annotations

import json
from typing import Any

HANDSHAKE_VERSION = "2025-11-25"
MODERN_VERSION = "2026-07-28"

JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def initialize_body(protocol_version: str = HANDSHAKE_VERSION, request_id: int = 1) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "initialize",
        "params": {
            "protocolVersion": protocol_version,
            "capabilities": {},
            "clientInfo": {"name": "pytest", "version": "1"},
        },
    }


def modern_meta() -> dict[str, Any]:
    return {
        "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "pytest", "version": "1"},
    }


def modern_request(method: str, params: dict[str, Any] | None = None, request_id: int = 1) -> dict[str, Any]:
    """A 2026-07-28 request: the `_meta` envelope inside the params instead of an initialize handshake."""
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": {**(params or {}), "_meta": modern_meta()}}


def modern_headers(method: str, name: str | None = None) -> dict[str, str]:
    headers = {**JSON_HEADERS, "Mcp-Protocol-Version": MODERN_VERSION, "Mcp-Method": method}
    if name is not None:
        headers["Mcp-Name"] = name
    return headers


def handshake_headers(protocol_version: str = HANDSHAKE_VERSION) -> dict[str, str]:
    return {**JSON_HEADERS, "Mcp-Protocol-Version": protocol_version}


def request_body(method: str, params: dict[str, Any] | None = None, request_id: int = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        body["params"] = params
    return body


def encode(body: Any) -> str:
    return json.dumps(body)
