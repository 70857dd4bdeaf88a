"""The endpoint as its own authorization server, end to end: real `chalice local` processes in front of the loopback
OpenID provider (`tests/support/openid_upstream.py`), the person's part done by following the pages over HTTP.

- The SDK's `OAuthClientProvider` registers itself (DCR), signs in, lists and calls tools.
- Two processes share the store and the keys, as two Lambda containers do: authorize on one, callback and token on
  the other, tools on either, refresh on the first.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Iterator

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.jsonrpc import encode, handshake_headers
from tests.support.oauth_clients import sdk_sign_in
from tests.support.openid_upstream import OpenIDUpstream, person_at_the_upstream
from tests.support.processes import free_port
from tests.support.sign_in import CLIENT_REDIRECT_URI, authorization_server_environment, consent_form, pkce
from tests.support.stage_project import project_with_dev_environment

pytestmark = pytest.mark.e2e

SCOPE = "fitness:calculate"
COOPER = "estimate-vo2-max-cooper"


class TwoServers:
    def __init__(self, first: RunningServer, second: RunningServer, upstream: OpenIDUpstream) -> None:
        self.first, self.second, self.upstream = first, second, upstream

    @property
    def public_url(self) -> str:
        return self.first.base_url


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoServers]:
    work_dir = tmp_path_factory.mktemp("authorization-server")
    first_port, second_port = free_port(), free_port()
    public_url = f"http://127.0.0.1:{first_port}"
    with OpenIDUpstream(public_url + "/callback") as upstream:
        # Both processes are one server behind one URL, as two Lambda containers behind API Gateway.
        environment = authorization_server_environment(
            upstream, str(work_dir / "grants.sqlite3"), MCP_PUBLIC_URL=public_url
        )
        directory = project_with_dev_environment(work_dir / "project", environment)
        first = start_chalice_local(directory, work_dir / "first.log", port=first_port)
        try:
            second = start_chalice_local(directory, work_dir / "second.log", port=second_port)
            try:
                yield TwoServers(first, second, upstream)
            finally:
                stop(second)
        finally:
            stop(first)
        for server in (first, second):
            assert "Traceback" not in server.log()
            assert '"level":"ERROR"' not in server.log()


def on(server: RunningServer, url: str) -> str:
    """`url` (one of the public URL's) sent to `server` instead: another container behind the same URL."""
    parts = urllib.parse.urlsplit(url)
    return server.base_url + parts.path + (f"?{parts.query}" if parts.query else "")


def test_two_processes_share_the_store_and_keys_from_authorize_to_tools(servers: TwoServers):
    first, second = servers.first, servers.second
    with httpx2.Client(follow_redirects=False, timeout=10) as browser:
        registered = browser.post(
            first.base_url + "/register",
            json={
                "redirect_uris": [CLIENT_REDIRECT_URI],
                "client_name": "Two-process test",
                "token_endpoint_auth_method": "none",
            },
        ).json()
        verifier, challenge = pkce()
        query = {
            "response_type": "code",
            "client_id": registered["client_id"],
            "redirect_uri": CLIENT_REDIRECT_URI,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "two-process",
            "resource": servers.public_url + "/mcp",
        }
        authorized = browser.get(first.base_url + "/authorize?" + urllib.parse.urlencode(query))
        assert authorized.status_code == 302, authorized.text
        page = browser.get(on(first, authorized.headers["location"]))
        assert page.status_code == 200
        approved = browser.post(
            on(first, servers.public_url + "/consent"), data={**consent_form(page.content), "decision": "approve"}
        )
        assert approved.status_code == 302, approved.text
        upstream_answer = browser.get(approved.headers["location"])
        returned = browser.get(on(second, upstream_answer.headers["location"]))
        assert returned.status_code == 302, returned.text
        code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(returned.headers["location"]).query))["code"]
        token_form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CLIENT_REDIRECT_URI,
            "client_id": registered["client_id"],
            "code_verifier": verifier,
        }
        tokens = browser.post(second.base_url + "/token", data=token_form).json()
        assert tokens["token_type"] == "Bearer", tokens
        for server in (first, second):
            headers = {**handshake_headers(), "authorization": f"Bearer {tokens['access_token']}"}
            listed = browser.post(
                server.mcp_url, headers=headers, content=encode({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
            )
            assert listed.status_code == 200, listed.text
        refresh_form = {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": registered["client_id"],
        }
        refreshed = browser.post(first.base_url + "/token", data=refresh_form)
        assert refreshed.status_code == 200, refreshed.text
        replayed = browser.post(second.base_url + "/token", data=refresh_form)
        assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")


def test_the_sdk_client_registers_signs_in_and_calls_a_tool(servers: TwoServers):
    sign_in = sdk_sign_in(
        servers.first.mcp_url, person_at_the_upstream(), redirect_uri=CLIENT_REDIRECT_URI, scope=SCOPE
    )
    storage = sign_in.storage

    async def session() -> tuple[list[str], str]:
        async with httpx2.AsyncClient(auth=sign_in.provider, timeout=30) as http_client:
            async with Client(streamable_http_client(servers.first.mcp_url, http_client=http_client)) as client:
                tools = await client.list_tools()
                result = await client.call_tool(COOPER, {"distance_m": 2800, "age": 25, "sex": "male"})
                assert not result.is_error, result.content
                return [tool.name for tool in tools.tools], json.dumps(result.structured_content)

    names, result = asyncio.run(session())
    assert COOPER in names
    assert "vo2" in result.lower()
    # It registered itself and holds this server's tokens, a refresh token included.
    assert storage.client_info is not None and storage.client_info.client_id
    assert storage.tokens is not None and storage.tokens.refresh_token
