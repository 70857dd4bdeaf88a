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

from chalicelib import garbage_collector
from chalicelib.auth.protected_resource import ENDPOINT_PATH, invalid_host_reply, metadata_reply, public_base_url
from chalicelib.bridge import StatelessMCPBridge
from chalicelib.bridge.content_negotiation import HTML_CONTENT_TYPE, prefers_html
from chalicelib.bridge.edge import EdgeRules, OriginPolicy
from chalicelib.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest
from chalicelib.bridge.hooks import Authorizer, Observer
from chalicelib.bridge.stateless_mcp import StreamableHTTPServer
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.card import server_card
from chalicelib.mcp_server.catalogue import FitnessCatalogue
from chalicelib.mcp_server.home_page import CONTENT_SECURITY_POLICY, ToolSummary, render_home_page, tool_summaries
from chalicelib.observability import RequestObserver, configure_library_logging
from chalicelib.observability.request_observer import SERVICE_NAME
from chalicelib.settings import Settings
from chalicelib.snapstart import priming_requests, refresh_after_restore, register_runtime_hooks

# Lambda's AWS_LAMBDA_INITIALIZATION_TYPE for an init that no caller waits for: SnapStart snapshots the container
# after init, and provisioned concurrency starts it ahead of traffic. Then everything is built at init.
SNAPSTART_INIT = "snap-start"
INITS_AHEAD_OF_REQUESTS = frozenset({SNAPSTART_INIT, "provisioned-concurrency"})


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
        self._tool_summaries: list[ToolSummary] | None = None

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

    def prime(self) -> None:
        """Answer one request of each kind in-process, so that a container restored from a snapshot taken now
        starts with every first-time path already taken (chalicelib/snapstart.py)."""
        # What priming builds is kept for the container's life: frozen like the start's objects, a restored
        # container's collections do not walk it (a full pass over it would cost the first request more than
        # priming saves, as every page it touches is faulted in from the snapshot).
        with garbage_collector.paused_while_starting():
            from chalicelib.mcp_server.tool_catalogue import FORMULA_INDEX_URI, TOOL_CATALOGUE

            self.catalogue.ensure_registered()
            _ = self.card
            example_calls = {tool.name: tool.example.arguments for tool in TOOL_CATALOGUE}
            for request in priming_requests(example_calls, FORMULA_INDEX_URI):
                self.bridge.answer_in_process(request)

    def front_page(self, request: HttpRequest) -> HttpReply:
        """`GET /`: the page for people when `Accept` prefers HTML (a browser), else the JSON card; the CORS
        preflight for it."""
        return self._document(request, lambda: self._front_page(request))

    def _front_page(self, request: HttpRequest) -> HttpReply:
        # One URL, two representations: caches must key on Accept.
        headers = {"Vary": "Accept"}
        if not prefers_html(request.header("accept")):
            body = json.dumps(self.card).encode()
            return HttpReply(status=200, headers={**headers, "Content-Type": JSON_CONTENT_TYPE}, body=body)
        base_url = public_base_url(request, self.settings.public_url)
        if base_url is None:
            return invalid_host_reply()
        if self._tool_summaries is None:
            self._tool_summaries = tool_summaries()
        page = render_home_page(
            title=self.server.title or self.server.name,
            version=self.server.version or "",
            endpoint_url=base_url + ENDPOINT_PATH,
            auth_mode=self.settings.auth_mode,
            api_key_required=self.settings.api_key_required,
            tools=self._tool_summaries,
        )
        headers.update(
            {
                "Content-Type": f"{HTML_CONTENT_TYPE}; charset=utf-8",
                "Content-Security-Policy": CONTENT_SECURITY_POLICY,
                "X-Content-Type-Options": "nosniff",
            }
        )
        return HttpReply(status=200, headers=headers, body=page.encode())

    def protected_resource_metadata(self, request: HttpRequest) -> HttpReply:
        """The RFC 9728 metadata document, or 404 when the server does not use OAuth; the CORS preflight for it."""
        return self._document(request, lambda: metadata_reply(request, self.settings))

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
    server = build_fitness_server(website_url=settings.public_url, cache_ttl_seconds=settings.cache_ttl_seconds)
    catalogue = FitnessCatalogue(server)
    observer = RequestObserver(
        log_level=settings.log_level,
        metrics_namespace=settings.metrics_namespace,
        metrics_by_tenant=settings.metrics_by_tenant,
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
    if settings.lambda_initialization_type == SNAPSTART_INIT:
        register_runtime_hooks(before_snapshot=service.prime, after_restore=refresh_after_restore)
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
