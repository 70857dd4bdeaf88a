"""A key set served over https on loopback, with a certificate of the run's test authority
(tests/support/https_documents.py): `trusted_by` is the CA file to give `SSL_CERT_FILE`, so the client's default TLS
context verifies the server as it would a real issuer."""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.https_documents import LoopbackCertificates

KEY_SET = {"keys": []}


@dataclass(frozen=True)
class TlsIssuer:
    jwks_url: str
    trusted_by: Path


class _KeySet(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(KEY_SET).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "max-age=300")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments: object) -> None:
        pass


@contextmanager
def tls_issuer(directory: Path) -> Iterator[TlsIssuer]:
    certificates = LoopbackCertificates.create(directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _KeySet)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.certificate_path, certificates.key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TlsIssuer(f"https://127.0.0.1:{server.server_address[1]}/jwks", certificates.authority_path)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
