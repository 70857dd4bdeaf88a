"""The composition root: settings, the fitness MCP server, the bridge that serves it and its observer, wired once
per container."""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from typing import Any

from mcp.server import MCPServer

from chalicelib.auth.protected_resource import metadata_reply
from chalicelib.bridge import StatelessMCPBridge
from chalicelib.bridge.exchange import HttpReply, HttpRequest
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
        authorizer = None
        if settings.auth_mode == "oauth":
            from chalicelib.auth.oauth_authorizer import OAuthAuthorizer  # PyJWT and cryptography: only when needed

            # Nothing is fetched from the issuer here: its keys come with the first request that carries a token.
            authorizer = OAuthAuthorizer.from_settings(settings)
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

    def protected_resource_metadata(self, request: HttpRequest) -> HttpReply:
        """The RFC 9728 metadata document, or 404 when the server does not use OAuth."""
        return metadata_reply(request, self.settings)
