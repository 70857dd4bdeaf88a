"""A native client's loopback redirect URI (RFC 8252 §7.3) for a real browser: a real HTTP server on 127.0.0.1 that
answers every GET with a short page and keeps the URLs it was sent to (the code, or the error, and the state)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class LoopbackCallback(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.redirect_uri = f"http://127.0.0.1:{self.server_address[1]}/callback"
        self.received: list[str] = []
        self.arrived = threading.Event()


class _Handler(http.server.BaseHTTPRequestHandler):
    server: LoopbackCallback

    def do_GET(self) -> None:
        self.server.received.append(f"http://127.0.0.1:{self.server.server_address[1]}{self.path}")
        body = b"<!doctype html><title>Signed in</title><p>You may close this window.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.arrived.set()

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def loopback_callback() -> Iterator[LoopbackCallback]:
    server = LoopbackCallback()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
