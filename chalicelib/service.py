"""The composition root: settings, the fitness MCP server, the bridge that serves it and its observer, wired once
per container."""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from typing import Any

from mcp.server import MCPServer

from chalicelib.bridge import StatelessMCPBridge
from chalicelib.bridge.exchange import jsonrpc_error_reply
from chalicelib.bridge.hooks import AuthDecision, HttpRequest
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.card import server_card
from chalicelib.observability import RequestObserver, configure_library_logging
from chalicelib.settings import Settings


@dataclass
class FitnessService:
    settings: Settings
    server: MCPServer
    bridge: StatelessMCPBridge
    card: dict[str, Any]

    @classmethod
    def from_environment(cls) -> FitnessService:
        settings = Settings.from_environment()
        configure_library_logging()
        server = build_fitness_server()
        # Fail closed: a stage that asks for OAuth is never served without it, and OAuth is not built yet.
        authorizer = RefuseEveryone() if settings.auth_mode == "oauth" else None
        bridge = StatelessMCPBridge.from_settings(server, settings, authorizer=authorizer)
        atexit.register(bridge.close)
        # The catalogue is fixed once the server is built: list it once, for the card and the metric dimensions.
        card = bridge.run(server_card(server, settings.auth_mode))
        bridge.observer = RequestObserver(
            log_level=settings.log_level,
            metrics_namespace=settings.metrics_namespace,
            known_tools=card["tools"],
        )
        return cls(settings=settings, server=server, bridge=bridge, card=card)


class RefuseEveryone:
    """The authorizer for `MCP_AUTH=oauth` until token validation exists: every request gets 503, none is served."""

    def authorize(self, request: HttpRequest) -> AuthDecision:
        return AuthDecision(
            refusal=jsonrpc_error_reply(503, -32603, "Service Unavailable: MCP_AUTH=oauth is not implemented yet")
        )
