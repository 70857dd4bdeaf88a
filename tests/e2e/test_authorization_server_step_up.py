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
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.oauth_clients import SdkSignIn, sdk_sign_in
from tests.support.openid_upstream import GROUPS_CLAIM, OpenIDUpstream, person_at_the_upstream
from tests.support.processes import free_port
from tests.support.sign_in import CLIENT_REDIRECT_URI, authorization_server_environment
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
    with OpenIDUpstream(public_url + "/callback") as upstream:
        environment = authorization_server_environment(
            upstream,
            str(work_dir / "grants.sqlite3"),
            MCP_PUBLIC_URL=public_url,
            MCP_OAUTH_TOOL_SCOPES=json.dumps({GATED_TOOL: PREMIUM_SCOPE}),
            MCP_OAUTH_SCOPE_GRANTS=json.dumps({PREMIUM_SCOPE: {"claim": GROUPS_CLAIM, "contains": "premium"}}),
        )
        project = project_with_dev_environment(work_dir / "project", environment)
        server = start_chalice_local(project, work_dir / "server.log", port=port)
        try:
            yield GatedServer(server, upstream)
        finally:
            stop(server)
        assert "Traceback" not in server.log()
        assert '"level":"ERROR"' not in server.log()


def sdk_client(mcp_url: str) -> SdkSignIn:
    """The SDK's client asking for the required scope only; its `authorization_urls` count the sign-ins."""
    return sdk_sign_in(mcp_url, person_at_the_upstream(), redirect_uri=CLIENT_REDIRECT_URI, scope=SCOPE)


def test_a_person_in_the_group_steps_up_and_the_gated_tool_answers(gated: GatedServer):
    gated.upstream.behaviour.__init__()
    gated.upstream.behaviour.groups = ["premium"]
    sign_in = sdk_client(gated.server.mcp_url)
    storage = sign_in.storage

    async def session() -> tuple[str | None, bool, str]:
        async with httpx2.AsyncClient(auth=sign_in.provider, timeout=30) as http_client:
            async with Client(streamable_http_client(gated.server.mcp_url, http_client=http_client)) as client:
                opened = await client.call_tool(OPEN_TOOL, OPEN_ARGUMENTS)
                assert not opened.is_error, opened.content
                scope_before = storage.tokens.scope if storage.tokens else None
                result = await client.call_tool(GATED_TOOL, GATED_ARGUMENTS)
                return scope_before, result.is_error, json.dumps(result.structured_content)

    scope_before, is_error, answer = asyncio.run(session())
    # Signed in first for the required scope only; the 403 sent the person to sign in once more, for the tool's.
    assert scope_before == SCOPE
    assert len(sign_in.authorization_urls) == 2
    assert not is_error, answer
    assert "vdot" in answer.lower()
    assert storage.tokens is not None and set((storage.tokens.scope or "").split()) == {SCOPE, PREMIUM_SCOPE}


def test_a_person_outside_the_group_is_refused_cleanly_after_the_step_up(gated: GatedServer):
    gated.upstream.behaviour.__init__()
    gated.upstream.behaviour.groups = ["athletes"]
    sign_in = sdk_client(gated.server.mcp_url)
    storage = sign_in.storage

    async def session() -> str:
        async with httpx2.AsyncClient(auth=sign_in.provider, timeout=30) as http_client:
            async with Client(streamable_http_client(gated.server.mcp_url, http_client=http_client)) as client:
                opened = await client.call_tool(OPEN_TOOL, OPEN_ARGUMENTS)
                assert not opened.is_error, opened.content
                # The SDK's transport turns the second 403 into an MCPError carrying the server's reason.
                with pytest.raises(MCPError) as refused:
                    await client.call_tool(GATED_TOOL, GATED_ARGUMENTS)
                return str(refused.value)

    refusal = asyncio.run(session())
    # The client asked once more, and the token it got still lacks the scope: the tool stays closed.
    assert len(sign_in.authorization_urls) == 2
    assert storage.tokens is not None and storage.tokens.scope == SCOPE
    assert f"the tool {GATED_TOOL} needs the scope {PREMIUM_SCOPE}" in refusal, refusal
