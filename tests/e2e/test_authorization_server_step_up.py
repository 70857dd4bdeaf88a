"""Step-up authorization with the endpoint as its own authorization server, end to end: a real `chalice local`
process with a gated tool (MCP_OAUTH_TOOL_SCOPES) and a grant on the upstream's groups (MCP_OAUTH_SCOPE_GRANTS), in
front of the loopback OpenID provider, and the SDK's `OAuthClientProvider`, the person's part done by following the
pages over HTTP.

The client signs in for the required scope, calls the gated tool, gets 403 insufficient_scope, re-authorizes for the
scope the challenge names, and calls again: a person in the group gets the answer; a person outside it gets a token
without the scope, and the call stays refused.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2
import pytest
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata
from mcp.shared.exceptions import MCPError

from chalice_mcp.auth.key_material import new_sealing_key, new_signing_key_pem
from tests.e2e.test_authorization_server_chalice_local import (
    CLIENT_REDIRECT_URI,
    PersonFollowingPages,
)
from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.oauth_clients import MemoryTokenStorage
from tests.support.openid_upstream import CLIENT_ID, CLIENT_SECRET, GROUPS_CLAIM, OpenIDUpstream
from tests.support.processes import free_port
from tests.support.stage_project import project_with_dev_environment

pytestmark = pytest.mark.e2e

SCOPE = "fitness:calculate"
PREMIUM_SCOPE = "fitness:premium"
GATED_TOOL = "calculate-vdot"
GATED_ARGUMENTS = {"distance_m": 5000, "time_s": "20:00"}
OPEN_TOOL = "estimate-vo2-max-cooper"
OPEN_ARGUMENTS = {"distance_m": 2800, "age": 25, "sex": "male"}


@dataclass
class GatedServer:
    server: RunningServer
    upstream: OpenIDUpstream


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatedServer]:
    work_dir = tmp_path_factory.mktemp("step-up")
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    environment = {
        "MCP_AUTH": "oauth",
        "MCP_PUBLIC_URL": public_url,
        "MCP_OAUTH_SCOPES": SCOPE,
        "MCP_OAUTH_TOOL_SCOPES": json.dumps({GATED_TOOL: PREMIUM_SCOPE}),
        "MCP_OAUTH_SCOPE_GRANTS": json.dumps({PREMIUM_SCOPE: {"claim": GROUPS_CLAIM, "contains": "premium"}}),
        "MCP_OAUTH_SIGNING_KEY": new_signing_key_pem(),
        "MCP_OAUTH_SEALING_KEY": new_sealing_key(),
        "MCP_OAUTH_STORE_PATH": str(work_dir / "grants.sqlite3"),
        "MCP_OAUTH_UPSTREAM_CLIENT_ID": CLIENT_ID,
        "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": CLIENT_SECRET,
    }
    with OpenIDUpstream(public_url + "/callback") as upstream:
        environment["MCP_OAUTH_UPSTREAM_ISSUER"] = upstream.issuer
        project = project_with_dev_environment(work_dir / "project", environment)
        server = start_chalice_local(project, work_dir / "server.log", port=port)
        try:
            yield GatedServer(server, upstream)
        finally:
            stop(server)
        assert "Traceback" not in server.log()
        assert '"level":"ERROR"' not in server.log()


class CountingPerson(PersonFollowingPages):
    """The person, counting how often the client sent them to sign in."""

    def __init__(self) -> None:
        super().__init__()
        self.sign_ins = 0

    async def redirect(self, authorization_url: str) -> None:
        self.sign_ins += 1
        await super().redirect(authorization_url)


def provider(mcp_url: str, person: CountingPerson, storage: MemoryTokenStorage) -> OAuthClientProvider:
    return OAuthClientProvider(
        mcp_url,
        OAuthClientMetadata(redirect_uris=[CLIENT_REDIRECT_URI], client_name="SDK step-up e2e", scope=SCOPE),
        storage,
        redirect_handler=person.redirect,
        callback_handler=person.callback,
    )


def test_a_person_in_the_group_steps_up_and_the_gated_tool_answers(gated: GatedServer):
    gated.upstream.behaviour.__init__()
    gated.upstream.behaviour.groups = ["premium"]
    person, storage = CountingPerson(), MemoryTokenStorage()

    async def session() -> tuple[str | None, bool, str]:
        auth = provider(gated.server.mcp_url, person, storage)
        async with httpx2.AsyncClient(auth=auth, timeout=30) as http_client:
            async with Client(streamable_http_client(gated.server.mcp_url, http_client=http_client)) as client:
                opened = await client.call_tool(OPEN_TOOL, OPEN_ARGUMENTS)
                assert not opened.is_error, opened.content
                scope_before = storage.tokens.scope if storage.tokens else None
                result = await client.call_tool(GATED_TOOL, GATED_ARGUMENTS)
                return scope_before, result.is_error, json.dumps(result.structured_content)

    scope_before, is_error, answer = asyncio.run(session())
    # Signed in first for the required scope only; the 403 sent the person to sign in once more, for the tool's.
    assert scope_before == SCOPE
    assert person.sign_ins == 2
    assert not is_error, answer
    assert "vdot" in answer.lower()
    assert storage.tokens is not None and set((storage.tokens.scope or "").split()) == {SCOPE, PREMIUM_SCOPE}


def test_a_person_outside_the_group_is_refused_cleanly_after_the_step_up(gated: GatedServer):
    gated.upstream.behaviour.__init__()
    gated.upstream.behaviour.groups = ["athletes"]
    person, storage = CountingPerson(), MemoryTokenStorage()

    async def session() -> str:
        auth = provider(gated.server.mcp_url, person, storage)
        async with httpx2.AsyncClient(auth=auth, timeout=30) as http_client:
            async with Client(streamable_http_client(gated.server.mcp_url, http_client=http_client)) as client:
                opened = await client.call_tool(OPEN_TOOL, OPEN_ARGUMENTS)
                assert not opened.is_error, opened.content
                # The SDK's transport turns the second 403 into an MCPError carrying the server's reason.
                with pytest.raises(MCPError) as refused:
                    await client.call_tool(GATED_TOOL, GATED_ARGUMENTS)
                return str(refused.value)

    refusal = asyncio.run(session())
    # The client asked once more, and the token it got still lacks the scope: the tool stays closed.
    assert person.sign_ins == 2
    assert storage.tokens is not None and storage.tokens.scope == SCOPE
    assert f"the tool {GATED_TOOL} needs the scope {PREMIUM_SCOPE}" in refusal, refusal
