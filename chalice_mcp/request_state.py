"""Multi-round requests (2026-07-28) across Lambda containers: the request state a server seals is opened by any
container, because every one holds the same keys (MCP_REQUEST_STATE_KEYS).

A server asks the client for input by answering with an input-required result whose `requestState` the SDK seals
(`RequestStateBoundary`); the client sends the request again with the answers and the state, and the retry may reach
any container. Unless told otherwise the SDK seals under a key it generates in each process, which the next
container refuses. This module gives every server the endpoint serves the SDK's own boundary with the shared keys,
keeping the SDK's principal binding (client, issuer, subject of the token) and expiry.

A server *could ask* when it seals request state, that is when its middleware holds a `RequestStateBoundary`: every
`MCPServer` does (the SDK installs one, and any tool, prompt or resource handler may answer input-required), a
low-level `Server` only when its author appended one. On Lambda such a server refuses to start without keys: a
per-process key would fail retries at random under load, and under SnapStart every restored container would share
the one in the snapshot. `chalice local` and tests keep the SDK's per-process key.
"""

from __future__ import annotations

from typing import Any, Protocol

from mcp.server.context import ServerMiddleware
from mcp.server.request_state import RequestStateBoundary, RequestStateSecurity

from chalice_mcp.settings import Settings, SettingsError

MISSING_KEYS = (
    "MCP_REQUEST_STATE_KEYS is required on Lambda: this server seals request state for multi-round requests, and "
    "a retry that reaches another container can open it only with keys every container shares (comma-separated "
    'secrets of at least 32 bytes, e.g. python -c "import secrets; print(secrets.token_hex(32))")'
)


class ServerWithMiddleware(Protocol):
    """`MCPServer` and the SDK's low-level `Server` alike."""

    @property
    def name(self) -> str: ...

    @property
    def middleware(self) -> list[ServerMiddleware[Any]]: ...


def could_ask(server: ServerWithMiddleware) -> bool:
    """Whether `server` seals request state, and so may answer a request with an input-required result."""
    return any(isinstance(middleware, RequestStateBoundary) for middleware in server.middleware)


def refuse_lambda_without_keys(settings: Settings) -> None:
    """Raise `SettingsError` on Lambda when MCP_REQUEST_STATE_KEYS is missing: for a server that could ask."""
    if settings.on_lambda and not settings.request_state_keys:
        raise SettingsError(f"invalid MCP_* environment setting: {MISSING_KEYS}")


def configure_request_state(server: ServerWithMiddleware, settings: Settings) -> None:
    """Seal `server`'s request state with MCP_REQUEST_STATE_KEYS: its SDK boundary is replaced, in place, by one
    with the shared keys (the server's name stays the audience, as the SDK sets it). Without keys the SDK's
    per-process key stays, except on Lambda, where a server that could ask refuses to start."""
    if not could_ask(server):
        return
    keys = settings.request_state_key_bytes
    if not keys:
        refuse_lambda_without_keys(settings)
        return
    # The SDK's defaults for the rest: a 10-minute expiry and the token's (client, issuer, subject) as principal.
    boundary = RequestStateBoundary(RequestStateSecurity(keys=keys), default_audience=server.name)
    chain = server.middleware
    chain[:] = [boundary if isinstance(middleware, RequestStateBoundary) else middleware for middleware in chain]
