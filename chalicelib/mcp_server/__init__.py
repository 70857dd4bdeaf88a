"""MCP registration: the fitness server's tools, resources and prompts as thin wrappers over the domain."""

from chalicelib.mcp_server.server import build_fitness_server

__all__ = ["build_fitness_server"]
