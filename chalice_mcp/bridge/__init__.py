"""The HTTP bridge: Chalice request ⇄ the MCP SDK's stateless Streamable HTTP handling, plus the HTTP edge rules."""

from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.bridge.stateless_mcp import StatelessMCPBridge

__all__ = ["HttpReply", "HttpRequest", "StatelessMCPBridge"]
