"""A small HTTP proxy on 127.0.0.1 that sends each request to the next of several servers in turn, as a load
balancer in front of Lambda containers may: a request and its retry reach different processes. It records which
server answered each request, with the request's `Mcp-Method` and whether its body carries a `requestState`."""

from __future__ import annotations

import http.client
import itertools
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Headers that belong to one hop, never forwarded (RFC 9110 §7.6.1).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host"})
FORWARD_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Forwarded:
    backend: str
    method: str | None
    carries_request_state: bool
    status: int


class RoundRobinProxy:
    """Bound to its port when built (the servers behind it may need its URL as their public URL), serving once
    `start` names the servers."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.forwarded: list[Forwarded] = []
        self._next: itertools.cycle[str] | None = None
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self, backends: list[str]) -> RoundRobinProxy:
        assert len(backends) >= 2, "round robin needs at least two servers"
        self.backends = list(backends)
        self._next = itertools.cycle(self.backends)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def choose(self) -> str:
        with self._lock:
            assert self._next is not None, "start the proxy first"
            return next(self._next)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self._forward()

            def do_GET(self) -> None:
                self._forward()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the servers keep their own logs."""

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                backend = proxy.choose()
                target = urlsplit(backend)
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=FORWARD_TIMEOUT_SECONDS)
                headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
                try:
                    connection.request(self.command, self.path, body=body or None, headers=headers)
                    response = connection.getresponse()
                    reply = response.read()
                    method = self.headers.get("Mcp-Method")
                    forwarded = Forwarded(backend, method, b'"requestState"' in body, response.status)
                    with proxy._lock:
                        proxy.forwarded.append(forwarded)
                    self.send_response(response.status)
                    for name, value in response.getheaders():
                        if name.lower() not in HOP_BY_HOP:
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                finally:
                    connection.close()

        return Handler
