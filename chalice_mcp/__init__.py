"""An MCP endpoint for any Chalice app: the `mcp_blueprint` factory, the settings it reads, and the parts behind it
(the stateless bridge to the MCP SDK, the HTTP edge rules, OAuth, what the answers say, the request log and metrics).

Everything an app's page (`page=`), priming hook (`before_snapshot=`), authorizer, tools and tests need is
importable from here.
"""

from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver.exceptions import ToolError

from chalice_mcp.answers import install_answer_rules
from chalice_mcp.blueprint import MCPBlueprint, mcp_blueprint
from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.bridge.hooks import AuthDecision, Authorizer
from chalice_mcp.endpoint import MCPEndpoint, Page, build_endpoint
from chalice_mcp.lazy_catalogue import LazyCatalogue
from chalice_mcp.settings import Settings, SettingsError
from chalice_mcp.snapstart import prime_endpoint

# The one source of the package's version: pyproject.toml reads it (`dynamic = ["version"]`); CHANGELOG.md says what
# each one changed.
__version__ = "0.1.0"

__all__ = [
    "AccessToken",
    "AuthDecision",
    "Authorizer",
    "HttpReply",
    "HttpRequest",
    "LazyCatalogue",
    "MCPBlueprint",
    "MCPEndpoint",
    "Page",
    "Settings",
    "SettingsError",
    "ToolError",
    "__version__",
    "build_endpoint",
    "install_answer_rules",
    "mcp_blueprint",
    "prime_endpoint",
]
