"""One deadline for a request: the time authorization takes (fetching the issuer's keys, say) comes out of the same
budget as the SDK's answer, so the whole request ends before API Gateway stops waiting."""

from __future__ import annotations

import asyncio
import json
import time

from mcp.server import MCPServer

from chalice_mcp.auth.access_tokens import AccessTokenValidator, TokenRules
from chalice_mcp.auth.issuer_keys import Fetched, IssuerKeys
from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer
from chalice_mcp.bridge import HttpRequest, StatelessMCPBridge
from chalice_mcp.bridge.edge import EdgeRules, OriginPolicy
from chalice_mcp.bridge.hooks import AuthDecision
from chalicelib.service import build_service
from tests.support.dripping_issuer import dripping_issuer
from tests.support.jsonrpc import encode, request_body
from tests.support.oauth_service import AUDIENCE, ISSUER, ISSUER_KEY, REQUIRED_SCOPE, oauth_settings
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


def test_an_issuer_that_drips_its_keys_gets_the_503_out_by_the_requests_deadline_and_then_at_once():
    # Before: each dripped byte came within urllib's per-read timeout, and a 2 s budget ended after ~11 s.
    budget_seconds = 2.0
    with dripping_issuer() as issuer:
        settings = oauth_settings(
            MCP_OAUTH_ISSUER=issuer.url, MCP_OAUTH_JWKS_URL="", MCP_REQUEST_TIMEOUT_SECONDS=str(budget_seconds)
        )
        service = build_service(settings)  # the authorizer the settings name, fetching over real sockets
        token = ISSUER_KEY.sign(claims_for(issuer.url, AUDIENCE, scope=REQUIRED_SCOPE))
        replies = [call_echo(service.bridge, {"authorization": f"Bearer {token}"}) for _ in range(2)]
        requested = list(issuer.requested)
        dripped_whole = list(issuer.dripped_whole)
    for reply in replies:
        assert reply.status == 503
        assert reply.headers["Retry-After"] == "10"
        assert "keys cannot be fetched" in json.loads(reply.body)["error"]["message"]
    # Bounded by the deadline, not by how long the issuer takes: the 503 came before the issuer's last byte.
    assert dripped_whole == [], "the request waited for the issuer's last byte"
    # The failure was recorded before the deadline: the second request does not ask the issuer again.
    assert requested == ["/.well-known/openid-configuration", "/jwks"]
