"""Serve any `MCPServer` statelessly: one HTTP request in, the SDK's Streamable HTTP handling, one HTTP reply out.

The SDK owns JSON-RPC and MCP, both protocol eras included; this module only turns an `HttpRequest` into an ASGI
exchange with the SDK's stateless session manager and collects the reply. The manager, its task group and the
event loop are built once per container, so a warm request pays only for its own exchange.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import INTERNAL_ERROR, LOG_LEVEL_META_KEY
from starlette.types import ASGIApp, Message

from chalice_mcp.answers.failures import ANSWER_NOTES, AnswerNotes
from chalice_mcp.bridge.edge import EdgeRules, accepts, jsonrpc_message
from chalice_mcp.bridge.event_loop import ContainerEventLoop
from chalice_mcp.bridge.exchange import (
    JSON_CONTENT_TYPE,
    SSE_CONTENT_TYPE,
    HttpReply,
    HttpRequest,
    jsonrpc_error_reply,
)
from chalice_mcp.bridge.hooks import AllowEveryone, AnsweredBy, Authorizer, AuthOutcome, HandledRequest, Observer

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Chalice and API Gateway compute these themselves; passing the SDK's on would duplicate or contradict them.
_HOP_BY_HOP_HEADERS = frozenset({"content-length", "connection", "transfer-encoding", "keep-alive"})
# The coroutine sse-starlette's EventSourceResponse starts once per thread (`sse_starlette.sse._shutdown_watcher`).
_SSE_SHUTDOWN_WATCHER = "_shutdown_watcher"
_CANONICAL_HEADER_NAMES = {"www-authenticate": "WWW-Authenticate", "mcp-session-id": "Mcp-Session-Id"}


@dataclass(frozen=True)
class _Answered:
    reply: HttpReply
    answered_by: AnsweredBy
    access_token: AccessToken | None = None
    message: Mapping[str, Any] | None = None
    auth_outcome: AuthOutcome | None = None
    decoded: Mapping[str, Any] | None = None


class StreamableHTTPServer(Protocol):
    """What the bridge needs of a server: `MCPServer` and the SDK's low-level `Server` both qualify."""

    def streamable_http_app(
        self,
        *,
        stateless_http: bool = ...,
        json_response: bool = ...,
        max_request_body_size: int = ...,
        transport_security: TransportSecuritySettings | None = ...,
    ) -> Any: ...

    @property
    def session_manager(self) -> StreamableHTTPSessionManager: ...


class StatelessMCPBridge:
    """One per container: answers every POST /mcp through the SDK, statelessly, in JSON."""

    def __init__(
        self,
        server: StreamableHTTPServer,
        edge: EdgeRules,
        *,
        request_timeout_seconds: float = 25.0,
        authorizer: Authorizer | None = None,
        observer: Observer | None = None,
        before_sdk: Callable[[HttpRequest], None] | None = None,
        event_loop: ContainerEventLoop | None = None,
    ) -> None:
        self.edge = edge
        self.authorizer: Authorizer = authorizer or AllowEveryone()
        self.observer = observer
        # Called with each request the SDK is about to answer, after auth: the host's chance to register lazily.
        self.before_sdk = before_sdk
        self.request_timeout_seconds = request_timeout_seconds
        self._server = server
        self._event_loop = event_loop or ContainerEventLoop()
        self._event_loop.run(self._start_session_managers())

    async def _start_session_managers(self) -> None:
        # Building the app is the SDK's public way to create its session manager; its Starlette routing is unused.
        # The SSE one answers only requests that ask for notifications (see `asks_for_notifications`): it is built
        # first because `session_manager` is the most recently built one.
        streaming = stateless_session_manager(self._server, self.edge.max_body_bytes, json_response=False)
        answering = stateless_session_manager(self._server, self.edge.max_body_bytes, json_response=True)
        started, stopping = asyncio.Event(), asyncio.Event()
        # The managers' task groups must outlive every request, so a task of the container's loop holds them open.
        task = asyncio.ensure_future(_hold_open((answering, streaming), started, stopping))
        task.add_done_callback(_report_unexpected_end)
        await started.wait()
        self._session_manager = answering
        self._streaming_session_manager = streaming
        self._session_managers_task = task
        self._session_managers_stopping = stopping

    async def _session_managers_serving(self) -> None:
        """Replace the session managers by new ones first if a task group of theirs has ended.

        A `BaseException` that escapes a handler ends the SDK's task group, and every later request in both eras
        would get "Task group is not initialized" until Lambda recycled the container. This runs on the container's
        loop, which one request at a time drives, so two requests never replace them at once.
        """
        # One turn of the loop first: a task group that failed during the previous request has its cancellation
        # delivered to the holding task only then (the loop stopped as soon as that request was answered).
        await asyncio.sleep(0)
        if self._session_managers_stopping.is_set():
            logger.warning("the MCP SDK's session manager had stopped; starting a new one")
            await self._start_session_managers()

    def close(self) -> None:
        """Leave the session managers' contexts and close the loop: for an orderly interpreter exit."""
        task = self._session_managers_task
        task.cancel()
        # Waited for, not awaited: a task group that failed ends with its error, which `_report_unexpected_end` logs.
        self._event_loop.run(asyncio.wait([task]))
        self._event_loop.close()

    def handle(self, request: HttpRequest) -> HttpReply:
        """Answer one request to the MCP endpoint, whatever its method, and let the observer see it."""
        started = time.perf_counter()
        answered = self._answer(request)
        reply = self.edge.with_cors(request, answered.reply)
        if self.observer is not None:
            duration_ms = (time.perf_counter() - started) * 1000
            handled = HandledRequest(
                request,
                reply,
                answered.answered_by,
                duration_ms,
                answered.access_token,
                answered.message,
                auth_outcome=answered.auth_outcome,
                decoded=answered.decoded,
            )
            try:
                self.observer.observe(handled)
            except Exception:
                # Observability must never cost the caller its answer.
                logger.exception("the request observer failed")
        return reply

    def answer_in_process(self, request: HttpRequest) -> HttpReply:
        """Answer a POST the host itself makes (priming a SnapStart snapshot, say): straight to the SDK, without the
        edge rules, the authorizer or the observer, so it is neither refused nor logged nor counted."""
        message, _ = jsonrpc_message(request.body)
        if isinstance(message, HttpReply):
            return message
        if self.before_sdk is not None:
            self.before_sdk(request)
        return self._answer_post(request, message, None, time.monotonic() + self.request_timeout_seconds)

    def _answer(self, request: HttpRequest) -> _Answered:
        if request.method == "OPTIONS":
            return _Answered(self.edge.preflight(request), "edge")
        if request.method != "POST":
            return _Answered(self.edge.method_not_allowed(request), "edge")
        refusal = self.edge.refuse_post(request)
        if refusal is not None:
            return _Answered(refusal, "edge")
        # Before any auth work or the SDK: a batch or a malformed envelope costs one parse, and its answer is ours.
        message, decoded = jsonrpc_message(request.body)
        if isinstance(message, HttpReply):
            return _Answered(message, "edge", decoded=decoded)
        # One deadline for authorization (which may fetch the issuer's keys) and the SDK's answer together.
        deadline = time.monotonic() + self.request_timeout_seconds
        decision = self.authorizer.authorize(request, deadline)
        if decision.refusal is not None:
            return _Answered(decision.refusal, "auth", message=message, auth_outcome=decision.outcome, decoded=message)
        if self.before_sdk is not None:
            self.before_sdk(request)
        reply = self._answer_post(request, message, decision.access_token, deadline)
        return _Answered(reply, "sdk", decision.access_token, message, decision.outcome, message)

    def _answer_post(
        self,
        request: HttpRequest,
        message: Mapping[str, Any],
        access_token: AccessToken | None,
        deadline: float,
    ) -> HttpReply:
        admits_json, admits_sse = accepts(request.header("accept"))
        headers = dict(request.headers)
        if admits_sse and asks_for_notifications(message):
            # Answered in the SDK's SSE mode and buffered into one reply: the notifications, in order, then the
            # result. API Gateway cannot stream, but the client still receives every notification.
            headers["accept"] = f"{JSON_CONTENT_TYPE}, {SSE_CONTENT_TYPE}"
            exchange = self._exchange(request, headers, access_token, streaming=True)
            return self._run_exchange(without_shutdown_watchers_left(exchange), deadline)
        # The SDK answers in JSON; a client that only takes SSE gets that same answer as one SSE event below.
        headers["accept"] = JSON_CONTENT_TYPE if not admits_json else headers.get("accept", JSON_CONTENT_TYPE)
        reply = self._run_exchange(self._exchange(request, headers, access_token, streaming=False), deadline)
        if not admits_json and reply.status == 200 and reply.content_type == JSON_CONTENT_TYPE:
            return as_single_sse_event(reply)
        return reply

    def _run_exchange(self, exchange: Coroutine[Any, Any, HttpReply], deadline: float) -> HttpReply:
        try:
            reply = self._event_loop.run(exchange, deadline - time.monotonic())
        except TimeoutError:
            return jsonrpc_error_reply(504, INTERNAL_ERROR, "Gateway Timeout: the request took too long to answer")
        except Exception as error:
            # The exception's type only: its message, like the request body, may quote health data.
            logger.error("the MCP SDK failed to answer a request: %s", type(error).__name__)
            return jsonrpc_error_reply(500, INTERNAL_ERROR, "Internal error")
        return reply

    async def _exchange(
        self, request: HttpRequest, headers: dict[str, str], access_token: AccessToken | None, *, streaming: bool
    ) -> HttpReply:
        await self._session_managers_serving()
        session_manager = self._streaming_session_manager if streaming else self._session_manager
        # The SDK's handlers run in a copy of this context: what they note about the answer lands here.
        notes = AnswerNotes()
        token = ANSWER_NOTES.set(notes)
        try:
            reply = await asgi_exchange(session_manager.handle_request, request, headers, access_token)
        finally:
            ANSWER_NOTES.reset(token)
        reply.failure = notes.failure
        reply.request_state_refused = notes.request_state_refused
        return reply


async def _hold_open(
    session_managers: tuple[StreamableHTTPSessionManager, ...], started: asyncio.Event, stopping: asyncio.Event
) -> None:
    async with contextlib.AsyncExitStack() as running:
        for session_manager in session_managers:
            await running.enter_async_context(session_manager.run())
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            # Reached as soon as a task group is cancelled, before the SDK clears it and long before this task is
            # done (its unwinding needs turns of the loop, which runs only while a request is served).
            stopping.set()


def _report_unexpected_end(task: asyncio.Future[None]) -> None:
    """Retrieve how the managers' task ended, so asyncio never logs "exception was never retrieved" for it."""
    if not task.cancelled() and (error := task.exception()) is not None:
        # The type only: an exception's text may quote a tool's (health) arguments.
        logger.error("the MCP SDK's session manager ended with %s", type(error).__name__)


async def without_shutdown_watchers_left(exchange: Coroutine[Any, Any, T]) -> T:
    """Run `exchange`, then end the shutdown watcher sse-starlette started for it.

    sse-starlette starts one watcher task per thread (it polls for a server shutdown every 0.5 s, for as long as the
    loop lives). The container's loop is run by whichever thread serves the request, and `chalice local` serves each
    request on a new thread: one more watcher per SSE reply, forever. Nothing here needs one: the reply is complete
    before the exchange returns.
    """
    try:
        return await exchange
    finally:
        watchers = [
            task
            for task in asyncio.all_tasks()
            if not task.done() and getattr(task.get_coro(), "__qualname__", None) == _SSE_SHUTDOWN_WATCHER
        ]
        for watcher in watchers:
            watcher.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)


def stateless_session_manager(
    server: StreamableHTTPServer, max_body_bytes: int, *, json_response: bool
) -> StreamableHTTPSessionManager:
    """A new stateless session manager for `server`, answering in JSON or in SSE."""
    server.streamable_http_app(
        stateless_http=True,
        json_response=json_response,
        max_request_body_size=max_body_bytes,
        # Behind API Gateway the Host header is the gateway's, never 127.0.0.1: the SDK's default check would
        # answer 421. The edge rules check Origin instead, against the configured allow-list.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    return server.session_manager


def asks_for_notifications(message: Mapping[str, Any]) -> bool:
    """Whether a request's `_meta` asks for notifications while it runs: a `progressToken`, or (2026-07-28) a log
    level."""
    params = message.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    return isinstance(meta, dict) and (
        meta.get("progressToken") is not None or meta.get(LOG_LEVEL_META_KEY) is not None
    )


async def asgi_exchange(
    asgi_app: ASGIApp, request: HttpRequest, headers: dict[str, str], access_token: AccessToken | None = None
) -> HttpReply:
    """Run one ASGI HTTP exchange with `asgi_app` for `request` (sent with `headers`) and collect the reply.

    A validated `access_token` reaches tool code the way the SDK's own auth middleware passes it on: as the
    scope's `user` and through `mcp.server.auth.middleware.auth_context.get_access_token()`.
    """
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "https",
        "path": request.path,
        "raw_path": request.path.encode("latin-1", "replace"),
        "root_path": "",
        "query_string": request.query_string.encode("latin-1", "replace"),
        "headers": [
            (name.lower().encode("latin-1", "replace"), value.encode("latin-1", "replace"))
            for name, value in headers.items()
        ],
        "client": None,
        "server": None,
    }
    response_complete = asyncio.Event()
    body_delivered = False

    async def receive() -> Message:
        nonlocal body_delivered
        if not body_delivered:
            body_delivered = True
            return {"type": "http.request", "body": request.body, "more_body": False}
        # The client stays connected until the reply is complete, as an API Gateway caller does.
        await response_complete.wait()
        return {"type": "http.disconnect"}

    status = 500
    raw_headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def send(message: Message) -> None:
        nonlocal status, raw_headers
        if message["type"] == "http.response.start":
            status = message["status"]
            raw_headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                response_complete.set()

    user = AuthenticatedUser(access_token) if access_token is not None else None
    scope["user"] = user
    context_token = auth_context_var.set(user)
    try:
        await asgi_app(scope, receive, send)
    finally:
        auth_context_var.reset(context_token)
        response_complete.set()
    return HttpReply(status=status, headers=normalised_headers(raw_headers), body=b"".join(chunks))


def normalised_headers(raw_headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """One value per header under its canonical name, without the length and hop-by-hop headers."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in raw_headers:
        name = raw_name.decode("latin-1").lower()
        if name in _HOP_BY_HOP_HEADERS:
            continue
        canonical = _CANONICAL_HEADER_NAMES.get(name) or "-".join(part.capitalize() for part in name.split("-"))
        headers[canonical] = raw_value.decode("latin-1")
    return headers


def as_single_sse_event(reply: HttpReply) -> HttpReply:
    """The same JSON-RPC answer as one SSE `message` event, for a client whose Accept admits only SSE."""
    body = b"event: message\ndata: " + reply.body.replace(b"\n", b"") + b"\n\n"
    headers = {**reply.headers, "Content-Type": SSE_CONTENT_TYPE, "Cache-Control": "no-cache"}
    return HttpReply(
        status=reply.status,
        headers=headers,
        body=body,
        failure=reply.failure,
        request_state_refused=reply.request_state_refused,
    )
