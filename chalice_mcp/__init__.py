"""An MCP endpoint for any Chalice app: the `mcp_blueprint` factory, the settings it reads, and the parts behind it
(the stateless bridge to the MCP SDK, the HTTP edge rules, OAuth, what the answers say, the request log and metrics).

Everything an app's page (`page=`), priming hook (`before_snapshot=`), authorizer, tools and tests need is
importable from here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each name's module, imported at the name's first use (PEP 562): importing the package, or a light module of it
# (`chalice_mcp.garbage_collector`), imports no SDK, so an app can pause the collector before the SDK's import.
_MODULE_OF = {
    "AccessToken": "mcp.server.auth.provider",
    "ToolError": "mcp.server.mcpserver.exceptions",
    "install_answer_rules": "chalice_mcp.answers",
    "MCPBlueprint": "chalice_mcp.blueprint",
    "mcp_blueprint": "chalice_mcp.blueprint",
    "HttpReply": "chalice_mcp.bridge.exchange",
    "HttpRequest": "chalice_mcp.bridge.exchange",
    "AuthDecision": "chalice_mcp.bridge.hooks",
    "Authorizer": "chalice_mcp.bridge.hooks",
    "MCPEndpoint": "chalice_mcp.endpoint",
    "Page": "chalice_mcp.endpoint",
    "build_endpoint": "chalice_mcp.endpoint",
    "LazyCatalogue": "chalice_mcp.lazy_catalogue",
    "Settings": "chalice_mcp.settings",
    "SettingsError": "chalice_mcp.settings",
    "prime_endpoint": "chalice_mcp.snapstart",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


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
