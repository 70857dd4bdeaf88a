"""The fitness catalogue (tools, resources, prompts, views) and its registration, handed to a `LazyCatalogue`:
registered on the server at its first need, once per container (see `chalice_mcp.lazy_catalogue`)."""

from __future__ import annotations

from mcp.server import MCPServer

from chalice_mcp.lazy_catalogue import LazyCatalogue


def register_catalogue(server: MCPServer) -> None:
    """Every fitness tool, resource and prompt; the domain and the registration modules are imported here, not at
    container start."""
    from chalicelib.mcp_server import prompts, resources, tools, views

    tools.register(server)
    resources.register(server)
    prompts.register(server)
    views.register(server)


class FitnessCatalogue(LazyCatalogue):
    """The fitness server's lazy catalogue."""

    def __init__(self, server: MCPServer) -> None:
        super().__init__(server, register_catalogue)
