"""Median in-process latency of a `tools/call` through the Chalice handler, built once vs. per request.

Both variants answer the same API Gateway proxy event in the same process, alternating, so machine noise hits both.
  once per container: `app(event, context)`, the shipped path (SDK session manager built at import).
  per request:        a new session manager, its task group and an event loop for every request, as a naive
                      handler that wraps the SDK's ASGI app per invocation does.
Run: .venv/bin/python bench/request_latency.py [rounds]
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_gateway_events import LambdaContext, proxy_event
from mcp.server.transport_security import TransportSecuritySettings

from app import app, service
from chalicelib.bridge import HttpRequest
from chalicelib.bridge.stateless_mcp import asgi_exchange
from chalicelib.mcp_server import build_fitness_server

CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {"name": "estimate-vo2-max-cooper", "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}},
}
HEADERS = {"Mcp-Protocol-Version": "2025-11-25"}


def once_per_container(event: dict, context: LambdaContext) -> dict:
    return app(event, context)


def per_request(server, request: HttpRequest) -> int:
    async def answer() -> int:
        server.streamable_http_app(
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with server.session_manager.run():
            reply = await asgi_exchange(server.session_manager.handle_request, request, dict(request.headers))
        return reply.status

    return asyncio.run(answer())


def main(rounds: int = 2000) -> None:
    context = LambdaContext()
    event = proxy_event(CALL, HEADERS)
    server = build_fitness_server()
    request = HttpRequest(
        "POST",
        "/mcp",
        {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"},
        json.dumps(CALL).encode(),
    )
    first = once_per_container(event, context)
    assert first["statusCode"] == 200 and '"isError":false' in first["body"], first
    assert per_request(server, request) == 200
    for _ in range(50):  # warm both paths
        once_per_container(event, context)
        per_request(server, request)

    shipped, naive = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        once_per_container(event, context)
        shipped.append(time.perf_counter() - start)
        start = time.perf_counter()
        per_request(server, request)
        naive.append(time.perf_counter() - start)

    shipped_ms = statistics.median(shipped) * 1000
    naive_ms = statistics.median(naive) * 1000
    print(f"tools/call through app(event, context), {rounds} rounds each, alternating")
    print(f"  built once per container : median {shipped_ms:.3f} ms")
    print(f"  built per request        : median {naive_ms:.3f} ms")
    print(f"  ratio per-request / once : {naive_ms / shipped_ms:.2f}x")
    _ = service


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
