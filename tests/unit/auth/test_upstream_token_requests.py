"""The authorization server's token requests to the upstream identity provider (code exchange, refresh): each ends
by its time limit whatever the token endpoint does, and goes to the discovered token endpoint only, never where a
redirect points, since it carries the client's secret. Over loopback sockets."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalice_mcp.auth.authorization_server.upstream import UpstreamProvider, UpstreamUnavailable
from tests.support.dripping_issuer import DRIPPED_KEY_SET, DrippingIssuer

CLIENT_ID = "upstream-client"
CLIENT_SECRET = "upstream-client-secret-of-this-run"
BUDGET_SECONDS = 1.0


def metadata(issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": issuer + "/token",
        "jwks_uri": issuer + "/jwks",
    }


def provider(issuer: str) -> UpstreamProvider:
    return UpstreamProvider(issuer, CLIENT_ID, CLIENT_SECRET, ["openid"], "https://fitness.example/callback")


class DrippingTokenEndpoint(DrippingIssuer):
    """Metadata at once; the token endpoint's answer one byte at a time."""

    def answer(self, path: str) -> tuple[bytes, bool]:
        if path == "/.well-known/openid-configuration":
            return json.dumps(metadata(self.url)).encode(), False
        return DRIPPED_KEY_SET, True


class Recorder(ThreadingHTTPServer):
    """A loopback server that notes each request's method, path and headers; its token endpoint redirects to
    `redirect_to` with `status`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _RecordingHandler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.redirect_to: str | None = None
        self.status = 302


class _RecordingHandler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path == "/.well-known/openid-configuration":
            body = json.dumps(metadata(self.server.url)).encode()
            self.send_response(200)
        elif self.path == "/token" and self.server.redirect_to is not None:
            body = b""
            self.send_response(self.server.status)
            self.send_header("Location", self.server.redirect_to)
        else:
            body = json.dumps({"access_token": "at", "refresh_token": "rotated"}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer


@pytest.fixture
def recorders() -> Iterator[tuple[Recorder, Recorder]]:
    servers = (Recorder(), Recorder())
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    yield servers
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_token_endpoint_that_drips_its_answer_is_given_up_on_by_the_deadline():
    # Before: urllib's timeout bounded each socket read, and each dripped byte came well within it.
    endpoint = DrippingTokenEndpoint()
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(UpstreamUnavailable):
            provider(endpoint.url).refresh("a-refresh-token", "athlete-42", time.monotonic() + BUDGET_SECONDS)
        requested, dripped_whole = list(endpoint.requested), list(endpoint.dripped_whole)
    finally:
        endpoint.stopped.set()
        endpoint.shutdown()
        endpoint.server_close()
        thread.join(timeout=10)
    assert requested == ["/.well-known/openid-configuration", "/token"]
    assert dripped_whole == [], "the token request waited for the token endpoint's last byte"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_token_endpoint_that_redirects_is_refused_and_the_secret_goes_nowhere_else(recorders, status):
    upstream, elsewhere = recorders
    upstream.redirect_to, upstream.status = elsewhere.url + "/collect", status
    with pytest.raises(UpstreamUnavailable, match="redirect"):
        provider(upstream.url).refresh("a-refresh-token", "athlete-42", time.monotonic() + 5)
    token_requests = [headers for method, path, headers in upstream.requests if path == "/token"]
    assert len(token_requests) == 1 and token_requests[0]["authorization"].startswith("Basic ")
    assert elsewhere.requests == [], "the redirect was followed"


def test_a_token_endpoint_that_answers_is_read(recorders):
    upstream, _ = recorders
    refreshed = provider(upstream.url).refresh("a-refresh-token", "athlete-42", time.monotonic() + 5)
    assert (refreshed.refresh_token, refreshed.claims) == ("rotated", None)
