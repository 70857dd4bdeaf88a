"""An MCP endpoint for any Chalice app: the `mcp_blueprint` factory, the settings it reads, and the parts behind it
(the stateless bridge to the MCP SDK, the HTTP edge rules, OAuth, the request log and metrics)."""

from chalice_mcp.blueprint import MCPBlueprint, mcp_blueprint
from chalice_mcp.lazy_catalogue import LazyCatalogue
from chalice_mcp.settings import Settings

__all__ = ["LazyCatalogue", "MCPBlueprint", "Settings", "mcp_blueprint"]
