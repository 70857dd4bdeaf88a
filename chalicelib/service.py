"""The composition root: settings, the fitness MCP server, the bridge that serves it and its observer, wired once
per container."""

from __future__ import annotations

import atexit
import json
import os
from collections.abc import Callable
from typing import Any

from mcp.server import MCPServer
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

from chalicelib.auth.protected_resource import metadata_reply
from chalicelib.bridge import StatelessMCPBridge
from chalicelib.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.card import server_card
from chalicelib.mcp_server.catalogue import FitnessCatalogue, catalogue_needed_for
from chalicelib.observability import RequestObserver, configure_library_logging
from chalicelib.settings import Settings

# Lambda's AWS_LAMBDA_INITIALIZATION_TYPE for an init that no caller waits for: SnapStart snapshots the container
# after init, and provisioned concurrency starts it ahead of traffic. Then everything is built at init.
INITS_AHEAD_OF_REQUESTS = frozenset({"snap-start", "provisioned-concurrency"})


class FitnessService:
    def __init__(self, settings: Settings, server: MCPServer, bridge: StatelessMCPBridge) -> None:
        self.settings = settings
        self.server = server
        self.bridge = bridge
        self.catalogue = FitnessCatalogue(server)
        self._card: dict[str, Any] | None = None
        bridge.before_sdk = self._prepare

    @classmethod
    def from_environment(cls) -> FitnessService:
        settings = Settings.from_environment()
        configure_library_logging()
        server = build_fitness_server(with_catalogue=False)
        authorizer = None
        if settings.auth_mode == "oauth":
            from chalicelib.auth.oauth_authorizer import OAuthAuthorizer  # PyJWT and cryptography: only when needed

            # Nothing is fetched from the issuer here: its keys come with the first request that carries a token.
            authorizer = OAuthAuthorizer.from_settings(settings)
        bridge = StatelessMCPBridge.from_settings(server, settings, authorizer=authorizer)
        atexit.register(bridge.close)
        service = cls(settings, server, bridge)
        bridge.observer = RequestObserver(
            log_level=settings.log_level,
            metrics_namespace=settings.metrics_namespace,
            # Tool names become metric dimensions only once they are registered, so the set is read lazily.
            known_tools=service.catalogue,
        )
        if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") in INITS_AHEAD_OF_REQUESTS:
            _ = service.card
        return service

    @property
    def card(self) -> dict[str, Any]:
        """The server card for `GET /`, built on first use: the catalogue is fixed once registered."""
        if self._card is None:
            self.catalogue.ensure_registered()
            self._card = self.bridge.run(server_card(self.server, self.settings.auth_mode))
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

    def _prepare(self, request: HttpRequest) -> None:
        # Once registered, a warm request does not even read its method.
        if not self.catalogue.registered and catalogue_needed_for(jsonrpc_method(request)):
            self.catalogue.ensure_registered()


def jsonrpc_method(request: HttpRequest) -> str | None:
    """The JSON-RPC method a POST asks for: its `Mcp-Method` header in the 2026-07-28 era, else the body's `method`.

    The SDK routes by `Mcp-Protocol-Version` exactly so: any value but a handshake version is the per-request era,
    where it refuses a `Mcp-Method` that differs from the body. In the handshake era nothing checks the header, so a
    stray one must not decide what is registered.
    """
    protocol_version = request.header("mcp-protocol-version")
    per_request_era = protocol_version is not None and protocol_version not in HANDSHAKE_PROTOCOL_VERSIONS
    if per_request_era and (named := request.header("mcp-method")):
        return named
    try:
        message = json.loads(request.body)
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, or nested past Python's recursion limit: the SDK answers it with an error.
        return None
    method = message.get("method") if isinstance(message, dict) else None
    return method if isinstance(method, str) else None
