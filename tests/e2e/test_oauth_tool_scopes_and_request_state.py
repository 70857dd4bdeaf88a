"""OAuth end to end with the real token issuer process: two `chalice local` processes behind a round-robin proxy,
with MCP_OAUTH_TOOL_SCOPES gating one tool and MCP_REQUEST_STATE_KEYS shared.

- Step-up: a token without the gated tool's scope gets 403 and the insufficient_scope challenge naming every scope
  the call needs, in both eras; a token with it gets the answer (the SDK's Client); other tools are unaffected; the
  metadata lists every scope.
- Principal binding: a multi-round state minted for one subject and replayed by another is refused; its own
  subject's retry, on the other process, is answered.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from chalicelib import fitness
from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_meta, request_body
from tests.support.round_robin_proxy import RoundRobinProxy
from tests.support.signing_keys import claims_for
from tests.support.stage_project import project_with_dev_environment
from tests.support.token_issuer import TokenIssuer, start_token_issuer

pytestmark = pytest.mark.e2e

BASIC_SCOPE = "fitness:calculate"
PREMIUM_SCOPE = "fitness:premium"
GATED_TOOL = "calculate-vdot"
GATED_ARGUMENTS = {"distance_m": 5000, "time_s": "20:00"}
OPEN_TOOL = "estimate-vo2-max-cooper"
OPEN_ARGUMENTS = {"distance_m": 2700, "age": 25, "sex": "male"}
ZONES = "calculate-heart-rate-zones"
REQUEST_STATE_KEY = "oauth-request-state-key-of-this-test-0123456789"


@dataclass
class ProtectedPair:
    proxy: RoundRobinProxy
    servers: list[RunningServer]
    issuer: TokenIssuer

    @property
    def resource(self) -> str:
        return self.proxy.url + "/mcp"

    def issued(self, scope: str) -> str:
        """A token from the real issuer's token endpoint, for this server with `scope`."""
        return self.issuer.token(audience=self.resource, scope=scope)

    def token(self, scope: str, subject: str = "athlete-1") -> str:
        """A token of the real issuer's key for `subject` (its token endpoint names no subject of our choosing)."""
        return self.issuer.key.sign(claims_for(self.issuer.issuer, self.resource, scope=scope, sub=subject))

    def logs(self) -> str:
        return "\n".join(server.log() for server in self.servers)


@pytest.fixture(scope="module")
def protected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProtectedPair]:
    work_dir = tmp_path_factory.mktemp("oauth-pair")
    issuer = start_token_issuer(work_dir)
    proxy = RoundRobinProxy()
    environment = {
        "MCP_AUTH": "oauth",
        "MCP_OAUTH_ISSUER": issuer.issuer,
        "MCP_OAUTH_SCOPES": BASIC_SCOPE,
        "MCP_OAUTH_TOOL_SCOPES": json.dumps({GATED_TOOL: PREMIUM_SCOPE}),
        "MCP_PUBLIC_URL": proxy.url,
        "MCP_REQUEST_STATE_KEYS": REQUEST_STATE_KEY,
    }
    project = project_with_dev_environment(work_dir / "project", environment)
    servers: list[RunningServer] = []
    try:
        for number in range(2):
            servers.append(start_chalice_local(project, work_dir / f"chalice-local-{number}.log"))
        proxy.start([server.base_url for server in servers])
        yield ProtectedPair(proxy, servers, issuer)
    finally:
        proxy.stop()
        for server in servers:
            stop(server)
        issuer.stop()


def post(protected: ProtectedPair, body: Any, headers: dict[str, str], token: str) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(
        protected.resource,
        data=encode(body).encode(),
        headers={**headers, "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def modern_call(tool: str, arguments: dict[str, Any], **extra: Any) -> dict[str, Any]:
    meta = {**modern_meta(), "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}}
    params = {"name": tool, "arguments": arguments, "_meta": meta, **extra}
    return {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}


def challenge(protected: ProtectedPair) -> str:
    metadata_url = protected.proxy.url + "/.well-known/oauth-protected-resource/mcp"
    return (
        f'Bearer error="insufficient_scope", error_description="the tool {GATED_TOOL} needs the scope '
        f'{PREMIUM_SCOPE}", scope="{BASIC_SCOPE} {PREMIUM_SCOPE}", resource_metadata="{metadata_url}"'
    )


@pytest.mark.parametrize("era", ["handshake", "2026-07-28"])
def test_a_token_without_the_tool_s_scope_gets_403_and_the_step_up_challenge(protected, era):
    if era == "handshake":
        body, headers = (
            request_body("tools/call", {"name": GATED_TOOL, "arguments": GATED_ARGUMENTS}),
            handshake_headers(),
        )
    else:
        body, headers = modern_call(GATED_TOOL, GATED_ARGUMENTS), modern_headers("tools/call", GATED_TOOL)
    status, reply_headers, answer = post(protected, body, headers, protected.issued(BASIC_SCOPE))
    assert status == 403, answer
    assert reply_headers["WWW-Authenticate"] == challenge(protected)
    assert answer["error"]["message"] == f"Forbidden: the tool {GATED_TOOL} needs the scope {PREMIUM_SCOPE}"


async def call_with(url: str, token: str, mode: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http_client:
        async with Client(streamable_http_client(url, http_client=http_client), mode=mode) as client:
            result = await client.call_tool(tool, arguments)
            assert not result.is_error, result.content
            return result.structured_content


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_a_token_with_the_tool_s_scope_gets_the_answer(protected, mode):
    token = protected.issued(f"{BASIC_SCOPE} {PREMIUM_SCOPE}")
    structured = asyncio.run(call_with(protected.resource, token, mode, GATED_TOOL, GATED_ARGUMENTS))
    assert structured == fitness.calculate_vdot(5000, "20:00").model_dump(mode="json")


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_other_tools_answer_a_token_with_the_basic_scope(protected, mode):
    token = protected.issued(BASIC_SCOPE)
    structured = asyncio.run(call_with(protected.resource, token, mode, OPEN_TOOL, OPEN_ARGUMENTS))
    assert structured["vo2_max"] == pytest.approx(49.1, abs=0.05)


def test_the_metadata_lists_every_scope(protected):
    with urllib.request.urlopen(protected.proxy.url + "/.well-known/oauth-protected-resource/mcp") as response:
        assert json.loads(response.read())["scopes_supported"] == [BASIC_SCOPE, PREMIUM_SCOPE]


def test_a_state_replayed_by_another_subject_is_refused_and_its_own_subject_s_retry_answered(protected):
    headers = modern_headers("tools/call", ZONES)
    first_token, other_token = protected.token(BASIC_SCOPE, "athlete-1"), protected.token(BASIC_SCOPE, "athlete-2")
    status, _, first = post(protected, modern_call(ZONES, {}), headers, first_token)
    assert status == 200 and first["result"]["resultType"] == "input_required", first
    (question,) = first["result"]["inputRequests"]
    retry = {
        "inputResponses": {question: {"action": "accept", "content": {"age": 40}}},
        "requestState": first["result"]["requestState"],
    }

    status, _, replayed = post(protected, modern_call(ZONES, {}, **retry), headers, other_token)
    assert status == 400
    assert replayed["error"]["message"] == "Invalid or expired requestState"

    status, _, answered = post(protected, modern_call(ZONES, {}, **retry), headers, first_token)
    assert status == 200, answered
    assert answered["result"]["structuredContent"] == fitness.calculate_heart_rate_zones(40).model_dump(mode="json")
    backends = [forwarded.backend for forwarded in protected.proxy.forwarded[-3:]]
    assert len(set(backends)) == 2, "the rounds did not reach both processes"
    logs = protected.logs()
    assert "requestState rejected on tools/call: principal" in logs
    assert "Traceback" not in logs and '"level":"ERROR"' not in logs
