"""An issuer that stalls mid-answer, on loopback: a real socket server that sends its metadata at once, and for its
key set sends the status line and headers at once and then the body one byte every `DRIP_SECONDS` — what a stalled
issuer, or a proxy in front of one, does. Each socket read then succeeds well within any per-read timeout.

`dripped_whole` lists what was dripped to its last byte: a client bounded by a time limit shorter than the drip hangs
up first and leaves it empty, so a test asserts on that event, not on how long its own call took."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DRIP_SECONDS = 0.45
# The start of a TLS handshake record that announces 16 KiB, for a TLS client to wait on: a server that drips it
# keeps a handshake going as long as one that drips its body keeps a read going.
TLS_RECORD_START = b"\x16\x03\x03\x40\x00" + b"\x02" * 32
# An empty key set padded with spaces: dripped whole it takes ~11 s, five times the 2 s budgets the tests give.
DRIPPED_KEY_SET = json.dumps({"keys": []}).encode().ljust(24)


class DrippingIssuer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, tls_handshake: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tls_handshake = tls_handshake
        self.url = f"{'https' if tls_handshake else 'http'}://127.0.0.1:{self.server_address[1]}"
        self.jwks_url = self.url + "/jwks"
        self.requested: list[str] = []
        self.dripped_whole: list[str] = []
        self.stopped = threading.Event()

    def answer(self, path: str) -> tuple[bytes, bool]:
        """The body for `path`, and whether it is dripped."""
        if path == "/.well-known/openid-configuration":
            return json.dumps({"issuer": self.url, "jwks_uri": self.jwks_url}).encode(), False
        return DRIPPED_KEY_SET, True


class _Handler(socketserver.StreamRequestHandler):
    server: DrippingIssuer

    def handle(self) -> None:
        if self.server.tls_handshake:
            self.server.requested.append("(TLS handshake)")
            self._drip(TLS_RECORD_START, "(TLS handshake)")
            return
        request_line = self.rfile.readline(8192).decode("latin-1").split()
        length = 0
        while (line := self.rfile.readline(8192)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length" and value.strip().isdigit():
                length = int(value.strip())
        self.rfile.read(length)  # a POST's form (a token request's), read so that the socket closes cleanly
        path = request_line[1] if len(request_line) > 1 else "/"
        self.server.requested.append(path)
        body, dripping = self.server.answer(path)
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        try:
            self.wfile.write((head + "Connection: close\r\n\r\n").encode() + (b"" if dripping else body))
        except OSError:
            return
        if dripping:
            self._drip(body, path)

    def _drip(self, data: bytes, what: str) -> None:
        try:
            for index in range(len(data)):
                if self.server.stopped.wait(DRIP_SECONDS):
                    return
                self.wfile.write(data[index : index + 1])
        except OSError:
            return  # the client gave up: that is what the tests want of it
        self.server.dripped_whole.append(what)


@contextmanager
def dripping_issuer(*, tls_handshake: bool = False) -> Iterator[DrippingIssuer]:
    issuer = DrippingIssuer(tls_handshake=tls_handshake)
    thread = threading.Thread(target=issuer.serve_forever, daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        issuer.stopped.set()
        issuer.shutdown()
        issuer.server_close()
        thread.join(timeout=10)
