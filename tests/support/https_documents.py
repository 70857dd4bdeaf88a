"""An https server on 127.0.0.1 that serves JSON documents (client ID metadata documents), with a certificate from a
certificate authority made for the test run.

`LoopbackCertificates` makes the authority and a server certificate for 127.0.0.1 and localhost, and a CA bundle
(certifi's authorities plus this one) that Python trusts through `SSL_CERT_FILE`; Node takes the authority alone
through `NODE_EXTRA_CA_CERTS`."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import certifi
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass(frozen=True)
class LoopbackCertificates:
    authority_path: Path
    """The test authority's certificate alone (for `NODE_EXTRA_CA_CERTS`)."""
    bundle_path: Path
    """certifi's authorities plus the test authority (for `SSL_CERT_FILE`)."""
    certificate_path: Path
    key_path: Path

    @classmethod
    def create(cls, directory: Path) -> LoopbackCertificates:
        now = datetime.datetime.now(datetime.UTC)
        authority_key = ec.generate_private_key(ec.SECP256R1())
        authority = (
            x509.CertificateBuilder()
            .subject_name(_name("chalice-mcp test authority"))
            .issuer_name(_name("chalice-mcp test authority"))
            .public_key(authority_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()), critical=False)
            .sign(authority_key, hashes.SHA256())
        )
        server_key = ec.generate_private_key(ec.SECP256R1())
        server = (
            x509.CertificateBuilder()
            .subject_name(_name("127.0.0.1"))
            .issuer_name(authority.subject)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()), critical=False
            )
            .sign(authority_key, hashes.SHA256())
        )
        authority_pem = authority.public_bytes(serialization.Encoding.PEM)
        certificates = cls(
            authority_path=directory / "test-authority.pem",
            bundle_path=directory / "ca-bundle.pem",
            certificate_path=directory / "server-certificate.pem",
            key_path=directory / "server-key.pem",
        )
        certificates.authority_path.write_bytes(authority_pem)
        certificates.bundle_path.write_bytes(Path(certifi.where()).read_bytes() + b"\n" + authority_pem)
        certificates.certificate_path.write_bytes(server.public_bytes(serialization.Encoding.PEM))
        certificates.key_path.write_bytes(_pem(server_key))
        return certificates


@dataclass
class DocumentServer:
    """Serves `documents` (path → JSON value) over https; `fetched` counts the requests for each path."""

    server: ThreadingHTTPServer
    thread: threading.Thread
    documents: dict[str, Any] = field(default_factory=dict)
    fetched: dict[str, int] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_document_server(certificates: LoopbackCertificates) -> DocumentServer:
    """Start serving on a free port of 127.0.0.1 in a thread of this process."""
    documents: dict[str, Any] = {}
    fetched: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched[self.path] = fetched.get(self.path, 0) + 1
            if self.path not in documents:
                self.send_error(404)
                return
            body = json.dumps(documents[self.path]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "max-age=60")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.certificate_path, certificates.key_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, name="https-documents", daemon=True)
    thread.start()
    return DocumentServer(server=server, thread=thread, documents=documents, fetched=fetched)
