"""The endpoint's rules for what any server's answers say, as one SDK server middleware (`MCPServer.middleware`):
it sees each request's method and raw params, and the result in its wire form or the error raised, after the SDK's
handler and before the transport.

- `tools/list`: input schemas without generated titles (`input_schemas`).
- `tools/call`: tool errors as the caller should read them; a crash is "internal error in tool X" (`tool_errors`).
- `prompts/get`, `resources/read`: the caller's mistakes are invalid params (-32602), not internal errors.
- `completion/complete`: a handler's crash is noted by type for the request log, never logged with its traceback.
- every cacheable method (2026-07-28): the endpoint's cache hint unless the server set one (`cache_hints`).
"""

from __future__ import annotations

from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver.exceptions import UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS
from pydantic import ValidationError

from chalice_mcp.answers.cache_hints import with_endpoint_hint
from chalice_mcp.answers.failures import catching_sdk_exceptions, note_failure
from chalice_mcp.answers.input_schemas import CompactSchemas
from chalice_mcp.answers.tool_errors import plain_message, rewritten_result


class EndpointAnswers:
    """Implements the SDK's `ServerMiddleware`; one per server."""

    def __init__(self, cache_ttl_seconds: int) -> None:
        self.cache_ttl_ms = cache_ttl_seconds * 1000
        self._schemas = CompactSchemas()

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        method = ctx.method
        if method == "tools/call":
            return await self._call_tool(ctx, call_next)
        if method == "prompts/get":
            return await self._get_prompt(ctx, call_next)
        if method == "resources/read":
            result = await self._read_resource(ctx, call_next)
        elif method == "completion/complete":
            result = await self._complete(ctx, call_next)
        else:
            result = await call_next(ctx)
            if method == "tools/list" and isinstance(result, dict) and isinstance(result.get("tools"), list):
                result = {**result, "tools": self._schemas.listed(result["tools"])}
        return with_endpoint_hint(method, ctx.protocol_version, result, self.cache_ttl_ms)

    async def _call_tool(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        with catching_sdk_exceptions() as caught:
            result = await call_next(ctx)
        crash = next((error for error in caught if isinstance(error, UnexpectedToolError)), None)
        if crash is not None:
            note_failure(crash)
        return rewritten_result(_named(ctx.params, "name"), result, crashed=crash is not None)

    async def _get_prompt(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """The SDK wraps every failure of `get_prompt` in a `ValueError`: the caller's mistakes (an unknown prompt,
        missing arguments) are raised directly under it, while a prompt that failed to render carries its own cause
        one level further down: arguments its function's types refuse (the SDK validates them as it calls it, a
        mistake of the caller's too), or what the function raised. Unhandled, all are error code 0 with a traceback
        at ERROR. Params that are not even the request's shape (an argument's value that is not a string) fail the
        SDK's own check before any handler, as a bare `ValidationError`: the caller's mistake as well."""
        try:
            return await call_next(ctx)
        except MCPError:
            raise
        except ValidationError as error:
            raise MCPError(INVALID_PARAMS, plain_message(str(error))) from None
        except ValueError as error:
            raised = error.__cause__
            if isinstance(raised, ValueError) and raised.__cause__ is None:
                raise MCPError(INVALID_PARAMS, plain_message(str(error))) from None
            if raised is not None and isinstance(raised.__cause__, ValidationError):
                raise MCPError(INVALID_PARAMS, plain_message(str(raised.__cause__))) from None
            note_failure(raised if raised is not None else error)
            raise MCPError(INTERNAL_ERROR, f"internal error in prompt {_named(ctx.params, 'name')}") from None

    async def _complete(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """A completion handler that raised unexpectedly stays the SDK's -32603 for the caller, and its type is
        noted for the request log; the SDK would log its traceback, which may quote the argument's value."""
        with catching_sdk_exceptions() as caught:
            try:
                return await call_next(ctx)
            finally:
                if caught:
                    note_failure(caught[-1])

    async def _read_resource(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """A template's parameters that its function's types refuse are the caller's mistake; the SDK calls them a
        crash (-32603, with a traceback quoting the URI)."""
        with catching_sdk_exceptions() as caught:
            try:
                return await call_next(ctx)
            except MCPError as error:
                if error.code != INTERNAL_ERROR or not caught:
                    raise
                cause = caught[-1].__cause__
                uri = _named(ctx.params, "uri")
                if isinstance(cause, ValidationError):
                    refused = ", ".join(dict.fromkeys(str(problem["loc"][0]) for problem in cause.errors()))
                    raise MCPError(INVALID_PARAMS, f"Invalid parameters ({refused}) in {uri}", {"uri": uri}) from None
                note_failure(caught[-1])
                raise MCPError(INTERNAL_ERROR, f"internal error reading {uri}", {"uri": uri}) from None


def _named(params: Any, key: str) -> str:
    value = params.get(key) if isinstance(params, dict) else None
    return value if isinstance(value, str) else ""
