"""Lazy registration: a server's tools, resources and prompts registered at their first need, once per container.

A cold container's first request is usually `initialize` (or `server/discover`), which needs the server's identity
and capabilities but not the tool schemas: building those (pydantic models and JSON Schemas) and importing the code
behind them can be a large share of a cold start. Any server can hand its registration to a `LazyCatalogue`; where
the start is not on a caller's clock — a SnapStart snapshot or provisioned concurrency — the endpoint registers
everything at init instead.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from mcp.server import MCPServer
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from chalice_mcp.bridge.exchange import HttpRequest

# Methods answered from the server's identity and capabilities alone; every other request gets the catalogue first.
ANSWERED_WITHOUT_CATALOGUE = frozenset({"initialize", "ping", "server/discover"})


def catalogue_needed_for(method: str | None) -> bool:
    """Whether answering a JSON-RPC `method` may need the catalogue; unknown or unreadable methods are assumed to."""
    if method is None:
        return True
    return method not in ANSWERED_WITHOUT_CATALOGUE and not method.startswith("notifications/")


def jsonrpc_method(request: HttpRequest) -> str | None:
    """The JSON-RPC method a POST asks for: its `Mcp-Method` header in the 2026-07-28 era, else the body's `method`.

    The SDK routes by `Mcp-Protocol-Version` exactly so: any value but a handshake version is the per-request era,
    where it refuses a `Mcp-Method` that differs from the body. In the handshake era nothing checks the header, so a
    stray one must not decide what is registered.
    """
    protocol_version = request.header("mcp-protocol-version")
    per_request_era = protocol_version is not None and protocol_version not in HANDSHAKE_PROTOCOL_VERSIONS
    if per_request_era and (named := request.header("mcp-method")):
        return named
    try:
        message = json.loads(request.body)
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, or nested past Python's recursion limit: the SDK answers it with an error.
        return None
    method = message.get("method") if isinstance(message, dict) else None
    return method if isinstance(method, str) else None


class LazyCatalogue:
    """Calls `register(server)` exactly once, from any thread, before the first request that may need it."""

    def __init__(self, server: MCPServer, register: Callable[[MCPServer], None]) -> None:
        self.server = server
        self._register = register
        self._lock = threading.Lock()
        self._registered = False

    @property
    def registered(self) -> bool:
        return self._registered

    def ensure_registered(self) -> None:
        if self._registered:
            return
        with self._lock:
            if self._registered:
                return
            self._register(self.server)
            self._registered = True

    def before_sdk(self, request: HttpRequest) -> None:
        """The bridge's hook: register before the SDK answers a request that may need the catalogue."""
        # Once registered, a warm request does not even read its method.
        if not self._registered and catalogue_needed_for(jsonrpc_method(request)):
            self.ensure_registered()
