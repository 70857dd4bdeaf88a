"""An https server on 127.0.0.1 with a certificate of the run's test authority (tests/support/https_documents.py),
answering fixed replies by path: for the client-metadata-document fetcher, whose https it trusts through
SSL_CERT_FILE (the authority's file)."""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.https_documents import LoopbackCertificates

Reply = tuple[int, dict[str, str], bytes]


class LoopbackHttps:
    def __init__(self, directory: Path, replies: dict[str, Reply]) -> None:
        certificates = LoopbackCertificates.create(directory)
        # The test authority alone: SSL_CERT_FILE set to it trusts this server and nothing else.
        self.certificate = certificates.authority_path
        self.replies = replies
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificates.certificate_path, certificates.key_path)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.origin = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackHttps:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        served = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                served.requests.append(self.path)
                status, headers, body = served.replies.get(self.path, (404, {}, b"{}"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
