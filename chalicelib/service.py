"""The composition root: the one place that builds settings, the fitness MCP server, its catalogue, the bridge that
serves it and the request observer, and wires them together through their constructors, once per container.

The app, the tests and the benches all build what they serve through `build_service` (or, for a server of their
own behind the same bridge, `build_bridge`).
"""

from __future__ import annotations

import atexit
import json
from collections.abc import Callable
from typing import IO, Any

from mcp.server import MCPServer

from chalicelib.auth.protected_resource import metadata_reply
from chalicelib.bridge import StatelessMCPBridge
from chalicelib.bridge.edge import EdgeRules, OriginPolicy
from chalicelib.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest
from chalicelib.bridge.hooks import Authorizer, Observer
from chalicelib.bridge.stateless_mcp import StreamableHTTPServer
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.card import server_card
from chalicelib.mcp_server.catalogue import FitnessCatalogue
from chalicelib.observability import RequestObserver, configure_library_logging
from chalicelib.observability.request_observer import SERVICE_NAME
from chalicelib.settings import Settings

# Lambda's AWS_LAMBDA_INITIALIZATION_TYPE for an init that no caller waits for: SnapStart snapshots the container
# after init, and provisioned concurrency starts it ahead of traffic. Then everything is built at init.
INITS_AHEAD_OF_REQUESTS = frozenset({"snap-start", "provisioned-concurrency"})


class FitnessService:
    """What the routes serve: the wired parts, and the documents (card, OAuth metadata) built from them."""

    def __init__(
        self, settings: Settings, server: MCPServer, catalogue: FitnessCatalogue, bridge: StatelessMCPBridge
    ) -> None:
        self.settings = settings
        self.server = server
        self.catalogue = catalogue
        self.bridge = bridge
        self._card: dict[str, Any] | None = None

    @classmethod
    def from_environment(cls) -> FitnessService:
        """The service the app serves, from the environment the Chalice stage sets."""
        return build_service(Settings.from_environment())

    @property
    def card(self) -> dict[str, Any]:
        """The server card for `GET /`, built on first use from the tool catalogue."""
        if self._card is None:
            from chalicelib.mcp_server.tool_catalogue import TOOL_NAMES  # imports the domain: not at container start

            self._card = server_card(self.server, TOOL_NAMES, self.settings.auth_mode)
        return self._card

    def protected_resource_metadata(self, request: HttpRequest) -> HttpReply:
        """The RFC 9728 metadata document, or 404 when the server does not use OAuth; the CORS preflight for it."""
        return self._document(request, lambda: metadata_reply(request, self.settings))

    def server_card_reply(self, request: HttpRequest) -> HttpReply:
        """The server card for `GET /`; the CORS preflight for it."""
        return self._document(
            request, lambda: HttpReply(200, {"Content-Type": JSON_CONTENT_TYPE}, json.dumps(self.card).encode())
        )

    def _document(self, request: HttpRequest, answer_get: Callable[[], HttpReply]) -> HttpReply:
        # A browser client (the TypeScript SDK sends Mcp-Protocol-Version) reads these as it reads /mcp, and sees a
        # 404 as a 404 rather than as "Failed to fetch": the same CORS rules on every route.
        if request.method == "OPTIONS":
            return self.bridge.edge.preflight(request, methods="GET")
        return self.bridge.edge.with_cors(request, answer_get())


def build_service(
    settings: Settings,
    *,
    authorizer: Authorizer | None = None,
    log_stream: IO[str] | None = None,
    metrics_stream: IO[str] | None = None,
    service_name: str = SERVICE_NAME,
) -> FitnessService:
    """The fitness service for `settings`. The authorizer is the one the settings name unless one is given; the
    request log and metrics go to stdout (where Lambda collects them) unless streams are given."""
    configure_library_logging()
    server = build_fitness_server(website_url=settings.public_url)
    catalogue = FitnessCatalogue(server)
    observer = RequestObserver(
        log_level=settings.log_level,
        metrics_namespace=settings.metrics_namespace,
        # Tool names become metric dimensions only once they are registered, so the set is read lazily.
        known_tools=catalogue,
        log_stream=log_stream,
        metrics_stream=metrics_stream,
        service_name=service_name,
        subject_hash_key=settings.subject_hash_key_bytes,
    )
    observer.log_startup(**settings.startup_facts())
    bridge = build_bridge(
        server,
        settings,
        authorizer=authorizer or authorizer_for(settings),
        observer=observer,
        before_sdk=catalogue.before_sdk,
    )
    atexit.register(bridge.close)
    service = FitnessService(settings, server, catalogue, bridge)
    if settings.lambda_initialization_type in INITS_AHEAD_OF_REQUESTS:
        catalogue.ensure_registered()
        _ = service.card
    return service


def build_bridge(
    server: StreamableHTTPServer,
    settings: Settings,
    *,
    authorizer: Authorizer | None = None,
    observer: Observer | None = None,
    before_sdk: Callable[[HttpRequest], None] | None = None,
) -> StatelessMCPBridge:
    """The bridge serving `server` with the edge rules and the time limit the settings give."""
    return StatelessMCPBridge(
        server,
        edge_rules(settings),
        request_timeout_seconds=settings.request_timeout_seconds,
        authorizer=authorizer,
        observer=observer,
        before_sdk=before_sdk,
    )


def edge_rules(settings: Settings) -> EdgeRules:
    return EdgeRules(
        OriginPolicy(settings.allowed_origins), settings.max_body_bytes, api_key_required=settings.api_key_required
    )


def authorizer_for(settings: Settings) -> Authorizer | None:
    """The OAuth authorizer with `MCP_AUTH=oauth`, else None (everyone may call)."""
    if settings.auth_mode != "oauth":
        return None
    from chalicelib.auth.oauth_authorizer import OAuthAuthorizer  # PyJWT and cryptography: only when needed

    # Nothing is fetched from the issuer here: its keys come with the first request that carries a token.
    return OAuthAuthorizer.from_settings(settings)
