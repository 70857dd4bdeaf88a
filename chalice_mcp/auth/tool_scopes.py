"""Per-tool scopes (MCP_OAUTH_TOOL_SCOPES) and step-up authorization: a `tools/call` of a tool that needs a scope the
token lacks is refused before the SDK runs, with 403 and a challenge naming every scope the call needs (MCP
authorization spec, "Scope challenge handling"; RFC 6750 §3.1), so the client can re-authorize for it.

The tool comes from `Mcp-Name` in the 2026-07-28 era (the SDK refuses a header that differs from the body, decoded as
it decodes it) and from the body in the handshake era (the bridge's edge refuses batches before any authorizer
runs; an authorizer used on its own still reads every call of one). `tools/list` is the same for everyone (its
public cache hint stays true); each gated tool's description says which scope it needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.inbound import decode_header_value
from mcp_types import ListToolsResult
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from chalice_mcp.bridge.exchange import HttpRequest

TOOLS_CALL = "tools/call"
TOOLS_LIST = "tools/list"


def called_tools(request: HttpRequest) -> list[str]:
    """The names of the tools a POST calls: none for any other method, or when the body cannot be read (the SDK
    then refuses it)."""
    protocol_version = request.header("mcp-protocol-version")
    if protocol_version is not None and protocol_version not in HANDSHAKE_PROTOCOL_VERSIONS:
        method = request.header("mcp-method")
        if method is not None and method != TOOLS_CALL:
            return []
        name = decode_header_value(request.header("mcp-name"))
        if method == TOOLS_CALL and name is not None:
            return [name]
    try:
        message = json.loads(request.body)
    except (ValueError, RecursionError):
        return []
    messages = message if isinstance(message, list) else [message]
    return [name for each in messages if (name := _called_tool(each)) is not None]


def _called_tool(message: Any) -> str | None:
    if not isinstance(message, dict) or message.get("method") != TOOLS_CALL:
        return None
    params = message.get("params")
    name = params.get("name") if isinstance(params, dict) else None
    return name if isinstance(name, str) else None


def access_sentence(scope: str) -> str:
    """What a gated tool's description says about the access it needs."""
    return f'Needs the OAuth scope "{scope}".'


def install_descriptions(middleware: list[Any], tool_scopes: Mapping[str, str]) -> None:
    """Make a server's `middleware` describe the access `tool_scopes` gates (none if empty), in place of what an
    earlier endpoint on the same server put there: its sentences would otherwise come twice, or stay when stale."""
    middleware[:] = [each for each in middleware if not isinstance(getattr(each, "__self__", None), ToolScopes)]
    if tool_scopes:
        middleware.append(ToolScopes(tool_scopes).describe_access)


class ToolScopes:
    """Which scope each gated tool needs beyond the `required` ones every request needs."""

    def __init__(self, tool_scopes: Mapping[str, str], *, required: Iterable[str] = ()) -> None:
        self.tool_scopes = dict(tool_scopes)
        self.required = tuple(required)

    def __bool__(self) -> bool:
        return bool(self.tool_scopes)

    def needed_beyond(self, granted: Iterable[str], request: HttpRequest) -> tuple[str, str] | None:
        """(tool, scope) of the first gated tool `request` calls whose scope is not `granted`, else None."""
        granted = set(granted)
        lacking = {tool: scope for tool, scope in self.tool_scopes.items() if scope not in granted}
        # A token with every tool's scope passes without its request being read.
        if not lacking:
            return None
        for tool in called_tools(request):
            if tool in lacking:
                return tool, lacking[tool]
        return None

    def scopes_for(self, scope: str) -> tuple[str, ...]:
        """Every scope a call of a tool that needs `scope` needs: a client re-authorizing for these keeps the rest."""
        return tuple(dict.fromkeys((*self.required, scope)))

    async def describe_access(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """Server middleware: each gated tool in `tools/list` says which scope it needs."""
        result = await call_next(ctx)
        if ctx.method != TOOLS_LIST:
            return result
        if isinstance(result, ListToolsResult):
            tools = [
                tool.model_copy(update={"description": self._described(tool.name, tool.description)})
                if tool.name in self.tool_scopes
                else tool
                for tool in result.tools
            ]
            return result.model_copy(update={"tools": tools})
        if isinstance(result, dict) and isinstance(result.get("tools"), list):
            return {
                **result,
                "tools": [
                    {**tool, "description": self._described(tool["name"], tool.get("description"))}
                    if isinstance(tool, dict) and tool.get("name") in self.tool_scopes
                    else tool
                    for tool in result["tools"]
                ],
            }
        return result

    def _described(self, tool_name: str, description: str | None) -> str:
        sentence = access_sentence(self.tool_scopes[tool_name])
        return f"{description.rstrip()} {sentence}" if description else sentence
