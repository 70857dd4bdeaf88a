"""A Chalice Blueprint that gives any Chalice app an MCP endpoint:

    app.register_blueprint(mcp_blueprint(server), url_prefix="/tools")

Its routes, all under the prefix: `POST /mcp` (with API Gateway's key check when MCP_API_KEY_REQUIRED is true), the
405s and the CORS preflight on `/mcp`, the OAuth protected-resource metadata at `/.well-known/oauth-protected-resource`
and `/.well-known/oauth-protected-resource/mcp`, and the server card at `/`; with MCP_OAUTH_UPSTREAM_ISSUER also the
authorization server's (`chalice_mcp.auth.authorization_server.paths`). The prefix is part of every URL the endpoint
names: its `resource`, the `resource_metadata` of a 401, the card's endpoint, and the issuer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from chalice.app import Blueprint, Chalice, Response
from mcp.server import MCPServer

from chalice_mcp.auth.protected_resource import METADATA_PATH
from chalice_mcp.bridge.chalice_adapter import chalice_response, http_request_from_chalice
from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.bridge.hooks import Authorizer
from chalice_mcp.endpoint import DEFAULT_METRICS_NAMESPACE, INITS_AHEAD_OF_REQUESTS, MCPEndpoint, Page, build_endpoint
from chalice_mcp.observability.request_observer import RequestObserver
from chalice_mcp.request_state import refuse_lambda_without_keys
from chalice_mcp.settings import ENDPOINT_PATH, Settings
from chalice_mcp.snapstart import prime_endpoint

if TYPE_CHECKING:
    from chalice_mcp.auth.authorization_server.routes import AuthorizationServer

# Every method but POST is answered by the edge rules: 405, or the CORS preflight for OPTIONS.
OTHER_METHODS = ["GET", "DELETE", "PUT", "PATCH", "OPTIONS"]

EndpointBuilder = Callable[[Settings, str], MCPEndpoint]
"""Builds the endpoint from the settings (their public URL with the prefix) and the endpoint's path under the app."""


class MCPBlueprint(Blueprint):
    """The endpoint's routes; the endpoint itself is built when the blueprint is registered (its URL prefix is known
    only then), or at the first request that needs it when `eager` is false."""

    def __init__(self, import_name: str, settings: Settings, build: EndpointBuilder, *, eager: bool = True) -> None:
        super().__init__(import_name)
        self.settings = settings
        self._build = build
        self._eager = eager or settings.lambda_initialization_type in INITS_AHEAD_OF_REQUESTS
        self._lock = threading.Lock()
        self._endpoint: MCPEndpoint | None = None
        self._authorization_server: AuthorizationServer | None = None
        self._registered_settings: Settings | None = None
        self.url_prefix = ""

    def register(self, app: Chalice, options: dict[str, Any]) -> None:
        """Chalice's `app.register_blueprint(...)` calls this with the `url_prefix` it was given."""
        if self._registered_settings is not None:
            raise RuntimeError("an MCP blueprint serves one endpoint: register it with one app, once")
        self.url_prefix = normalised_prefix(options.get("url_prefix"))
        self._registered_settings = settings_under_prefix(self.settings, self.url_prefix)
        super().register(app, options)
        if self._eager:
            _ = self.endpoint
        if self.settings.authorization_server and self.settings.lambda_initialization_type in INITS_AHEAD_OF_REQUESTS:
            # Under SnapStart the snapshot holds it too: the first sign-in after a restore imports nothing.
            _ = self.authorization_server

    @property
    def endpoint(self) -> MCPEndpoint:
        """The endpoint, built once; only a registered blueprint has one."""
        if self._endpoint is None:
            if self._registered_settings is None:
                raise RuntimeError("register the MCP blueprint with an app first: app.register_blueprint(...)")
            with self._lock:
                if self._endpoint is None:
                    self._endpoint = self._build(self._registered_settings, self.url_prefix + ENDPOINT_PATH)
        return self._endpoint

    @property
    def authorization_server(self) -> AuthorizationServer:
        """The OAuth authorization server (MCP_OAUTH_UPSTREAM_ISSUER), built at its first request: its code is
        imported only then, and only where it is configured."""
        server = self._authorization_server
        if server is None:
            endpoint = self.endpoint
            with self._lock:
                server = self._authorization_server
                if server is None:
                    from chalice_mcp.auth.authorization_server.routes import AuthorizationServer

                    name = endpoint.server.title or endpoint.server.name
                    server = self._authorization_server = AuthorizationServer(endpoint.settings, name)
        return server

    def answer_authorization(self, path: str) -> Response:
        """The current request to the authorization server's `path`."""
        request = http_request_from_chalice(self.current_app, path)
        started = time.perf_counter()
        reply = self.authorization_server.handle(path, request)
        observer = self.endpoint.bridge.observer
        if isinstance(observer, RequestObserver):
            observer.observe_sign_in(path, request, reply, (time.perf_counter() - started) * 1000)
        return chalice_response(reply)

    def answer(self, path: str, respond: Callable[[MCPEndpoint, HttpRequest], HttpReply]) -> Response:
        """The current request, as seen at `path` under the prefix, answered by `respond`."""
        request = http_request_from_chalice(self.current_app, path)
        return chalice_response(respond(self.endpoint, request))


def mcp_blueprint(
    server: MCPServer | Callable[[], MCPServer],
    settings: Settings | None = None,
    *,
    register_catalogue: Callable[[MCPServer], None] | None = None,
    page: Page | None = None,
    before_snapshot: Callable[[MCPEndpoint], None] | None = None,
    prime: bool = False,
    service_name: str | None = None,
    metrics_namespace: str = DEFAULT_METRICS_NAMESPACE,
    authorizer: Authorizer | None = None,
    log_stream: IO[str] | None = None,
    metrics_stream: IO[str] | None = None,
) -> MCPBlueprint:
    """A Blueprint serving `server` at `/mcp` with every route an MCP endpoint needs.

    `server` is an `MCPServer`, or a function that builds one: then it is built at the endpoint's first request
    (at init under SnapStart or provisioned concurrency), so an app's other routes never pay for it.
    `register_catalogue(server)` registers tools, resources and prompts at their first need (`LazyCatalogue`).
    `settings` default to the `MCP_*` environment variables; the request log names `service_name`, else the
    server's name. With `prime=True`, SnapStart's before-snapshot hook is `chalice_mcp.snapstart.prime_endpoint`
    (one request of each kind from the server's own catalogue); `before_snapshot` is a hook of the app's own instead.
    The rest is passed to `build_endpoint`, which gives the server the endpoint's answer rules (`chalice_mcp.answers`).
    docs/own-tools.md documents every argument.
    """
    if prime and before_snapshot is not None:
        raise ValueError("give mcp_blueprint either prime=True or a before_snapshot hook of your own, not both")
    settings = settings if settings is not None else Settings.from_environment()
    snapshot_hook = prime_endpoint if prime else before_snapshot
    if not isinstance(server, MCPServer):
        # Built at its first request, but an `MCPServer` could ask: on Lambda, missing keys stop the start instead.
        refuse_lambda_without_keys(settings)

    def build(endpoint_settings: Settings, endpoint_path: str) -> MCPEndpoint:
        built = server if isinstance(server, MCPServer) else server()
        return build_endpoint(
            built,
            endpoint_settings,
            register_catalogue=register_catalogue,
            page=page,
            before_snapshot=snapshot_hook,
            service_name=service_name or log_service_name(built.name, blueprint.current_app),
            metrics_namespace=metrics_namespace,
            endpoint_path=endpoint_path,
            authorizer=authorizer,
            log_stream=log_stream,
            metrics_stream=metrics_stream,
        )

    blueprint = endpoint_blueprint(settings, build, eager=isinstance(server, MCPServer))
    return blueprint


def log_service_name(server_name: str, app: Chalice) -> str:
    """The server's name, unless the app is named so: Chalice gives the logger named after the app a handler of its
    own (unless `configure_logs=False`), and every request line would be written twice."""
    return f"{server_name}-mcp" if server_name == app.app_name else server_name


def endpoint_blueprint(settings: Settings, build: EndpointBuilder, *, eager: bool = True) -> MCPBlueprint:
    """The Blueprint's routes around an endpoint that `build` makes."""
    blueprint = MCPBlueprint(__name__, settings, build, eager=eager)

    # With MCP_API_KEY_REQUIRED=true API Gateway checks `x-api-key` against the stage's usage plans before Lambda
    # runs. Only POST: browsers send no key on a CORS preflight, and the other methods are refused anyway.
    @blueprint.route(ENDPOINT_PATH, methods=["POST"], content_types=["*/*"], api_key_required=settings.api_key_required)
    def mcp_endpoint() -> Response:
        return blueprint.answer(ENDPOINT_PATH, MCPEndpoint.handle)

    @blueprint.route(ENDPOINT_PATH, methods=OTHER_METHODS, content_types=["*/*"])
    def mcp_endpoint_other_methods() -> Response:
        """405 for GET, DELETE, PUT and PATCH; the CORS preflight for OPTIONS."""
        return blueprint.answer(ENDPOINT_PATH, MCPEndpoint.handle)

    # The documents get the same CORS treatment as the endpoint, preflight included.
    @blueprint.route(METADATA_PATH + ENDPOINT_PATH, methods=["GET", "OPTIONS"])
    def mcp_protected_resource_metadata() -> Response:
        return blueprint.answer(METADATA_PATH + ENDPOINT_PATH, MCPEndpoint.protected_resource_metadata)

    @blueprint.route(METADATA_PATH, methods=["GET", "OPTIONS"])
    def mcp_protected_resource_metadata_at_root() -> Response:
        return blueprint.answer(METADATA_PATH, MCPEndpoint.protected_resource_metadata)

    @blueprint.route("/", methods=["GET", "OPTIONS"])
    def mcp_server_card() -> Response:
        """The server card; a page for people in a browser, when the server has one."""
        return blueprint.answer("/", MCPEndpoint.front_page)

    if settings.authorization_server:
        add_authorization_server_routes(blueprint)
    return blueprint


def add_authorization_server_routes(blueprint: MCPBlueprint) -> None:
    """The routes of the OAuth authorization server (`chalice_mcp.auth.authorization_server.paths`). Routes are
    fixed when the app is imported, and so is the setting that asks for them: a deployment without an upstream has
    none of them, as before (API Gateway answers their paths itself)."""
    from chalice_mcp.auth.authorization_server.paths import ROUTE_METHODS

    for path, methods in ROUTE_METHODS.items():
        view_name = "mcp_oauth_" + "".join(c if c.isalnum() else "_" for c in path.strip("/"))

        def view(path: str = path) -> Response:
            return blueprint.answer_authorization(path)

        blueprint.route(path, methods=methods, content_types=["*/*"], name=view_name)(view)


def normalised_prefix(url_prefix: str | None) -> str:
    """`/tools` for `tools`, `/tools/` or `/tools`; "" for none. Chalice joins the prefix and a route the same way."""
    stripped = (url_prefix or "").strip("/")
    return f"/{stripped}" if stripped else ""


def settings_under_prefix(settings: Settings, url_prefix: str) -> Settings:
    """The settings the endpoint under `url_prefix` sees: MCP_PUBLIC_URL names the app's base URL, so the endpoint's
    own base (and with it the resource URL its tokens must name) is that URL plus the prefix. An explicit
    MCP_OAUTH_AUDIENCE is the resource URL as it is."""
    if not url_prefix or settings.public_url is None:
        return settings
    update = {"public_url": settings.public_url + url_prefix}
    if settings.authorization_server:
        # The server is its own issuer: at its base URL, prefix included.
        update["oauth_issuer"] = update["public_url"]
    return settings.model_copy(update=update)
