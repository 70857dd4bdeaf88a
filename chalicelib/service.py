"""The composition root of the fitness server: its `MCPServer`, its lazy catalogue, its page for people, its SnapStart
priming, its name in the logs and its metrics namespace, handed to the generic endpoint (`chalice_mcp`) once per
container.

The app registers `fitness_blueprint()`; the tests and the benches build the same endpoint through `build_service`.
"""

from __future__ import annotations

from typing import IO

from chalice_mcp.auth.protected_resource import invalid_host_reply, public_base_url
from chalice_mcp.blueprint import MCPBlueprint, endpoint_blueprint
from chalice_mcp.bridge.content_negotiation import HTML_CONTENT_TYPE
from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.bridge.hooks import Authorizer
from chalice_mcp.endpoint import MCPEndpoint, build_endpoint
from chalice_mcp.settings import ENDPOINT_PATH, Settings
from chalice_mcp.snapstart import prime_endpoint
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.mcp_server.home_page import CONTENT_SECURITY_POLICY, render_home_page, tool_summaries

# The name on every request log line, and the CloudWatch namespace of the metrics unless MCP_METRICS_NAMESPACE says.
SERVICE_NAME = "fitness-mcp"
METRICS_NAMESPACE = "FitnessMCP"


def build_service(
    settings: Settings,
    *,
    endpoint_path: str = ENDPOINT_PATH,
    authorizer: Authorizer | None = None,
    log_stream: IO[str] | None = None,
    metrics_stream: IO[str] | None = None,
    service_name: str = SERVICE_NAME,
) -> MCPEndpoint:
    """The fitness endpoint for `settings`, its catalogue registered at first need. The authorizer is the one the
    settings name unless one is given; the request log and metrics go to stdout unless streams are given."""
    return build_endpoint(
        build_fitness_server(website_url=settings.public_url, cache_ttl_seconds=settings.cache_ttl_seconds),
        settings,
        register_catalogue=register_catalogue,
        page=front_page,
        before_snapshot=prime,
        service_name=service_name,
        metrics_namespace=METRICS_NAMESPACE,
        endpoint_path=endpoint_path,
        authorizer=authorizer,
        log_stream=log_stream,
        metrics_stream=metrics_stream,
    )


def fitness_blueprint(settings: Settings | None = None) -> MCPBlueprint:
    """The Blueprint `app.py` registers: the fitness endpoint, built at registration, from the environment's
    settings unless others are given."""
    settings = settings if settings is not None else Settings.from_environment()
    return endpoint_blueprint(
        settings, lambda endpoint_settings, endpoint_path: build_service(endpoint_settings, endpoint_path=endpoint_path)
    )


def front_page(endpoint: MCPEndpoint, request: HttpRequest) -> HttpReply:
    """The page a browser gets at `GET /`: the URL to paste into Claude, the auth mode, the tools and their sources."""
    base_url = public_base_url(request, endpoint.settings.public_url)
    if base_url is None:
        return invalid_host_reply()
    page = render_home_page(
        title=endpoint.server.title or endpoint.server.name,
        version=endpoint.server.version or "",
        endpoint_url=base_url + ENDPOINT_PATH,
        auth_mode=endpoint.settings.auth_mode,
        api_key_required=endpoint.settings.api_key_required,
        tools=tool_summaries(),
    )
    headers = {
        "Content-Type": f"{HTML_CONTENT_TYPE}; charset=utf-8",
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
    }
    return HttpReply(status=200, headers=headers, body=page.encode())


def prime(endpoint: MCPEndpoint) -> None:
    """The generic priming (chalice_mcp/snapstart.py) with the catalogue's example calls and its formula index, so
    that a container restored from a snapshot taken now starts with every first-time path already taken."""
    from chalicelib.mcp_server.tool_catalogue import FORMULA_INDEX_URI, TOOL_CATALOGUE

    prime_endpoint(endpoint, {tool.name: tool.example.arguments for tool in TOOL_CATALOGUE}, FORMULA_INDEX_URI)
