"""The fitness catalogue (tools, resources, prompts, views) and its registration, which the service hands to the
endpoint's `LazyCatalogue`: registered on the server at its first need, once per container
(see `chalice_mcp.lazy_catalogue`). Tests and benches that need a fully built server call `register_catalogue`."""

from __future__ import annotations

from mcp.server import MCPServer


def register_catalogue(server: MCPServer) -> None:
    """Every fitness tool, resource and prompt; the domain and the registration modules are imported here, not at
    container start."""
    from chalicelib.mcp_server import prompts, resources, tools, views

    tools.register(server)
    resources.register(server)
    prompts.register(server)
    views.register(server)
