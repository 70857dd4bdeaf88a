"""What any server's answers say through the endpoint: plain tool errors, the caller's mistakes as invalid params,
compact input schemas and cache hints, installed on the server by `install_answer_rules` (the endpoint does it for
every server it is given)."""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer

from chalice_mcp.answers.failures import take_sdk_exceptions
from chalice_mcp.answers.middleware import EndpointAnswers
from chalice_mcp.settings import DEFAULT_CACHE_TTL_SECONDS

__all__ = ["EndpointAnswers", "install_answer_rules"]


def install_answer_rules(server: MCPServer[Any], *, cache_ttl_seconds: int = DEFAULT_CACHE_TTL_SECONDS) -> None:
    """Give `server` the endpoint's answer rules (`chalice_mcp.answers.middleware`), once: a second call, such as the
    endpoint's for a server its builder already equipped, changes nothing."""
    take_sdk_exceptions()
    if not any(isinstance(middleware, EndpointAnswers) for middleware in server.middleware):
        server.middleware.append(EndpointAnswers(cache_ttl_seconds))
