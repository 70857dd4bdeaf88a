"""The HTTP edge rules the SDK leaves to the host: Origin, body size, media types, one JSON-RPC object per body,
CORS, and methods other than POST.

The SDK's own Host/Origin check is switched off by the bridge (behind API Gateway the Host is never 127.0.0.1, so
it would answer 421); this module does the Origin half of that check with an allow-list from the settings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from mcp_types import INVALID_REQUEST, PARSE_ERROR, jsonrpc_message_adapter
from pydantic import ValidationError

from chalice_mcp.bridge.content_negotiation import quality
from chalice_mcp.bridge.exchange import JSON_CONTENT_TYPE, SSE_CONTENT_TYPE, HttpReply, HttpRequest, jsonrpc_error_reply

ALLOWED_METHODS = "POST"

CORS_ALLOWED_HEADERS = (
    "Content-Type",
    "Accept",
    "Authorization",
    "Mcp-Protocol-Version",
    "Mcp-Method",
    "Mcp-Name",
    "Mcp-Session-Id",
    "Last-Event-ID",
)
# API Gateway's usage-plan key: a browser client can only send it if the preflight allows it.
API_KEY_HEADER = "X-Api-Key"
CORS_EXPOSED_HEADERS = ("WWW-Authenticate", "Mcp-Session-Id", "Mcp-Protocol-Version")

# 2**63 - 1 has 19 digits: no body any server takes is longer, and Python's int() refuses strings over 4300 digits.
MAX_CONTENT_LENGTH_DIGITS = 19

# Fixed texts: the SDK's handshake-era report of a bad envelope is pydantic's, which spans lines, quotes the request
# (health data) and links pydantic's site.
PARSE_ERROR_MESSAGE = "Parse error: the body is not valid JSON"
NOT_ONE_JSONRPC_OBJECT_MESSAGE = (
    "Invalid Request: the body must be one JSON-RPC 2.0 object (a request, notification or response), not a batch"
)

# Browsers cache a preflight for at most 2 h (Chromium) or 24 h (Firefox); 2 h keeps both honest.
CORS_MAX_AGE_SECONDS = 7200


class OriginPolicy:
    """Which browser origins may call the server: exact origins, `scheme://host:*` (any port) or `*` (any)."""

    def __init__(self, allowed: Iterable[str]) -> None:
        patterns = tuple(allowed)
        self.allows_any = "*" in patterns
        self._exact = frozenset(p.rstrip("/") for p in patterns if not p.endswith(":*"))
        self._any_port = tuple(re.compile(re.escape(p[:-2]) + r"(:\d{1,5})?") for p in patterns if p.endswith(":*"))

    def allows(self, origin: str | None) -> bool:
        """A request without `Origin` comes from a server-side client, not a browser page, and is allowed."""
        if origin is None:
            return True
        if self.allows_any or origin in self._exact:
            return True
        return any(pattern.fullmatch(origin) for pattern in self._any_port)


def media_types(header_value: str | None) -> list[str]:
    """The bare media types in an Accept or Content-Type value, lower case, parameters dropped."""
    if not header_value:
        return []
    return [part.split(";", 1)[0].strip().lower() for part in header_value.split(",") if part.strip()]


def accepts(accept_header: str | None) -> tuple[bool, bool]:
    """Whether an Accept header admits JSON and whether it admits SSE: a weight above 0 for the most specific range
    that matches (`q=0` is "not acceptable", RFC 9110 §12.4.2); no header at all admits anything."""
    if accept_header is None:
        return True, True
    return quality(accept_header, JSON_CONTENT_TYPE) > 0, quality(accept_header, SSE_CONTENT_TYPE) > 0


def jsonrpc_message(body: bytes) -> tuple[dict[str, Any] | HttpReply, dict[str, Any] | None]:
    """The body, decoded, when it is one JSON-RPC message as the SDK's own envelope model reads it, else the 400 to
    send; and the JSON object the body holds, if any, refused or not. Decoded once here: the bridge and the request
    log read this instead of parsing the body again."""
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):
        # Not only JSONDecodeError: invalid UTF-8, an integer of over 4300 digits, or nesting past the interpreter's
        # recursion limit.
        return jsonrpc_error_reply(400, PARSE_ERROR, PARSE_ERROR_MESSAGE), None
    json_object = decoded if isinstance(decoded, dict) else None
    try:
        jsonrpc_message_adapter.validate_python(decoded, by_name=False)
    except ValidationError:
        return jsonrpc_error_reply(400, INVALID_REQUEST, NOT_ONE_JSONRPC_OBJECT_MESSAGE), json_object
    message: dict[str, Any] = decoded
    # What the envelope model lets through but JSON-RPC 2.0 (§4, §5) forbids, and the SDK would answer with a bare
    # 202 as if it were a notification: an id that is neither a string, an integer nor null (an error response's),
    # or a result and an error.
    request_id = message.get("id")
    if (request_id is not None and (isinstance(request_id, bool) or not isinstance(request_id, str | int))) or (
        "result" in message and "error" in message
    ):
        return jsonrpc_error_reply(400, INVALID_REQUEST, NOT_ONE_JSONRPC_OBJECT_MESSAGE), message
    return message, message


class EdgeRules:
    """Checks a request must pass before it reaches the SDK, and the headers every reply gets."""

    def __init__(self, origins: OriginPolicy, max_body_bytes: int, *, api_key_required: bool = False) -> None:
        self.origins = origins
        self.max_body_bytes = max_body_bytes
        self.cors_allowed_headers = CORS_ALLOWED_HEADERS + ((API_KEY_HEADER,) if api_key_required else ())

    def refuse_post(self, request: HttpRequest) -> HttpReply | None:
        """The error reply for a POST the SDK must not see, or None when it may pass."""
        if not self.origins.allows(request.header("origin")):
            return jsonrpc_error_reply(403, INVALID_REQUEST, "Forbidden: Origin is not allowed")
        declared_length = request.header("content-length")
        if declared_length is not None and not _is_decimal(declared_length):
            # RFC 9110 §8.6: Content-Length is 1*DIGIT. The SDK would read "1_000" as a thousand (Python's int()
            # allows underscores) and answer a plain-text 413 of its own.
            return jsonrpc_error_reply(400, INVALID_REQUEST, "Bad Request: Content-Length must be a decimal number")
        if len(request.body) > self.max_body_bytes or _exceeds(declared_length, self.max_body_bytes):
            return jsonrpc_error_reply(
                413, INVALID_REQUEST, f"Payload Too Large: the body may be at most {self.max_body_bytes} bytes"
            )
        if media_types(request.header("content-type"))[:1] != [JSON_CONTENT_TYPE]:
            return jsonrpc_error_reply(
                415, INVALID_REQUEST, "Unsupported Media Type: Content-Type must be application/json"
            )
        admits_json, admits_sse = accepts(request.header("accept"))
        if not (admits_json or admits_sse):
            return jsonrpc_error_reply(
                406, INVALID_REQUEST, "Not Acceptable: Accept must admit application/json or text/event-stream"
            )
        return None

    def method_not_allowed(self, request: HttpRequest) -> HttpReply:
        """GET and DELETE are refused at once: a stateless GET would open an SSE stream API Gateway never ends."""
        reply = jsonrpc_error_reply(405, INVALID_REQUEST, f"Method Not Allowed: {request.method}; use POST")
        reply.headers["Allow"] = ALLOWED_METHODS
        return reply

    def preflight(self, request: HttpRequest, methods: str = ALLOWED_METHODS) -> HttpReply:
        """Answer a CORS preflight for a route that takes `methods` (POST for /mcp, GET for the documents)."""
        origin = request.header("origin")
        if not self.origins.allows(origin):
            return jsonrpc_error_reply(403, INVALID_REQUEST, "Forbidden: Origin is not allowed")
        reply = HttpReply(status=204, headers={"Allow": f"{methods}, OPTIONS"})
        if origin is not None:
            reply.headers.update(
                {
                    "Access-Control-Allow-Methods": f"{methods}, OPTIONS",
                    "Access-Control-Allow-Headers": ", ".join(self.cors_allowed_headers),
                    "Access-Control-Max-Age": str(CORS_MAX_AGE_SECONDS),
                }
            )
        return self.with_cors(request, reply)

    def with_cors(self, request: HttpRequest, reply: HttpReply) -> HttpReply:
        """Let an allowed browser origin read the reply and the auth and session headers on it. A reply that any
        origin may already read (`*`, the public metadata) is left as it is."""
        origin = request.header("origin")
        if reply.headers.get("Access-Control-Allow-Origin") == "*":
            return reply
        if origin is not None and self.origins.allows(origin):
            reply.headers["Access-Control-Allow-Origin"] = origin
            reply.headers["Access-Control-Expose-Headers"] = ", ".join(CORS_EXPOSED_HEADERS)
            # Added to what the reply already varies on (the page at `/` varies on Accept), not in its place.
            varies = [name.strip() for name in reply.headers.get("Vary", "").split(",") if name.strip()]
            reply.headers["Vary"] = ", ".join([*varies, "Origin"] if "Origin" not in varies else varies)
        return reply


def _is_decimal(value: str) -> bool:
    """ASCII digits only: `str.isdigit` also admits "²", which `int` rejects."""
    digits = value.strip()
    return digits.isascii() and digits.isdigit()


def _exceeds(declared_length: str | None, limit: int) -> bool:
    if declared_length is None or not _is_decimal(declared_length):
        return False
    digits = declared_length.strip()
    return len(digits) > MAX_CONTENT_LENGTH_DIGITS or int(digits) > limit
