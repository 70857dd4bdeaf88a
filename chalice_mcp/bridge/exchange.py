"""Plain HTTP request and reply values passed between the Chalice adapter, the edge rules and the SDK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from mcp_types import ErrorData, JSONRPCError

JSON_CONTENT_TYPE = "application/json"
SSE_CONTENT_TYPE = "text/event-stream"


@dataclass(frozen=True)
class HttpRequest:
    """One HTTP request as the bridge sees it; header names are lower case."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    query_string: str = ""
    request_id: str | None = None
    """API Gateway's id for the request (the one in its access logs), when there is one."""
    invocation_id: str | None = None
    """The Lambda invocation's id (the one in the function's own log lines), when there is one."""
    path_prefix: str = ""
    """What the client's URL has before `path`: API Gateway's stage (`/api`) or a custom domain's base path."""
    api_key_id: str | None = None
    """The id of the API key API Gateway checked for this request (never the key itself), when it checked one."""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class HttpReply:
    """One HTTP reply: a status, headers with canonical names (one value each) and a body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    failure: str | None = None
    """For the request log, not the client: the type of an exception a tool or prompt raised unexpectedly while
    the SDK answered (never its message)."""
    request_state_refused: str | None = None
    """For the request log: why the SDK refused the request's `requestState`, in its fixed words."""

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


def jsonrpc_error_reply(status: int, code: int, message: str, headers: Mapping[str, str] | None = None) -> HttpReply:
    """An HTTP error whose body is a JSON-RPC error with `id: null`, as the SDK's own transport errors are."""
    error = JSONRPCError(jsonrpc="2.0", id=None, error=ErrorData(code=code, message=message))
    body = error.model_dump_json(by_alias=True, exclude_unset=True).encode()
    return HttpReply(status=status, headers={"Content-Type": JSON_CONTENT_TYPE, **(headers or {})}, body=body)
