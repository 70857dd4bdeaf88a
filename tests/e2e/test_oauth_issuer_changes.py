"""`MCP_AUTH=oauth` under `chalice local` while the real token issuer process changes: it rotates its key (publishes
a new one and drops the old one) and it has an outage (answers 500). Also: the server's identity does not follow the
Host header, and `MCP_AUTH=oauth chalice local` with the project's own config serves with OAuth."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.test_oauth_chalice_local import SCOPE, oauth_project
from tests.support.chalice_local import PROJECT_ROOT, RunningServer, start_chalice_local, stop
from tests.support.jsonrpc import encode, handshake_headers, request_body
from tests.support.processes import free_port
from tests.support.signing_keys import claims_for
from tests.support.token_issuer import TokenIssuer, start_token_issuer

pytestmark = pytest.mark.e2e

# Short, so a test sees the key set expire; the default is an hour.
KEY_SET_MAX_AGE_SECONDS = 1.0


@dataclass
class Servers:
    issuer: TokenIssuer
    rotating: RunningServer
    """Keys expire after KEY_SET_MAX_AGE_SECONDS."""
    untouched: RunningServer
    """Has never fetched the issuer's keys when its test runs."""


def serve(work_dir: Path, name: str, issuer: TokenIssuer) -> RunningServer:
    port = free_port()
    project = oauth_project(
        work_dir / name,
        issuer.issuer,
        f"http://127.0.0.1:{port}",
        MCP_OAUTH_JWKS_MAX_AGE_SECONDS=str(KEY_SET_MAX_AGE_SECONDS),
    )
    return start_chalice_local(project, work_dir / f"{name}.log", port=port)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    work_dir = tmp_path_factory.mktemp("oauth-issuer-changes")
    issuer = start_token_issuer(work_dir)
    started: list[RunningServer] = []
    try:
        for name in ("rotating", "untouched"):
            (work_dir / name).mkdir()
            started.append(serve(work_dir, name, issuer))
        yield Servers(issuer, *started)
    finally:
        for server in started:
            stop(server)
        issuer.stop()


def post_tools_list(server: RunningServer, token: str | None, **extra_headers: str) -> tuple[int, dict, dict]:
    headers = {**handshake_headers(), **extra_headers}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        server.mcp_url, data=encode(request_body("tools/list")).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def wait_out_the_key_sets_max_age() -> None:
    time.sleep(KEY_SET_MAX_AGE_SECONDS + 0.5)


def test_after_a_key_rotation_the_dropped_key_is_refused_and_the_new_one_accepted(servers):
    issuer, server = servers.issuer, servers.rotating
    old_token = issuer.token(audience=server.mcp_url, scope=SCOPE)
    assert post_tools_list(server, old_token)[0] == 200
    issuer.rotate_key()
    new_token = issuer.token(audience=server.mcp_url, scope=SCOPE)
    wait_out_the_key_sets_max_age()

    status, headers, _ = post_tools_list(server, old_token)
    assert status == 401
    assert "signed with a key the issuer does not publish" in headers["WWW-Authenticate"]
    status, _, body = post_tools_list(server, new_token)
    assert status == 200
    assert body["result"]["tools"]


def test_during_an_issuer_outage_keys_fetched_a_moment_ago_still_serve(servers):
    issuer, server = servers.issuer, servers.rotating
    token = issuer.key.sign(claims_for(issuer.issuer, server.mcp_url, scope=SCOPE))
    assert post_tools_list(server, token)[0] == 200
    issuer.set_outage(True)
    try:
        wait_out_the_key_sets_max_age()
        status, _, body = post_tools_list(server, token)
    finally:
        issuer.set_outage(False)
    assert status == 200, body
    assert "cannot fetch the issuer's keys, so the ones fetched before serve" in server.log()


def test_an_issuer_outage_before_the_keys_were_ever_fetched_is_503_with_retry_after_not_401(servers):
    issuer, server = servers.issuer, servers.untouched
    token = issuer.key.sign(claims_for(issuer.issuer, server.mcp_url, scope=SCOPE))
    issuer.set_outage(True)
    try:
        status, headers, body = post_tools_list(server, token)
    finally:
        issuer.set_outage(False)
    assert status == 503
    assert headers["Retry-After"] == "10"
    assert "keys cannot be fetched" in body["error"]["message"]
    assert "500" in server.log()
    assert "ERROR" not in server.log() and "Traceback" not in server.log()


def test_a_token_for_the_host_a_request_names_is_refused_and_the_metadata_keeps_the_configured_resource(servers):
    # Before: without MCP_PUBLIC_URL the audience came from Host and X-Forwarded-Proto, and this token was served.
    issuer, server = servers.issuer, servers.rotating
    spoofed = {"Host": "other-mcp.example", "X-Forwarded-Proto": "https"}
    token = issuer.token(audience="https://other-mcp.example/mcp", scope=SCOPE)
    status, headers, _ = post_tools_list(server, token, **spoofed)
    assert status == 401
    assert "another audience" in headers["WWW-Authenticate"]
    request = urllib.request.Request(server.base_url + "/.well-known/oauth-protected-resource/mcp", headers=spoofed)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["resource"] == server.mcp_url


def test_mcp_auth_oauth_in_the_shell_turns_oauth_on_under_the_projects_own_config(servers, tmp_path):
    port = free_port()
    environment = {
        "MCP_AUTH": "oauth",
        "MCP_OAUTH_ISSUER": servers.issuer.issuer,
        "MCP_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    server = start_chalice_local(PROJECT_ROOT, tmp_path / "chalice-local.log", environment, port=port)
    try:
        with urllib.request.urlopen(server.base_url + "/", timeout=10) as response:
            card = json.loads(response.read())
        status, headers, _ = post_tools_list(server, None)
        log = server.log()
    finally:
        stop(server)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer ")
    assert card["auth"] == "oauth"
    (started,) = [json.loads(line) for line in log.splitlines() if '"server started"' in line]
    assert started["auth"] == "oauth"
    assert started["oauth_issuer"] == servers.issuer.issuer
    assert started["resource"] == server.mcp_url
