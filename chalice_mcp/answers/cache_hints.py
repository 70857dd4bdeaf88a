"""Cache hints (2026-07-28, SEP-2549) for a server that gives none: `ttlMs` from MCP_CACHE_TTL_SECONDS and scope
`public` on every cacheable method (`server/discover`, the four lists, `resources/read`).

A catalogue served through the endpoint is fixed per deployment and the same for every caller, so clients may keep
it. A server's own hint wins: one given to `MCPServer(cache_hints=...)`, or set by a handler on its result. Only an
answer at the protocol's defaults (`ttlMs: 0`, `cacheScope: "private"`, which is what a server that says nothing
sends) is filled; a server that wants a method never cached while the endpoint's TTL is on gives it
`CacheHint(ttl_ms=0, scope="public")`: immediately stale, so no client reuses it.
"""

from __future__ import annotations

from typing import TypeVar, cast

from mcp_types.methods import CACHEABLE_METHODS
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

Result = TypeVar("Result")

# What a result says when its server set no hint: immediately stale, for this caller only.
_UNSET = (0, "private")


def with_endpoint_hint(method: str, protocol_version: str | None, result: Result, ttl_ms: int) -> Result:
    """`result` (the wire form) with the endpoint's public hint of `ttl_ms` when the server left it unset."""
    if ttl_ms <= 0 or method not in CACHEABLE_METHODS or protocol_version not in MODERN_PROTOCOL_VERSIONS:
        return result
    if not isinstance(result, dict) or (result.get("ttlMs", 0), result.get("cacheScope", "private")) != _UNSET:
        return result
    if result.get("resultType") == "input_required":
        # A request for the client's input (the multi-round-trip flow) is never cached.
        return result
    return cast(Result, {**result, "ttlMs": ttl_ms, "cacheScope": "public"})
