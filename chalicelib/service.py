"""The composition root: settings, the fitness MCP server and the bridge that serves it, wired once per container."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from mcp.server import MCPServer

from chalicelib.bridge import StatelessMCPBridge
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.card import server_card
from chalicelib.settings import Settings


@dataclass
class FitnessService:
    settings: Settings
    server: MCPServer
    bridge: StatelessMCPBridge

    @classmethod
    def from_environment(cls) -> FitnessService:
        settings = Settings.from_environment()
        server = build_fitness_server()
        return cls(settings=settings, server=server, bridge=StatelessMCPBridge.from_settings(server, settings))

    def card(self) -> dict[str, Any]:
        return self._card

    @cached_property
    def _card(self) -> dict[str, Any]:
        # The catalogue is fixed once the server is built, so the card is computed on first use and kept.
        return self.bridge.run(server_card(self.server, self.settings.auth_mode))
