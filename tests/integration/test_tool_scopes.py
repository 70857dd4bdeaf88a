"""MCP_OAUTH_TOOL_SCOPES in process: a `tools/call` of a gated tool with a token lacking its scope is refused before
the SDK runs, with 403 and the step-up challenge (in both eras; a 2025-03-26 batch is refused at the edge first); a
token with it gets the answer; other tools and `tools/list` are the same for everyone; the metadata lists every scope.
The real issuer process and `chalice local` are in tests/e2e/test_oauth_tool_scopes_and_request_state.py."""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from mcp_types import INVALID_REQUEST

from chalice_mcp.auth.tool_scopes import ToolScopes, called_tools
from chalice_mcp.bridge import HttpRequest
from chalice_mcp.endpoint import MCPEndpoint, build_endpoint
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.service import build_service
from tests.support.jsonrpc import encode, modern_headers, modern_request, request_body
from tests.support.oauth_service import AUDIENCE, ISSUER, ISSUER_KEY, REQUIRED_SCOPE, oauth_authorizer, oauth_settings
from tests.support.signing_keys import claims_for

PREMIUM_SCOPE = "fitness:premium"
GATED_TOOL = "calculate-vdot"
GATED_ARGUMENTS = {"distance_m": 5000, "time_s": "20:00"}
OPEN_TOOL = "estimate-vo2-max-cooper"
OPEN_ARGUMENTS = {"distance_m": 2700, "age": 25, "sex": "male"}
METADATA_URL = "https://fitness.example/api/.well-known/oauth-protected-resource/mcp"
HANDSHAKE = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}


@pytest.fixture(scope="module")
def gated_service() -> MCPEndpoint:
    settings = oauth_settings(MCP_OAUTH_TOOL_SCOPES=json.dumps({GATED_TOOL: PREMIUM_SCOPE}))
    return build_service(settings, authorizer=oauth_authorizer(settings))


def token(scope: str) -> str:
    return ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=scope))


BASIC = REQUIRED_SCOPE
PREMIUM = f"{REQUIRED_SCOPE} {PREMIUM_SCOPE}"


def post(service: MCPEndpoint, body: Any, headers: dict[str, str], scope: str) -> tuple[int, dict[str, str], Any]:
    headers = {**{name.lower(): value for name, value in headers.items()}, "authorization": f"Bearer {token(scope)}"}
    reply = service.bridge.handle(HttpRequest("POST", "/mcp", headers, encode(body).encode()))
    return reply.status, reply.headers, json.loads(reply.body)


def call_handshake(service: MCPEndpoint, tool: str, arguments: dict[str, Any], scope: str):
    return post(service, request_body("tools/call", {"name": tool, "arguments": arguments}), HANDSHAKE, scope)


def call_modern(service: MCPEndpoint, tool: str, arguments: dict[str, Any], scope: str):
    body = modern_request("tools/call", {"name": tool, "arguments": arguments})
    return post(service, body, modern_headers("tools/call", tool), scope)


STEP_UP_CHALLENGE = (
    f'Bearer error="insufficient_scope", error_description="the tool {GATED_TOOL} needs the scope {PREMIUM_SCOPE}", '
    f'scope="{REQUIRED_SCOPE} {PREMIUM_SCOPE}", resource_metadata="{METADATA_URL}"'
)


@pytest.mark.parametrize("call", [call_handshake, call_modern], ids=["handshake", "2026-07-28"])
def test_a_gated_tool_without_its_scope_gets_403_and_the_step_up_challenge(gated_service, call):
    status, headers, answer = call(gated_service, GATED_TOOL, GATED_ARGUMENTS, BASIC)
    assert status == 403
    assert headers["WWW-Authenticate"] == STEP_UP_CHALLENGE
    assert answer["error"]["message"] == f"Forbidden: the tool {GATED_TOOL} needs the scope {PREMIUM_SCOPE}"


@pytest.mark.parametrize("call", [call_handshake, call_modern], ids=["handshake", "2026-07-28"])
def test_a_gated_tool_with_its_scope_answers(gated_service, call):
    status, _, answer = call(gated_service, GATED_TOOL, GATED_ARGUMENTS, PREMIUM)
    assert status == 200, answer
    assert answer["result"]["structuredContent"]["vdot"] > 0


@pytest.mark.parametrize("call", [call_handshake, call_modern], ids=["handshake", "2026-07-28"])
def test_other_tools_answer_with_the_basic_scope(gated_service, call):
    status, _, answer = call(gated_service, OPEN_TOOL, OPEN_ARGUMENTS, BASIC)
    assert status == 200, answer
    assert answer["result"]["structuredContent"]["vo2_max"] > 0


def test_a_2025_03_26_batch_cannot_slip_a_gated_call_past_the_check(gated_service):
    """The edge refuses any batch before the token is looked at, so none of its calls reaches a tool."""
    batch = [
        request_body("tools/call", {"name": OPEN_TOOL, "arguments": OPEN_ARGUMENTS}, request_id=1),
        request_body("tools/call", {"name": GATED_TOOL, "arguments": GATED_ARGUMENTS}, request_id=2),
    ]
    status, _, answer = post(gated_service, batch, {**HANDSHAKE, "mcp-protocol-version": "2025-03-26"}, BASIC)
    assert status == 400
    assert answer["error"]["code"] == INVALID_REQUEST


def test_a_json_escaped_method_is_still_seen_as_a_tools_call(gated_service):
    body = encode(request_body("tools/call", {"name": GATED_TOOL, "arguments": GATED_ARGUMENTS}))
    escaped = body.replace("tools/call", "tools\\/call").replace("calculate", "\\u0063alculate")
    headers = {**HANDSHAKE, "authorization": f"Bearer {token(BASIC)}"}
    reply = gated_service.bridge.handle(HttpRequest("POST", "/mcp", headers, escaped.encode()))
    assert reply.status == 403


@pytest.mark.parametrize("scope", [BASIC, PREMIUM])
def test_tools_list_is_the_same_for_everyone_and_says_which_access_the_gated_tool_needs(gated_service, scope):
    _, _, answer = post(gated_service, request_body("tools/list"), HANDSHAKE, scope)
    descriptions = {tool["name"]: tool["description"] for tool in answer["result"]["tools"]}
    assert descriptions, "no tools listed"
    assert descriptions[GATED_TOOL].endswith(f'Needs the OAuth scope "{PREMIUM_SCOPE}".')
    assert not any("OAuth scope" in text for name, text in descriptions.items() if name != GATED_TOOL)
    _, _, other = post(gated_service, request_body("tools/list"), HANDSHAKE, PREMIUM if scope == BASIC else BASIC)
    assert other["result"] == answer["result"]


def test_the_2026_tools_list_says_it_too(gated_service):
    _, _, answer = post(gated_service, modern_request("tools/list"), modern_headers("tools/list"), BASIC)
    gated = next(tool for tool in answer["result"]["tools"] if tool["name"] == GATED_TOOL)
    assert gated["description"].endswith(f'Needs the OAuth scope "{PREMIUM_SCOPE}".')


def test_the_metadata_lists_every_scope(gated_service):
    request = HttpRequest("GET", "/.well-known/oauth-protected-resource/mcp", {"host": "fitness.example"}, b"")
    metadata = json.loads(gated_service.protected_resource_metadata(request).body)
    assert metadata["scopes_supported"] == [REQUIRED_SCOPE, PREMIUM_SCOPE]


def modern(headers: dict[str, str], body: Any) -> HttpRequest:
    return HttpRequest("POST", "/mcp", {name.lower(): value for name, value in headers.items()}, encode(body).encode())


def test_the_2026_tool_comes_from_mcp_name_decoded_as_the_sdk_decodes_it():
    encoded = "=?base64?" + base64.b64encode(GATED_TOOL.encode()).decode() + "?="
    headers = {**modern_headers("tools/call"), "Mcp-Name": encoded}
    assert called_tools(modern(headers, {"not": "read"})) == [GATED_TOOL]
    assert called_tools(modern(modern_headers("tools/list"), modern_request("tools/call", {"name": "x"}))) == []


def test_a_token_with_every_tool_scope_is_let_through_without_reading_the_request():
    scopes = ToolScopes({GATED_TOOL: PREMIUM_SCOPE}, required=(REQUIRED_SCOPE,))
    unreadable = HttpRequest("POST", "/mcp", {"mcp-protocol-version": "2025-11-25"}, b"\xff not json")
    assert scopes.needed_beyond([REQUIRED_SCOPE, PREMIUM_SCOPE], unreadable) is None
    assert scopes.needed_beyond([REQUIRED_SCOPE], unreadable) is None


def test_a_gated_tool_the_server_lacks_is_a_warning_once_the_tools_are_known(caplog):
    settings = oauth_settings(MCP_OAUTH_TOOL_SCOPES=json.dumps({"calculate-vdott": PREMIUM_SCOPE}))
    service = build_service(settings, authorizer=oauth_authorizer(settings))
    with caplog.at_level(logging.WARNING):
        assert GATED_TOOL in service.registered_names.tool_names()
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings == ["MCP_OAUTH_TOOL_SCOPES names tools this server lacks: calculate-vdott"]


def test_one_server_behind_two_endpoints_says_which_access_a_gated_tool_needs_once():
    # Before: each endpoint built on the server added its own description middleware, and the sentence came twice.
    server = build_fitness_server()
    register_catalogue(server)
    settings = oauth_settings(MCP_OAUTH_TOOL_SCOPES=json.dumps({GATED_TOOL: PREMIUM_SCOPE}))
    first = build_endpoint(server, settings, authorizer=oauth_authorizer(settings))
    second = build_endpoint(server, settings, authorizer=oauth_authorizer(settings))
    for endpoint in (first, second):
        _, _, answer = post(endpoint, request_body("tools/list"), HANDSHAKE, BASIC)
        gated = next(tool for tool in answer["result"]["tools"] if tool["name"] == GATED_TOOL)
        assert gated["description"].count("Needs the OAuth scope") == 1, gated["description"]
