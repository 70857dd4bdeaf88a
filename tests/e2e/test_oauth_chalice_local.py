"""`MCP_AUTH=oauth` end to end: a real token issuer process (npm `oauth2-mock-server`) and a real `chalice local`
that fetches the issuer's metadata and keys over HTTP. Every refusal is checked for its status and its
`WWW-Authenticate` challenge; the SDK's `mcp.Client` with a bearer token calls a tool."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.jsonrpc import encode, handshake_headers, initialize_body
from tests.support.processes import free_port
from tests.support.signing_keys import SigningKey, claims_for, hmac_signed_with, tampered, unsigned_token
from tests.support.stage_project import project_with_dev_environment
from tests.support.token_issuer import TokenIssuer, start_token_issuer

pytestmark = pytest.mark.e2e

SCOPE = "fitness:calculate"
COOPER = "estimate-vo2-max-cooper"


@dataclass
class ProtectedServer:
    server: RunningServer
    issuer: TokenIssuer

    @property
    def resource(self) -> str:
        return self.server.mcp_url

    @property
    def metadata_url(self) -> str:
        return self.server.base_url + "/.well-known/oauth-protected-resource/mcp"

    def good_token(self) -> str:
        return self.issuer.token(audience=self.resource, scope=SCOPE)


def oauth_project(directory: Path, issuer: str, public_url: str, **settings: str) -> Path:
    """The project as it is, with a `.chalice/config.json` whose dev stage turns OAuth on for `issuer`, served at
    `public_url`, with any other `MCP_*` settings."""
    environment = {
        "MCP_AUTH": "oauth",
        "MCP_OAUTH_ISSUER": issuer,
        "MCP_OAUTH_SCOPES": SCOPE,
        "MCP_PUBLIC_URL": public_url,
        **settings,
    }
    return project_with_dev_environment(directory, environment)


@pytest.fixture(scope="module")
def protected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProtectedServer]:
    work_dir = tmp_path_factory.mktemp("oauth")
    issuer = start_token_issuer(work_dir)
    try:
        (work_dir / "project").mkdir()
        port = free_port()
        project = oauth_project(work_dir / "project", issuer.issuer, f"http://127.0.0.1:{port}")
        server = start_chalice_local(project, work_dir / "chalice-local.log", port=port)
        try:
            yield ProtectedServer(server, issuer)
        finally:
            stop(server)
    finally:
        issuer.stop()


def post_initialize(protected: ProtectedServer, authorization: str | None) -> tuple[int, dict[str, str], str]:
    headers = handshake_headers()
    if authorization is not None:
        headers["Authorization"] = authorization
    request = urllib.request.Request(
        protected.resource, data=encode(initialize_body()).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_a_token_from_the_issuer_is_served(protected):
    status, _, body = post_initialize(protected, f"Bearer {protected.good_token()}")
    assert status == 200, body
    assert json.loads(body)["result"]["serverInfo"]["name"] == "fitness-calculators"


def test_no_token_gets_401_with_the_absolute_metadata_url_and_the_scope(protected):
    status, headers, _ = post_initialize(protected, None)
    assert status == 401
    assert headers["WWW-Authenticate"] == f'Bearer scope="{SCOPE}", resource_metadata="{protected.metadata_url}"'


def forged_tokens(protected: ProtectedServer) -> dict[str, str]:
    """Each bad token a test can make: the issuer's own key signs the claims its token endpoint would not."""
    issuer, key, audience = protected.issuer.issuer, protected.issuer.key, protected.resource
    now = int(time.time())
    valid_claims = claims_for(issuer, audience, scope=SCOPE)
    return {
        "malformed": "not.a.jwt",
        "alg-none": unsigned_token(valid_claims),
        "hmac-with-public-key": hmac_signed_with(key.public_pem(), valid_claims, key.key_id),
        "wrong-issuer": key.sign(claims_for("http://localhost:1", audience, scope=SCOPE)),
        "wrong-audience": protected.issuer.token(audience="http://127.0.0.1:1/mcp", scope=SCOPE),
        "expired": key.sign(claims_for(issuer, audience, scope=SCOPE, exp=now - 3600, iat=now - 7200, nbf=now - 7200)),
        "not-yet-valid": key.sign(claims_for(issuer, audience, scope=SCOPE, nbf=now + 3600)),
        "unknown-kid": SigningKey.rsa().sign(valid_claims),
        "tampered": tampered(protected.good_token(), scope=SCOPE + " admin"),
    }


@pytest.mark.parametrize(
    ("case", "description"),
    [
        ("malformed", "not a JWT"),
        ("alg-none", "algorithm is not accepted"),
        ("hmac-with-public-key", "algorithm is not accepted"),
        ("wrong-issuer", "another issuer"),
        ("wrong-audience", "another audience"),
        ("expired", "expired"),
        ("not-yet-valid", "not valid yet"),
        ("unknown-kid", "key the issuer does not publish"),
        ("tampered", "signature"),
    ],
)
def test_each_bad_token_gets_401_invalid_token_and_is_not_echoed(protected, case, description):
    token = forged_tokens(protected)[case]
    status, headers, body = post_initialize(protected, f"Bearer {token}")
    assert status == 401, body
    challenge = headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer error="invalid_token", error_description="')
    assert description in challenge
    assert f'scope="{SCOPE}"' in challenge and f'resource_metadata="{protected.metadata_url}"' in challenge
    for part in token.split("."):
        if len(part) > 8:
            assert part not in body and part not in challenge


def test_a_token_without_the_scope_gets_403_insufficient_scope(protected):
    token = protected.issuer.token(audience=protected.resource, scope="profile")
    status, headers, _ = post_initialize(protected, f"Bearer {token}")
    assert status == 403
    assert headers["WWW-Authenticate"].startswith('Bearer error="insufficient_scope"')
    assert f'scope="{SCOPE}"' in headers["WWW-Authenticate"]


@pytest.mark.parametrize("path", ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"])
def test_the_metadata_names_this_resource_and_the_real_issuer(protected, path):
    with urllib.request.urlopen(protected.server.base_url + path, timeout=10) as response:
        assert response.status == 200
        metadata = json.loads(response.read())
    assert metadata["resource"] == protected.resource
    assert metadata["authorization_servers"] == [protected.issuer.issuer]
    assert metadata["scopes_supported"] == [SCOPE]
    assert metadata["bearer_methods_supported"] == ["header"]


async def call_cooper_with(url: str, token: str, mode: str) -> dict:
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http_client:
        async with Client(streamable_http_client(url, http_client=http_client), mode=mode) as client:
            result = await client.call_tool(COOPER, {"distance_m": 2700, "age": 25, "sex": "male"})
            assert not result.is_error, result.content
            return result.structured_content


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_the_sdk_client_with_a_bearer_token_initializes_and_calls_a_tool(protected, mode):
    structured = asyncio.run(call_cooper_with(protected.resource, protected.good_token(), mode))
    assert structured["vo2_max"] == pytest.approx(49.1, abs=0.05)


def test_the_server_log_holds_no_token(protected):
    token = protected.good_token()
    post_initialize(protected, f"Bearer {token}")
    post_initialize(protected, f"Bearer {tampered(token, sub='x')}")
    log = protected.server.log()
    assert log.strip()
    assert token.split(".")[2] not in log and token.split(".")[1] not in log
