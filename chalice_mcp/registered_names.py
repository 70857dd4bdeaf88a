"""What a server has registered, by name: its tools, prompts, resources and resource templates, read once they are
all there through the server's own listing API.

The request log and the metrics name a request's target only by these, never by what the caller sent: a client
inventing names cannot inflate metric cardinality, and an app's resource URIs (which may hold ids or names in their
template parameters) never reach the logs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from mcp.server import MCPServer
from mcp.shared.uri_template import UriTemplate

from chalice_mcp.bridge.event_loop import ContainerEventLoop
from chalice_mcp.lazy_catalogue import LazyCatalogue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Registered:
    tools: tuple[str, ...]
    prompts: frozenset[str]
    resources: frozenset[str]
    templates: tuple[tuple[str, UriTemplate], ...]


class RegisteredNames:
    """The names registered on a server, read at their first need (which registers a lazy catalogue first)."""

    def __init__(
        self,
        server: MCPServer,
        event_loop: ContainerEventLoop,
        catalogue: LazyCatalogue | None,
        gated: Iterable[str] = (),
    ) -> None:
        self._server = server
        # The tools of MCP_OAUTH_TOOL_SCOPES: a name the server lacks is a misspelling that gates nothing.
        self._gated = tuple(gated)
        self._event_loop = event_loop
        self._catalogue = catalogue
        self._lock = threading.Lock()
        self._registered: _Registered | None = None

    def tool_names(self) -> tuple[str, ...]:
        """Every tool name, in the order the server lists them."""
        return self._read().tools

    def catalogued_target(self, method: str, requested: object) -> str | None:
        """What `requested` (the name of a `tools/call` or `prompts/get`, the URI of a `resources/read`) is in the
        catalogue: the name itself, the static resource's URI, or the URI template it matches, tried in the SDK's
        order (static resources first, then templates as registered). None when nothing registered is named."""
        if not isinstance(requested, str):
            return None
        # Before a lazy catalogue is registered no request needing it has been answered: nothing is worth reading.
        if self._registered is None and self._catalogue is not None and not self._catalogue.registered:
            return None
        registered = self._read()
        if method == "tools/call":
            return requested if requested in registered.tools else None
        if method == "prompts/get":
            return requested if requested in registered.prompts else None
        if method == "resources/read":
            if requested in registered.resources:
                return requested
            for uri_template, parsed in registered.templates:
                if parsed.match(requested) is not None:
                    return uri_template
        return None

    def _read(self) -> _Registered:
        if self._registered is None:
            if self._catalogue is not None:
                self._catalogue.ensure_registered()
            with self._lock:
                if self._registered is None:
                    self._registered = self._event_loop.run(_registered_on(self._server))
                    if unknown := sorted(set(self._gated) - set(self._registered.tools)):
                        logger.warning("MCP_OAUTH_TOOL_SCOPES names tools this server lacks: %s", ", ".join(unknown))
        return self._registered


async def _registered_on(server: MCPServer) -> _Registered:
    tools = await server.list_tools()
    prompts = await server.list_prompts()
    resources = await server.list_resources()
    templates = await server.list_resource_templates()
    return _Registered(
        tools=tuple(tool.name for tool in tools),
        prompts=frozenset(prompt.name for prompt in prompts),
        resources=frozenset(str(resource.uri) for resource in resources),
        # The SDK parsed each template when it was registered, so parsing it again cannot fail.
        templates=tuple((template.uri_template, UriTemplate.parse(template.uri_template)) for template in templates),
    )
