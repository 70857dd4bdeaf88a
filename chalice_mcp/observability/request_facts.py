"""The facts about one handled request that may be logged: never argument values, results, tokens or headers.

Everything read from the body is a protocol field (method, protocol version, client name and version), and even
those are kept only when they look like identifiers, so a hostile client cannot smuggle text into the logs. The
target (a tool or prompt name, a resource URI) is not taken from the body at all: it is what the server's catalogue
calls it (the name, or the URI template a resource URI matches), else `(unknown)`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from chalice_mcp.bridge.hooks import HandledRequest

# `input_required`: the tool asked the person (2026-07-28) and awaits the retry; `tool_error`: the tool refused the
# call (bad arguments, a domain error); `tool_failed`: it raised unexpectedly.
Outcome = Literal["ok", "input_required", "tool_error", "tool_failed", "protocol_error", "auth_refused"]
# Outcomes that are no failure: an input-required result (2026-07-28) asks the person and awaits the retry.
NOT_FAILED: frozenset[str] = frozenset({"ok", "input_required"})
# The `resultType` of a result that asks the client for input before the request can be answered.
INPUT_REQUIRED_RESULT = "input_required"

# The target of a request that names nothing in the catalogue, in the log and as the metrics' `tool` dimension.
UNKNOWN_TARGET = "(unknown)"

_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:/{}@+-]{1,128}")
_CLIENT_INFO_META_KEY = "io.modelcontextprotocol/clientInfo"
_PROTOCOL_VERSION_META_KEY = "io.modelcontextprotocol/protocolVersion"
_NAMED_METHODS = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}


class Catalogue(Protocol):
    def catalogued_target(self, method: str, requested: object) -> str | None:
        """What the catalogue calls `requested` (a `tools/call` or `prompts/get` name, a `resources/read` URI), or
        None when it names nothing registered."""
        ...


@dataclass(frozen=True)
class RequestFacts:
    method: str | None
    target: str | None
    protocol_version: str | None
    era: Literal["handshake", "per-request"] | None
    client_name: str | None
    client_version: str | None
    outcome: Outcome
    status: int


def identifier(value: Any) -> str | None:
    """`value` when it is a short identifier-like string, else None."""
    return value if isinstance(value, str) and _IDENTIFIER.fullmatch(value) else None


def facts_of(handled: HandledRequest, catalogue: Catalogue | None = None) -> RequestFacts:
    # What the edge decoded, never the body again: a body it refused unread (one too large, say) stays unread.
    decoded = handled.message if handled.message is not None else handled.decoded
    body = dict(decoded) if decoded is not None else {}
    params: dict[str, Any] = body["params"] if isinstance(body.get("params"), dict) else {}
    meta: dict[str, Any] = params["_meta"] if isinstance(params.get("_meta"), dict) else {}
    method = identifier(body.get("method"))
    client_info = params.get("clientInfo") if method == "initialize" else meta.get(_CLIENT_INFO_META_KEY)
    client_info = client_info if isinstance(client_info, dict) else {}
    protocol_version = identifier(
        (params.get("protocolVersion") if method == "initialize" else None)
        or handled.request.header("mcp-protocol-version")
        or meta.get(_PROTOCOL_VERSION_META_KEY)
    )
    era: Literal["handshake", "per-request"] | None = None
    if protocol_version is not None:
        era = "per-request" if protocol_version in MODERN_PROTOCOL_VERSIONS else "handshake"
    target = None
    if method in _NAMED_METHODS:
        requested = params.get(_NAMED_METHODS[method])
        catalogued = catalogue.catalogued_target(method, requested) if catalogue is not None else None
        target = catalogued or UNKNOWN_TARGET
    return RequestFacts(
        method=method,
        target=target,
        protocol_version=protocol_version,
        era=era,
        client_name=identifier(client_info.get("name")),
        client_version=identifier(client_info.get("version")),
        outcome=outcome_of(handled),
        status=handled.reply.status,
    )


def outcome_of(handled: HandledRequest) -> Outcome:
    if handled.answered_by == "auth":
        return "auth_refused"
    if handled.reply.status >= 400:
        return "protocol_error"
    if handled.answered_by == "edge" or not handled.reply.body:
        return "ok"
    answer = _json_object(_jsonrpc_payload(handled.reply.body))
    if handled.reply.failure is not None and "result" in answer:
        return "tool_failed"
    if "error" in answer:
        return "protocol_error"
    result = answer.get("result")
    if isinstance(result, dict) and result.get("isError") is True:
        return "tool_error"
    if isinstance(result, dict) and result.get("resultType") == INPUT_REQUIRED_RESULT:
        return "input_required"
    return "ok"


def tenant_of(handled: HandledRequest) -> str | None:
    """Who is billed for a request: the id of the API key API Gateway checked, else the OAuth client the token was
    issued to (`client_id`/`azp`, or Okta's `cid`). Ids only, never a key or a token."""
    if handled.request.api_key_id:
        return identifier(handled.request.api_key_id)
    token = handled.access_token
    if token is None:
        return None
    return identifier(token.client_id or (token.claims or {}).get("cid"))


def hashed_subject(key: bytes, issuer: str | None, subject: str | None) -> str | None:
    """A stable tag for a caller, enough to count and correlate: HMAC-SHA256 (RFC 2104) of issuer and subject
    under the deployment's secret key, so whoever reads the logs cannot test guessed subjects (emails, say)."""
    if not subject:
        return None
    return hmac.new(key, f"{issuer or ''}\x00{subject}".encode(), hashlib.sha256).hexdigest()[:16]


def _jsonrpc_payload(body: bytes) -> bytes:
    """The JSON-RPC response in a reply: the body itself, or, in an SSE reply (notifications first, then the
    response), the `data:` of the one event that answers the request."""
    if not (body.startswith(b"event:") or body.startswith(b"data:") or body.startswith(b"id:")):
        return body
    for line in reversed(body.splitlines()):
        if line.startswith(b"data:"):
            data = line[len(b"data:") :].strip()
            if _is_response(_json_object(data)):
                return data
    return b""


def _is_response(message: dict[str, Any]) -> bool:
    return "id" in message and ("result" in message or "error" in message)


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        decoded = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    return decoded if isinstance(decoded, dict) else {}
