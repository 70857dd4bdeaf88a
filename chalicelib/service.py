"""The composition root: settings, the fitness MCP server, the bridge that serves it and its observer, wired once
per container."""

from __future__ import annotations

import atexit
import json
import os
from typing import Any

from mcp.server import MCPServer

from chalicelib import garbage_collector
from chalicelib.auth.protected_resource import (
    invalid_host_reply,
    metadata_reply,
    public_base_url,
    resource_url,
)
from chalicelib.bridge import StatelessMCPBridge
from chalicelib.bridge.content_negotiation import HTML_CONTENT_TYPE, prefers_html
from chalicelib.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.card import server_card
from chalicelib.mcp_server.catalogue import FitnessCatalogue, catalogue_needed_for
from chalicelib.mcp_server.home_page import CONTENT_SECURITY_POLICY, ToolSummary, render_home_page, tool_summaries
from chalicelib.observability import RequestObserver, configure_library_logging
from chalicelib.settings import Settings
from chalicelib.snapstart import priming_requests, refresh_after_restore, register_runtime_hooks

# Lambda's AWS_LAMBDA_INITIALIZATION_TYPE for an init that no caller waits for: SnapStart snapshots the container
# after init, and provisioned concurrency starts it ahead of traffic. Then everything is built at init.
SNAPSTART_INIT = "snap-start"
INITS_AHEAD_OF_REQUESTS = frozenset({SNAPSTART_INIT, "provisioned-concurrency"})


class FitnessService:
    def __init__(self, settings: Settings, server: MCPServer, bridge: StatelessMCPBridge) -> None:
        self.settings = settings
        self.server = server
        self.bridge = bridge
        self.catalogue = FitnessCatalogue(server)
        self._card: dict[str, Any] | None = None
        self._tool_summaries: list[ToolSummary] | None = None
        bridge.before_sdk = self._prepare

    @classmethod
    def from_environment(cls) -> FitnessService:
        settings = Settings.from_environment()
        configure_library_logging()
        server = build_fitness_server(with_catalogue=False, cache_ttl_seconds=settings.cache_ttl_seconds)
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
            metrics_by_tenant=settings.metrics_by_tenant,
            # Tool names become metric dimensions only once they are registered, so the set is read lazily.
            known_tools=service.catalogue,
        )
        initialization_type = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE")
        if initialization_type in INITS_AHEAD_OF_REQUESTS:
            _ = service.card
        if initialization_type == SNAPSTART_INIT:
            register_runtime_hooks(before_snapshot=service.prime, after_restore=refresh_after_restore)
        return service

    @property
    def card(self) -> dict[str, Any]:
        """The server card for `GET /`, built on first use: the catalogue is fixed once registered."""
        if self._card is None:
            self.catalogue.ensure_registered()
            self._card = self.bridge.run(server_card(self.server, self.settings.auth_mode))
        return self._card

    def prime(self) -> None:
        """Answer one request of each kind in-process, so that a container restored from a snapshot taken now
        starts with every first-time path already taken (chalicelib/snapstart.py)."""
        # What priming builds is kept for the container's life: frozen like the start's objects, a restored
        # container's collections do not walk it (a full pass over it would cost the first request more than
        # priming saves, as every page it touches is faulted in from the snapshot).
        with garbage_collector.paused_while_starting():
            self.catalogue.ensure_registered()
            _ = self.card
            tools = self.bridge.run(self.server.list_tools())
            resources = self.bridge.run(self.server.list_resources())
            for request in priming_requests(tools, str(resources[0].uri)):
                self.bridge.answer_in_process(request)

    def front_page(self, request: HttpRequest) -> HttpReply:
        """`GET /`: the page for people when `Accept` prefers HTML (a browser), else the JSON card."""
        # One URL, two representations: caches must key on Accept.
        headers = {"Vary": "Accept"}
        if not prefers_html(request.header("accept")):
            body = json.dumps(self.card).encode()
            return HttpReply(status=200, headers={**headers, "Content-Type": JSON_CONTENT_TYPE}, body=body)
        base_url = public_base_url(request, self.settings.public_url)
        if base_url is None:
            return invalid_host_reply()
        if self._tool_summaries is None:
            self.catalogue.ensure_registered()
            self._tool_summaries = self.bridge.run(tool_summaries(self.server))
        page = render_home_page(
            title=self.server.title or self.server.name,
            version=self.server.version or "",
            endpoint_url=resource_url(base_url),
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
        """The RFC 9728 metadata document, or 404 when the server does not use OAuth."""
        return metadata_reply(request, self.settings)

    def _prepare(self, request: HttpRequest) -> None:
        # Once registered, a warm request does not even read its method.
        if not self.catalogue.registered and catalogue_needed_for(jsonrpc_method(request)):
            self.catalogue.ensure_registered()


def jsonrpc_method(request: HttpRequest) -> str | None:
    """The JSON-RPC method a POST asks for: its `Mcp-Method` header (2026-07-28), else the body's `method`."""
    if named := request.header("mcp-method"):
        return named
    try:
        message = json.loads(request.body)
    except (ValueError, RecursionError):
        # Not JSON, not UTF-8, or nested past Python's recursion limit: the SDK answers it with an error.
        return None
    method = message.get("method") if isinstance(message, dict) else None
    return method if isinstance(method, str) else None
