"""Median in-process latency of a `tools/call` through the Chalice handler: SDK handling built once per container
vs. built per request; and, side by side with the authless app, the app that is its own OAuth authorization server
(MCP_OAUTH_UPSTREAM_ISSUER) checking one of its own access tokens (in memory: no network call).

All variants answer the same API Gateway proxy event through `app(event, context)` of a Chalice app with the same
route, edge rules and request observer; they differ only in how the SDK's stateless handling is obtained:
  once per container  the fitness Blueprint `app.py` registers, its endpoint built by the same `build_service`:
                      session manager, task group and event loop built once.
  per request         a new session manager (and its task group and server lifespan) for every request, on the
                      container's loop.
  per request + loop  the same plus a new event loop per request (`asyncio.run` in the handler), as a handler that
                      wraps the SDK per invocation does.
Rounds alternate between the variants, so machine noise hits all of them alike.
Run: .venv/bin/python bench/request_latency.py [rounds]
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import statistics
import sys
import time
from collections.abc import AsyncIterator, Callable, Container
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_gateway_events import LambdaContext, proxy_event
from chalice import Chalice, Response

from chalice_mcp.blueprint import endpoint_blueprint
from chalice_mcp.bridge import StatelessMCPBridge
from chalice_mcp.bridge.chalice_adapter import chalice_response, http_request_from_chalice
from chalice_mcp.endpoint import MCPEndpoint, build_bridge
from chalice_mcp.observability import RequestObserver
from chalice_mcp.settings import Settings
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.service import build_service

CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {"name": "estimate-vo2-max-cooper", "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}},
}


class SessionManagerPerRequest:
    """Looks like an `MCPServer` to the bridge, but builds the SDK's stateless handling anew for every request."""

    def __init__(self, new_event_loop_each_time: bool) -> None:
        self._server = build_fitness_server()
        register_catalogue(self._server)
        self._options: dict[str, Any] = {}
        self._new_event_loop_each_time = new_event_loop_each_time

    def streamable_http_app(self, **options: Any) -> None:
        self._options = options

    @property
    def session_manager(self) -> SessionManagerPerRequest:
        return self

    @contextlib.asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        yield

    async def _build_and_handle(self, scope: Any, receive: Any, send: Any) -> None:
        self._server.streamable_http_app(**self._options)
        manager = self._server.session_manager
        async with manager.run():
            await manager.handle_request(scope, receive, send)

    async def handle_request(self, scope: Any, receive: Any, send: Any) -> None:
        if not self._new_event_loop_each_time:
            await self._build_and_handle(scope, receive, send)
            return
        # The request's own coroutines (receive/send) stay on the container loop; only the SDK gets a fresh one.
        loop = asyncio.get_running_loop()

        async def relay_receive() -> Any:
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(receive(), loop))

        async def relay_send(message: Any) -> None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(send(message), loop))

        await asyncio.to_thread(asyncio.run, self._build_and_handle(scope, relay_receive, relay_send))


SETTINGS = Settings.from_environment({})


# Its own issuer on this machine; the upstream (port 9) is never asked: a tools/call only checks the token.
AUTHORIZATION_SERVER_SETTINGS = Settings.from_environment(
    {
        "MCP_AUTH": "oauth",
        "MCP_PUBLIC_URL": "http://127.0.0.1:8000",
        "MCP_OAUTH_UPSTREAM_ISSUER": "http://127.0.0.1:9",
        "MCP_OAUTH_UPSTREAM_CLIENT_ID": "bench",
        "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": "bench-secret",
    }
)


def own_access_token(settings: Settings) -> str:
    """An access token the server issued itself (the keys are this process's own)."""
    from chalice_mcp.auth.authorization_server.keys import signer_for

    token, _ = signer_for(settings).access_token(
        subject="bench-athlete",
        audience=str(settings.resource_url),
        client_id="bench",
        scopes=[],
        lifetime_seconds=3600,
    )
    return token


def shipped_app(settings: Settings = SETTINGS) -> tuple[Chalice, MCPEndpoint]:
    """The app as app.py builds it: the fitness endpoint's Blueprint, built by the same function; its log and metrics
    go to memory, not the terminal."""
    app = Chalice(app_name="bench-shipped", configure_logs=False)
    blueprint = endpoint_blueprint(
        settings,
        lambda settings, endpoint_path: build_service(
            settings,
            endpoint_path=endpoint_path,
            log_stream=io.StringIO(),
            metrics_stream=io.StringIO(),
            service_name="bench-shipped",
        ),
    )
    app.register_blueprint(blueprint)
    return app, blueprint.endpoint


def per_request_app(server: Any, known_tools: Container[str]) -> Chalice:
    """The same bridge, observer and settings, serving `server`."""
    observer = RequestObserver(
        known_tools=known_tools,
        log_stream=io.StringIO(),
        metrics_stream=io.StringIO(),
        service_name=f"bench-{id(server)}",
    )
    return chalice_app_for(build_bridge(server, SETTINGS, observer=observer))


def chalice_app_for(bridge: StatelessMCPBridge) -> Chalice:
    """A Chalice app with the shipped route, answering through `bridge`."""
    app = Chalice(app_name="bench", configure_logs=False)

    @app.route("/mcp", methods=["POST"], content_types=["*/*"])
    def mcp_endpoint() -> Response:
        return chalice_response(bridge.handle(http_request_from_chalice(app, "/mcp")))

    return app


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(rounds: int = 2000) -> None:
    context = LambdaContext()
    event = proxy_event(CALL, {"Mcp-Protocol-Version": "2025-11-25"})
    shipped, service = shipped_app()
    own_tokens, _ = shipped_app(AUTHORIZATION_SERVER_SETTINGS)
    token_event = proxy_event(
        CALL,
        {
            "Mcp-Protocol-Version": "2025-11-25",
            "Authorization": f"Bearer {own_access_token(AUTHORIZATION_SERVER_SETTINGS)}",
        },
    )
    variants: dict[str, Callable[[], dict]] = {
        "built once per container": lambda: shipped(event, context),
        "once, with its own access token": lambda: own_tokens(token_event, context),
        "built per request": lambda: per_request(event, context),
        "built per request + event loop": lambda: per_request_and_loop(event, context),
    }
    per_request = per_request_app(SessionManagerPerRequest(new_event_loop_each_time=False), service.tool_names)
    per_request_and_loop = per_request_app(SessionManagerPerRequest(new_event_loop_each_time=True), service.tool_names)
    for name, answer in variants.items():
        reply = answer()
        assert reply["statusCode"] == 200 and '"isError":false' in reply["body"], (name, reply)
    for _ in range(50):
        for answer in variants.values():
            answer()

    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, answer in variants.items():
            start = time.perf_counter()
            answer()
            samples[name].append(time.perf_counter() - start)

    once = median_ms(samples["built once per container"])
    print(f"tools/call through app(event, context): {rounds} rounds per variant, alternating")
    for name, values in samples.items():
        print(
            f"  {name:<32} median {median_ms(values):7.3f} ms"
            f"   ratio to once-per-container {median_ms(values) / once:5.2f}x"
        )
    with_token = median_ms(samples["once, with its own access token"])
    print(f"  own access token vs authless: +{with_token - once:.3f} ms at the median")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
