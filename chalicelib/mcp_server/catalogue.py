"""The catalogue (tools, resources, prompts) registered on the server at its first need, once per container.

A cold container's first request is usually `initialize` (or `server/discover`), which needs the server's identity
and capabilities but not the 19 tool schemas: building those (pydantic models and JSON Schemas) and importing the
domain is ≈45 ms of a cold start. Where the start is not on a caller's clock — a SnapStart snapshot or provisioned
concurrency — the service registers everything at init instead.
"""

from __future__ import annotations

import threading

from mcp.server import MCPServer

# Methods answered from the server's identity and capabilities alone; every other request gets the catalogue first.
ANSWERED_WITHOUT_CATALOGUE = frozenset({"initialize", "ping", "server/discover"})


def catalogue_needed_for(method: str | None) -> bool:
    """Whether answering a JSON-RPC `method` may need the catalogue; unknown or unreadable methods are assumed to."""
    if method is None:
        return True
    return method not in ANSWERED_WITHOUT_CATALOGUE and not method.startswith("notifications/")


class FitnessCatalogue:
    """Registers the catalogue on `server` exactly once, from any thread; a `Container` of the tool names."""

    def __init__(self, server: MCPServer) -> None:
        self.server = server
        self._lock = threading.Lock()
        self._tool_names: frozenset[str] = frozenset()
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
            # The domain and the registration modules are imported here, not at container start.
            from chalicelib.mcp_server import prompts, resources, tools, views

            tools.register(self.server)
            resources.register(self.server)
            prompts.register(self.server)
            views.register(self.server)
            self._tool_names = frozenset(tools.TOOLS)
            self._registered = True

    def __contains__(self, tool_name: object) -> bool:
        return tool_name in self._tool_names
