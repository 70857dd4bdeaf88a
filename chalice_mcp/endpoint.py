"""One MCP endpoint, wired once per container through constructors: settings, the server and its optional lazy
catalogue, the bridge that serves it, the authorizer the settings name, and the request log and metrics.

`build_endpoint` is the one place this happens; the Blueprint (`chalice_mcp.blueprint`), the tests and the benches
all build what they serve through it (or, for a bare bridge, `build_bridge`).
"""

from __future__ import annotations

import atexit
import copy
import json
from collections.abc import Callable
from typing import IO, Any

from mcp.server import MCPServer

from chalice_mcp.answers import install_answer_rules
from chalice_mcp.auth.protected_resource import metadata_reply
from chalice_mcp.auth.tool_scopes import install_descriptions
from chalice_mcp.bridge import StatelessMCPBridge
from chalice_mcp.bridge.content_negotiation import prefers_html
from chalice_mcp.bridge.edge import EdgeRules, OriginPolicy
from chalice_mcp.bridge.event_loop import ContainerEventLoop
from chalice_mcp.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest
from chalice_mcp.bridge.hooks import Authorizer, Observer
from chalice_mcp.bridge.stateless_mcp import StreamableHTTPServer
from chalice_mcp.card import server_card
from chalice_mcp.lazy_catalogue import LazyCatalogue
from chalice_mcp.observability import RequestObserver, configure_library_logging
from chalice_mcp.registered_names import RegisteredNames
from chalice_mcp.request_state import configure_request_state
from chalice_mcp.settings import ENDPOINT_PATH, Settings
from chalice_mcp.snapstart import refresh_after_restore, register_runtime_hooks

# Lambda's AWS_LAMBDA_INITIALIZATION_TYPE for an init that no caller waits for: SnapStart snapshots the container
# after init, and provisioned concurrency starts it ahead of traffic. Then everything is built at init.
SNAPSTART_INIT = "snap-start"
INITS_AHEAD_OF_REQUESTS = frozenset({SNAPSTART_INIT, "provisioned-concurrency"})

# The CloudWatch namespace of the metrics when neither MCP_METRICS_NAMESPACE nor the app names one.
DEFAULT_METRICS_NAMESPACE = "MCP"


class MCPEndpoint:
    """What the routes serve: the wired parts, and the documents (card, page, OAuth metadata) built from them."""

    def __init__(
        self,
        settings: Settings,
        server: MCPServer,
        bridge: StatelessMCPBridge,
        registered_names: RegisteredNames,
        catalogue: LazyCatalogue | None = None,
        endpoint_path: str = ENDPOINT_PATH,
        page: Page | None = None,
        before_snapshot: Callable[[MCPEndpoint], None] | None = None,
    ) -> None:
        self.settings = settings
        self.server = server
        self.bridge = bridge
        self.registered_names = registered_names
        self.catalogue = catalogue
        self.endpoint_path = endpoint_path
        self.page = page
        self._before_snapshot = before_snapshot
        self._card: dict[str, Any] | None = None

    def handle(self, request: HttpRequest) -> HttpReply:
        """Any request to the MCP endpoint, whatever its method."""
        return self.bridge.handle(request)

    def card(self) -> dict[str, Any]:
        """The server card for `GET /`, built on first call (which registers a lazy catalogue). A method, not a
        property: a page calls it as it calls everything else on the endpoint."""
        if self._card is None:
            self._card = server_card(
                self.server, self.registered_names.tool_names(), self.settings.auth_mode, self.endpoint_path
            )
        return copy.deepcopy(self._card)

    def front_page(self, request: HttpRequest) -> HttpReply:
        """`GET /`: the server's page for people when it has one and `Accept` prefers HTML (a browser), else the
        JSON card; the CORS preflight for it."""
        return self._document(request, lambda: self._front_page(request))

    def _front_page(self, request: HttpRequest) -> HttpReply:
        if self.page is None:
            return self.card_reply()
        if prefers_html(request.header("accept")):
            reply = self.page(self, request)
        else:
            reply = self.card_reply()
        # One URL, two representations: caches must key on Accept.
        reply.headers["Vary"] = "Accept"
        return reply

    def card_reply(self) -> HttpReply:
        return HttpReply(status=200, headers={"Content-Type": JSON_CONTENT_TYPE}, body=json.dumps(self.card()).encode())

    def protected_resource_metadata(self, request: HttpRequest) -> HttpReply:
        """The RFC 9728 metadata document, or 404 when the server does not use OAuth; the CORS preflight for it."""
        resource_name = self.server.title or self.server.name
        return self._document(request, lambda: metadata_reply(request, self.settings, resource_name))

    def _document(self, request: HttpRequest, answer_get: Callable[[], HttpReply]) -> HttpReply:
        # A browser client (the TypeScript SDK sends Mcp-Protocol-Version) reads these as it reads /mcp, and sees a
        # 404 as a 404 rather than as "Failed to fetch": the same CORS rules on every route.
        if request.method == "OPTIONS":
            return self.bridge.edge.preflight(request, methods="GET")
        return self.bridge.edge.with_cors(request, answer_get())

    def prepare(self) -> None:
        """Everything a first request could otherwise build: for an init no caller waits for."""
        if self.catalogue is not None:
            self.catalogue.ensure_registered()
        self.card()

    def prime(self) -> None:
        """SnapStart's before-snapshot hook: the server's own priming, else `prepare`."""
        if self._before_snapshot is not None:
            self._before_snapshot(self)
        else:
            self.prepare()


Page = Callable[[MCPEndpoint, HttpRequest], HttpReply]
"""A server's page for people at `GET /`, for a browser's request."""


def build_endpoint(
    server: MCPServer,
    settings: Settings,
    *,
    register_catalogue: Callable[[MCPServer], None] | None = None,
    page: Page | None = None,
    before_snapshot: Callable[[MCPEndpoint], None] | None = None,
    service_name: str | None = None,
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE,
    endpoint_path: str = ENDPOINT_PATH,
    authorizer: Authorizer | None = None,
    log_stream: IO[str] | None = None,
    metrics_stream: IO[str] | None = None,
) -> MCPEndpoint:
    """The endpoint serving `server` with `settings`, the endpoint's answer rules installed on it
    (`install_answer_rules`: plain tool errors, the caller's mistakes as invalid params, compact schemas, cache hints
    of MCP_CACHE_TTL_SECONDS).

    `register_catalogue(server)`, when given, registers the tools, resources and prompts at their first need (see
    `LazyCatalogue`). `page` renders the page a browser gets at `GET /` (else it gets the JSON card). Under SnapStart
    `before_snapshot(endpoint)` runs before the snapshot (by default `prepare`: the catalogue and the card; a server
    primes more, see `chalice_mcp.snapstart`). The log lines carry `service_name` (else the server's name); the
    metrics go to MCP_METRICS_NAMESPACE, else `metrics_namespace`. The authorizer is the one the settings name
    unless one is given; the request log and metrics go to stdout (where Lambda collects them) unless streams are
    given.
    """
    configure_library_logging()
    # First: on Lambda, a server that could ask without MCP_REQUEST_STATE_KEYS must not start at all.
    configure_request_state(server, settings)
    install_answer_rules(server, cache_ttl_seconds=settings.cache_ttl_seconds)
    install_descriptions(server.middleware, settings.oauth_tool_scopes)
    event_loop = ContainerEventLoop()
    catalogue = LazyCatalogue(server, register_catalogue) if register_catalogue is not None else None
    registered_names = RegisteredNames(server, event_loop, catalogue, gated=settings.oauth_tool_scopes)
    observer = RequestObserver(
        log_level=settings.log_level,
        metrics_namespace=settings.metrics_namespace or metrics_namespace,
        metrics_by_tenant=settings.metrics_by_tenant,
        catalogue=registered_names,
        log_stream=log_stream,
        metrics_stream=metrics_stream,
        service_name=service_name or server.name,
        subject_hash_key=settings.subject_hash_key_bytes,
    )
    observer.log_startup(**settings.startup_facts())
    bridge = build_bridge(
        server,
        settings,
        authorizer=authorizer or authorizer_for(settings),
        observer=observer,
        before_sdk=catalogue.before_sdk if catalogue is not None else None,
        event_loop=event_loop,
    )
    atexit.register(bridge.close)
    endpoint = MCPEndpoint(settings, server, bridge, registered_names, catalogue, endpoint_path, page, before_snapshot)
    if settings.lambda_initialization_type in INITS_AHEAD_OF_REQUESTS:
        endpoint.prepare()
    if settings.lambda_initialization_type == SNAPSTART_INIT:
        register_runtime_hooks(before_snapshot=endpoint.prime, after_restore=refresh_after_restore)
    return endpoint


def build_bridge(
    server: StreamableHTTPServer,
    settings: Settings,
    *,
    authorizer: Authorizer | None = None,
    observer: Observer | None = None,
    before_sdk: Callable[[HttpRequest], None] | None = None,
    event_loop: ContainerEventLoop | None = None,
) -> StatelessMCPBridge:
    """The bridge serving `server` with the edge rules and the time limit the settings give."""
    return StatelessMCPBridge(
        server,
        edge_rules(settings),
        request_timeout_seconds=settings.request_timeout_seconds,
        authorizer=authorizer,
        observer=observer,
        before_sdk=before_sdk,
        event_loop=event_loop,
    )


def edge_rules(settings: Settings) -> EdgeRules:
    return EdgeRules(
        OriginPolicy(settings.allowed_origins), settings.max_body_bytes, api_key_required=settings.api_key_required
    )


def authorizer_for(settings: Settings) -> Authorizer | None:
    """The OAuth authorizer with `MCP_AUTH=oauth`, else None (everyone may call)."""
    if settings.auth_mode != "oauth":
        return None
    from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer  # PyJWT and cryptography: only when needed

    if settings.authorization_server:
        # The server checks the tokens it issues itself with its own public keys, in memory.
        from chalice_mcp.auth.authorization_server.authorizer import own_token_authorizer

        return own_token_authorizer(settings)
    # Nothing is fetched from the issuer here: its keys come with the first request that carries a token.
    return OAuthAuthorizer.from_settings(settings)
