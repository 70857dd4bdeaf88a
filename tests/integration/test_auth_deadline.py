"""One deadline for a request: the time authorization takes (fetching the issuer's keys, say) comes out of the same
budget as the SDK's answer, so the whole request ends before API Gateway stops waiting."""

from __future__ import annotations

import asyncio
import json
import time

from mcp.server import MCPServer

from chalicelib.auth.access_tokens import AccessTokenValidator, TokenRules
from chalicelib.auth.issuer_keys import Fetched, IssuerKeys
from chalicelib.auth.oauth_authorizer import OAuthAuthorizer
from chalicelib.bridge import HttpRequest, StatelessMCPBridge
from chalicelib.bridge.edge import EdgeRules, OriginPolicy
from chalicelib.bridge.hooks import AuthDecision
from tests.support.jsonrpc import encode, request_body
from tests.support.oauth_service import AUDIENCE, ISSUER, ISSUER_KEY, oauth_settings
from tests.support.signing_keys import claims_for

HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}
TIMEOUT_SECONDS = 1.0


class SlowAuthorizer:
    """Lets everyone in, after taking `seconds` (an issuer that answers slowly) and noting the deadline it got."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadlines: list[float | None] = []

    def authorize(self, request: HttpRequest, deadline: float | None = None) -> AuthDecision:
        self.deadlines.append(deadline)
        time.sleep(self.seconds)
        return AuthDecision()


def echo_bridge(authorizer: object) -> StatelessMCPBridge:
    server = MCPServer("deadline-test")

    @server.tool(name="echo")
    async def echo(value: int) -> int:
        await asyncio.sleep(0.01)
        return value

    edge = EdgeRules(OriginPolicy([]), 1 << 20)
    return StatelessMCPBridge(server, edge, request_timeout_seconds=TIMEOUT_SECONDS, authorizer=authorizer)


def call_echo(bridge: StatelessMCPBridge, headers: dict[str, str] | None = None):
    body = encode(request_body("tools/call", {"name": "echo", "arguments": {"value": 3}})).encode()
    return bridge.handle(HttpRequest("POST", "/mcp", {**HEADERS, **(headers or {})}, body))


def test_authorization_that_uses_up_the_budget_leaves_the_sdk_none_of_it():
    # Before: the SDK's budget started after authorization, so this answered 200 after 2 × the time limit.
    authorizer = SlowAuthorizer(TIMEOUT_SECONDS)
    bridge = echo_bridge(authorizer)
    try:
        started = time.monotonic()
        reply = call_echo(bridge)
        finished = time.monotonic()
    finally:
        bridge.close()
    assert reply.status == 504
    assert json.loads(reply.body)["error"]["message"].startswith("Gateway Timeout")
    (deadline,) = authorizer.deadlines
    # The deadline is the request's budget counted from the moment the bridge took the request.
    assert deadline is not None and started <= deadline - TIMEOUT_SECONDS <= finished


def test_quick_authorization_leaves_the_sdk_the_rest_of_the_budget():
    bridge = echo_bridge(SlowAuthorizer(0.0))
    try:
        reply = call_echo(bridge)
    finally:
        bridge.close()
    assert reply.status == 200
    assert json.loads(reply.body)["result"]["structuredContent"] == {"result": 3}


def test_fetching_the_issuers_keys_gets_no_more_than_the_requests_budget():
    timeouts: list[float] = []

    def fetch(url: str, timeout_seconds: float) -> Fetched:
        timeouts.append(timeout_seconds)
        return Fetched({"keys": [ISSUER_KEY.public_jwk()]})

    settings = oauth_settings(MCP_OAUTH_SCOPES="")
    keys = IssuerKeys(ISSUER, settings.oauth_jwks_url, fetch=fetch)
    authorizer = OAuthAuthorizer(settings, AccessTokenValidator(TokenRules(issuer=ISSUER), keys))
    bridge = echo_bridge(authorizer)
    try:
        reply = call_echo(bridge, {"authorization": f"Bearer {ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE))}"})
    finally:
        bridge.close()
    assert reply.status == 200
    (timeout,) = timeouts
    assert 0 < timeout <= TIMEOUT_SECONDS
