"""A small OpenID provider on loopback, configured like Cognito (no registration, one confidential client, PKCE,
one test user who is signed in at once, in the groups a test gives), for the authorization server's in-process
tests (and end-to-end ones where a test must say who is in which group): it can also misbehave
(an ID token with another nonce or audience) and disable its user. The real provider (npm oidc-provider) is in the
end-to-end tests; this one lets a test say exactly what the upstream answers."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.sign_in_pages import SignInBrowser
from tests.support.signing_keys import SigningKey

CLIENT_ID = "chalice-mcp-upstream-client"
CLIENT_SECRET = "upstream-client-secret-of-this-run"
SUBJECT = "athlete-42"
GROUPS_CLAIM = "cognito:groups"


def person_at_the_upstream() -> SignInBrowser:
    """The person's part in front of this upstream: approve on the server's consent page; the upstream signs its one
    user in at once (no password is asked)."""
    return SignInBrowser(username=SUBJECT, password="not-asked")


@dataclass
class UpstreamBehaviour:
    """What the provider does wrong, when a test asks it to."""

    id_token_nonce: str | None = None
    id_token_audience: str | None = None
    disabled: bool = False
    unavailable: bool = False
    """The token endpoint answers 503, as a provider in an outage does."""
    issue_refresh_tokens: bool = True
    groups: list[str] | None = None
    """The person's groups, as Cognito puts them in its ID tokens (`cognito:groups`); None: no such claim."""
    token_requests: list[dict[str, str]] = field(default_factory=list)


class OpenIDUpstream:
    def __init__(self, redirect_uri: str = "", port: int = 0) -> None:
        self.key = SigningKey.rsa()
        self.redirect_uris = {redirect_uri} if redirect_uri else set()
        self.behaviour = UpstreamBehaviour()
        self._codes: dict[str, dict[str, Any]] = {}
        self._refresh_tokens: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> OpenIDUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/oauth2/authorize",
            "token_endpoint": self.issuer + "/oauth2/token",
            "jwks_uri": self.issuer + "/.well-known/jwks.json",
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": SUBJECT,
            "aud": self.behaviour.id_token_audience or CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "token_use": "id",
        }
        if self.behaviour.groups is not None:
            claims[GROUPS_CLAIM] = list(self.behaviour.groups)
        if nonce is not None:
            claims["nonce"] = self.behaviour.id_token_nonce or nonce
        return self.key.sign(claims)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _json(self, status: int, document: Any) -> None:
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(parts.query))
                if parts.path == "/.well-known/openid-configuration":
                    return self._json(200, upstream.metadata())
                if parts.path == "/.well-known/jwks.json":
                    return self._json(200, {"keys": [upstream.key.public_jwk()]})
                if parts.path == "/oauth2/authorize":
                    return self._authorize(query)
                return self._json(404, {"error": "not_found"})

            def _authorize(self, query: dict[str, str]) -> None:
                # Like Cognito: an unknown client or callback URL gets an error page, never a redirect.
                if query.get("client_id") != CLIENT_ID or query.get("redirect_uri") not in upstream.redirect_uris:
                    return self._json(400, {"error": "redirect_mismatch"})
                if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                    return self._json(400, {"error": "invalid_request"})
                code = secrets.token_urlsafe(16)
                upstream._codes[code] = query
                location = query["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": query["state"]})
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                upstream.behaviour.token_requests.append(form)
                if upstream.behaviour.unavailable:
                    return self._json(503, {"error": "temporarily_unavailable"})
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._json(401, {"error": "invalid_client"})
                if form.get("grant_type") == "authorization_code":
                    return self._code(form)
                if form.get("grant_type") == "refresh_token":
                    if upstream.behaviour.disabled or form.get("refresh_token") not in upstream._refresh_tokens:
                        return self._json(400, {"error": "invalid_grant"})
                    return self._json(200, {"access_token": "upstream-at", "id_token": upstream.id_token(None)})
                return self._json(400, {"error": "unsupported_grant_type"})

            def _code(self, form: dict[str, str]) -> None:
                request = upstream._codes.pop(form.get("code", ""), None)
                if request is None or upstream.behaviour.disabled:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
                if challenge != request["code_challenge"] or form.get("redirect_uri") != request["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                answer = {
                    "access_token": "upstream-at",
                    "token_type": "Bearer",
                    "id_token": upstream.id_token(request["nonce"]),
                }
                if upstream.behaviour.issue_refresh_tokens:
                    refresh = secrets.token_urlsafe(16)
                    upstream._refresh_tokens.add(refresh)
                    answer["refresh_token"] = refresh
                return self._json(200, answer)

        return Handler


def main() -> None:
    """`make local-upstream`: the provider on a fixed port for `make local STAGE=oauth-proxy-local`."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--redirect-uri", default="http://127.0.0.1:8000/callback")
    arguments = parser.parse_args()
    upstream = OpenIDUpstream(arguments.redirect_uri, arguments.port)
    print(f"OpenID provider at {upstream.issuer}: client {CLIENT_ID}, callback {arguments.redirect_uri}", flush=True)
    upstream._server.serve_forever()


if __name__ == "__main__":
    main()
