"""POST /mcp through the real Chalice app in process (`chalice.test.Client`): both eras, errors, headers, CORS."""

from __future__ import annotations

import json

import pytest
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from chalice_mcp.bridge.edge import NOT_ONE_JSONRPC_OBJECT_MESSAGE
from chalice_mcp.bridge.exchange import HttpRequest, jsonrpc_error_reply
from chalice_mcp.bridge.hooks import AuthDecision
from tests.support.jsonrpc import (
    JSON_HEADERS,
    MODERN_VERSION,
    encode,
    handshake_headers,
    initialize_body,
    modern_headers,
    modern_request,
    request_body,
)

COOPER = "estimate-vo2-max-cooper"
COOPER_ARGUMENTS = {"distance_m": 2700, "age": 25, "sex": "male"}


def post(http, body, headers=None, path="/mcp"):
    return http.post(
        path, headers=headers or JSON_HEADERS, body=body if isinstance(body, (str, bytes)) else encode(body)
    )


def test_get_and_delete_are_refused_at_once_with_allow_post(http):
    for method in ("GET", "DELETE"):
        response = http.request(method, "/mcp", headers={"Accept": "text/event-stream"})
        assert response.status_code == 405
        assert response.headers["Allow"] == "POST"
        assert json.loads(response.body)["error"]["code"] == -32600


@pytest.mark.parametrize("protocol_version", ["2025-03-26", "2025-06-18", "2025-11-25"])
def test_initialize_handshake_answers_each_2025_version_without_a_session(http, protocol_version):
    response = post(http, initialize_body(protocol_version))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert "Mcp-Session-Id" not in response.headers and "mcp-session-id" not in response.headers
    result = json.loads(response.body)["result"]
    assert result["protocolVersion"] == protocol_version
    assert result["serverInfo"]["name"] == "fitness-calculators"
    assert "tools" in result["capabilities"]


def test_handshake_client_calls_a_tool_without_any_state_from_initialize(http):
    response = post(
        http, request_body("tools/call", {"name": COOPER, "arguments": COOPER_ARGUMENTS}), handshake_headers()
    )
    assert response.status_code == 200
    result = json.loads(response.body)["result"]
    assert result["isError"] is False
    assert result["structuredContent"]["vo2_max"] == pytest.approx(49.1, abs=0.05)


def test_modern_client_discovers_then_lists_and_calls_with_routing_headers(http):
    discover = post(http, modern_request("server/discover"), modern_headers("server/discover"))
    assert discover.status_code == 200
    assert MODERN_VERSION in json.loads(discover.body)["result"]["supportedVersions"]

    listed = post(http, modern_request("tools/list"), modern_headers("tools/list"))
    assert COOPER in [tool["name"] for tool in json.loads(listed.body)["result"]["tools"]]

    called = post(
        http,
        modern_request("tools/call", {"name": COOPER, "arguments": COOPER_ARGUMENTS}),
        modern_headers("tools/call", COOPER),
    )
    assert called.status_code == 200
    assert json.loads(called.body)["result"]["structuredContent"]["vo2_max"] == pytest.approx(49.1, abs=0.05)


def test_modern_request_whose_mcp_name_header_disagrees_with_the_body_is_refused(http):
    response = post(
        http,
        modern_request("tools/call", {"name": COOPER, "arguments": COOPER_ARGUMENTS}),
        modern_headers("tools/call", "some-other-tool"),
    )
    assert response.status_code == 400
    assert "error" in json.loads(response.body)


def test_a_request_answered_by_a_second_container_needs_nothing_from_the_first(http):
    from chalice_mcp.settings import Settings
    from chalicelib.service import build_service

    assert post(http, initialize_body()).status_code == 200
    second_container = build_service(Settings.from_environment())
    from chalice_mcp.bridge import HttpRequest

    reply = second_container.bridge.handle(
        HttpRequest(
            "POST",
            "/mcp",
            {k.lower(): v for k, v in handshake_headers().items()},
            encode(request_body("tools/call", {"name": COOPER, "arguments": COOPER_ARGUMENTS})).encode(),
        )
    )
    assert reply.status == 200
    assert json.loads(reply.body)["result"]["isError"] is False


def test_notification_is_accepted_with_202_and_an_empty_body(http):
    response = post(http, {"jsonrpc": "2.0", "method": "notifications/initialized"}, handshake_headers())
    assert response.status_code == 202
    assert response.body == b""


def test_client_accepting_only_sse_gets_the_same_answer_as_one_sse_message_event(http):
    json_answer = json.loads(post(http, request_body("tools/list"), handshake_headers()).body)
    response = post(http, request_body("tools/list"), {**handshake_headers(), "Accept": "text/event-stream"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    text = response.body.decode()
    assert text.startswith("event: message\n")
    data_lines = [line[len("data: ") :] for line in text.splitlines() if line.startswith("data: ")]
    assert len(data_lines) == 1
    assert json.loads(data_lines[0]) == json_answer


def test_json_refused_with_q_0_gets_the_answer_as_an_sse_event(http):
    accept = "application/json;q=0, text/event-stream"
    response = post(http, request_body("tools/list"), {**handshake_headers(), "Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    assert response.body.startswith(b"event: message\n")


def test_accept_whose_only_types_have_q_0_gets_406(http):
    accept = "application/json;q=0, text/event-stream;q=0"
    response = post(http, request_body("tools/list"), {**handshake_headers(), "Accept": accept})
    assert response.status_code == 406


def test_accept_that_admits_neither_json_nor_sse_gets_406(http):
    response = post(http, request_body("tools/list"), {**handshake_headers(), "Accept": "text/html"})
    assert response.status_code == 406
    assert json.loads(response.body)["error"]["code"] == -32600


def test_trailing_slash_path_behaves_like_mcp(http):
    response = post(http, initialize_body(), path="/mcp/")
    assert response.status_code == 200
    assert json.loads(response.body)["result"]["protocolVersion"] == "2025-11-25"


def test_any_host_header_is_served_as_behind_api_gateway(http):
    headers = {**JSON_HEADERS, "Host": "abc123.execute-api.eu-west-1.amazonaws.com"}
    assert post(http, initialize_body(), headers).status_code == 200


def test_disallowed_origin_gets_403_with_a_jsonrpc_error(http):
    response = post(http, initialize_body(), {**JSON_HEADERS, "Origin": "https://evil.example"})
    assert response.status_code == 403
    body = json.loads(response.body)
    assert body["jsonrpc"] == "2.0" and body["error"]["code"] == -32600
    assert "Access-Control-Allow-Origin" not in response.headers


def test_local_inspector_origin_is_allowed_and_may_read_auth_and_session_headers(http):
    response = post(http, initialize_body(), {**JSON_HEADERS, "Origin": "http://localhost:6274"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:6274"
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"WWW-Authenticate", "Mcp-Session-Id"} <= exposed


def test_request_without_origin_passes(http):
    assert post(http, initialize_body(), JSON_HEADERS).status_code == 200


@pytest.mark.parametrize("modern", [False, True], ids=["handshake", "modern"])
def test_invalid_json_is_a_400_parse_error(http, modern):
    headers = modern_headers("tools/list") if modern else handshake_headers()
    response = post(http, '{"jsonrpc": "2.0", "id": 1, "method": ', headers)
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["code"] == -32700


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_non_json_content_type_is_415(http, content_type):
    response = post(http, encode(initialize_body()), {**JSON_HEADERS, "Content-Type": content_type})
    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == -32600


def test_json_content_type_with_charset_is_accepted(http):
    headers = {**JSON_HEADERS, "Content-Type": "application/json; charset=utf-8"}
    assert post(http, initialize_body(), headers).status_code == 200


def test_body_over_the_limit_is_413(http):
    padding = "x" * (1024 * 1024)
    body = encode({**initialize_body(), "padding": padding})
    response = post(http, body)
    assert response.status_code == 413
    assert json.loads(response.body)["error"]["code"] == -32600


NOT_ONE_JSONRPC_OBJECT = {
    "batch": [request_body("tools/list", request_id=1), request_body("ping", request_id=2)],
    "empty batch": [],
    "no jsonrpc member": {"id": 1, "method": "tools/call", "params": {"name": COOPER, "arguments": {"age": 25}}},
    "jsonrpc 1.0": {"jsonrpc": "1.0", "id": 1, "method": "tools/list"},
    "jsonrpc as a number": {"jsonrpc": 2.0, "id": 1, "method": "tools/list"},
    "params as a list": {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": [COOPER, {"age": 25}]},
    "an id but no method, result or error": {"jsonrpc": "2.0", "id": 1},
    "a method that is not text": {"jsonrpc": "2.0", "id": 1, "method": ["tools/list"]},
    "an id that is an object": {"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"},
    "an id that is a fraction": {"jsonrpc": "2.0", "id": 1.5, "method": "tools/list"},
    "an id that is a boolean": {"jsonrpc": "2.0", "id": True, "method": "tools/list"},
    "both a result and an error": {"jsonrpc": "2.0", "id": 1, "result": {}, "error": {"code": 1, "message": "x"}},
    "a string": "tools/list",
    "a number": 42,
    "null": None,
}


@pytest.mark.parametrize("modern", [False, True], ids=["handshake", "modern"])
@pytest.mark.parametrize("body", list(NOT_ONE_JSONRPC_OBJECT.values()), ids=list(NOT_ONE_JSONRPC_OBJECT))
def test_a_body_that_is_not_one_jsonrpc_object_is_refused_with_one_fixed_invalid_request(http, body, modern):
    # Not the SDK's pydantic report, which spans lines, quotes the request (health data) and links pydantic's site.
    headers = modern_headers("tools/list") if modern else handshake_headers()
    response = post(http, encode(body), headers)
    assert response.status_code == 400
    assert json.loads(response.body) == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32600, "message": NOT_ONE_JSONRPC_OBJECT_MESSAGE},
    }


def test_a_body_that_is_not_one_jsonrpc_object_is_refused_before_the_token_is_looked_at():
    from chalicelib.service import build_service
    from tests.support.oauth_service import oauth_settings

    class CountingAuthorizer:
        calls = 0

        def authorize(self, request, deadline=None):
            CountingAuthorizer.calls += 1
            return AuthDecision(refusal=jsonrpc_error_reply(401, -32600, "no"))

    service = build_service(oauth_settings(), authorizer=CountingAuthorizer())
    headers = {name.lower(): value for name, value in handshake_headers().items()}
    batch = HttpRequest("POST", "/mcp", headers, encode([request_body("tools/list")]).encode())
    assert service.bridge.handle(batch).status == 400
    assert CountingAuthorizer.calls == 0
    assert (
        service.bridge.handle(HttpRequest("POST", "/mcp", headers, encode(request_body("ping")).encode())).status == 401
    )
    assert CountingAuthorizer.calls == 1


def test_unknown_method_is_a_jsonrpc_method_not_found(http):
    response = post(http, request_body("tools/frobnicate", {}), handshake_headers())
    assert json.loads(response.body)["error"]["code"] == -32601


def test_invalid_tool_arguments_give_an_error_naming_the_field(http):
    arguments = {**COOPER_ARGUMENTS, "distance_m": "twelve minutes"}
    response = post(http, request_body("tools/call", {"name": COOPER, "arguments": arguments}), handshake_headers())
    assert response.status_code == 200
    result = json.loads(response.body)["result"]
    assert result["isError"] is True
    assert "distance_m" in result["content"][0]["text"]


def test_every_reply_has_one_content_type_and_no_sdk_content_length(http):
    replies = [
        post(http, initialize_body()),
        post(http, "{", handshake_headers()),
        post(http, {"jsonrpc": "2.0", "method": "notifications/initialized"}, handshake_headers()),
        http.request("GET", "/mcp"),
    ]
    for reply in replies:
        names = [name.lower() for name in reply.headers]
        assert names.count("content-type") == 1
        assert names.count("content-length") <= 1


def test_requests_reuse_the_session_manager_built_at_import(http, monkeypatch):
    built = []
    original_init = StreamableHTTPSessionManager.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(StreamableHTTPSessionManager, "__init__", counting_init)
    for _ in range(3):
        assert post(http, request_body("tools/list"), handshake_headers()).status_code == 200
    assert built == []


def test_cors_preflight_allows_the_mcp_headers(http):
    response = http.request(
        "OPTIONS",
        "/mcp",
        headers={
            "Origin": "http://localhost:6274",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,mcp-protocol-version,authorization",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:6274"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {
        "content-type",
        "accept",
        "authorization",
        "mcp-protocol-version",
        "mcp-method",
        "mcp-name",
        "mcp-session-id",
        "last-event-id",
    } <= allowed


def test_server_card_names_the_server_its_versions_tools_and_auth_mode(http):
    response = http.get("/")
    assert response.status_code == 200
    card = json.loads(response.body)
    assert card["name"] == "fitness-calculators"
    assert card["version"]
    assert {"2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"} <= set(card["protocol_versions"])
    assert COOPER in card["tools"]
    assert card["auth"] == "none"


def test_whitespace_around_a_routing_header_value_is_not_part_of_it(http):
    headers = {**modern_headers("tools/call", COOPER), "Mcp-Name": f"{COOPER}  ", "Mcp-Method": "tools/call "}
    response = post(http, modern_request("tools/call", {"name": COOPER, "arguments": COOPER_ARGUMENTS}), headers)
    assert response.status_code == 200
    assert json.loads(response.body)["result"]["isError"] is False
