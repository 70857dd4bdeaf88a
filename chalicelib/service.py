"""The composition root of the fitness server: its `MCPServer`, its lazy catalogue, its name in the logs and its
metrics namespace, handed to the generic endpoint (`chalice_mcp`) once per container.

The app registers `fitness_blueprint()`; the tests and the benches build the same endpoint through `build_service`.
"""

from __future__ import annotations

from typing import IO

from chalice_mcp.auth.protected_resource import ENDPOINT_PATH
from chalice_mcp.blueprint import MCPBlueprint, endpoint_blueprint
from chalice_mcp.bridge.hooks import Authorizer
from chalice_mcp.endpoint import MCPEndpoint, build_endpoint
from chalice_mcp.settings import Settings
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue

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
        build_fitness_server(website_url=settings.public_url),
        settings,
        register_catalogue=register_catalogue,
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
