"""One structured log line and one EMF metric blob per request, for each kind of outcome."""

from __future__ import annotations

import io
import json
import logging
import uuid

import pytest
from mcp.server import MCPServer

from chalice_mcp.bridge.exchange import HttpRequest, jsonrpc_error_reply
from chalice_mcp.bridge.hooks import AuthDecision
from chalice_mcp.endpoint import build_endpoint
from chalice_mcp.settings import Settings
from tests.support.jsonrpc import initialize_body, modern_headers, modern_request, request_body
from tests.support.observed_service import observed_service

COOPER = "estimate-vo2-max-cooper"
HANDSHAKE = {"mcp-protocol-version": "2025-11-25"}
EMF_UNITS = {"Count", "Milliseconds", "Seconds", "None"}


class RefuseEveryone:
    def authorize(self, request, deadline=None):
        return AuthDecision(refusal=jsonrpc_error_reply(401, -32600, "Unauthorized"))


@pytest.fixture(scope="module")
def service():
    return observed_service()


def only_new_line(service, before: int) -> dict:
    lines = service.log_lines()
    assert len(lines) == before + 1
    return lines[-1]


def test_tool_call_logs_method_tool_outcome_status_duration_and_ids(service):
    before = len(service.log_lines())
    service.post(
        request_body("tools/call", {"name": COOPER, "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}}),
        HANDSHAKE,
    )
    line = only_new_line(service, before)
    assert line["message"] == "mcp request"
    assert line["level"] == "INFO"
    assert line["request_id"] == "req-123"
    assert line["lambda_request_id"] == "lambda-456"
    assert line["jsonrpc_method"] == "tools/call"
    assert line["target"] == COOPER
    assert line["protocol_version"] == "2025-11-25"
    assert line["era"] == "handshake"
    assert line["outcome"] == "ok"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0


def test_tool_error_is_logged_as_a_tool_error(service):
    before = len(service.log_lines())
    arguments = {"distance_m": -5, "age": 25, "sex": "male"}
    service.post(request_body("tools/call", {"name": COOPER, "arguments": arguments}), HANDSHAKE)
    line = only_new_line(service, before)
    assert line["outcome"] == "tool_error"
    assert line["status"] == 200


@pytest.mark.parametrize(
    ("body", "expected_status"),
    [(request_body("tools/frobnicate", {}), 200), (b'{"jsonrpc": ', 400)],
)
def test_protocol_errors_are_logged_as_protocol_errors(service, body, expected_status):
    before = len(service.log_lines())
    service.post(body, HANDSHAKE)
    line = only_new_line(service, before)
    assert line["outcome"] == "protocol_error"
    assert line["status"] == expected_status


def test_auth_refusal_is_logged_and_counted():
    refusing = observed_service(authorizer=RefuseEveryone())
    reply = refusing.post(initialize_body())
    assert reply.status == 401
    (line,) = refusing.log_lines()
    assert line["outcome"] == "auth_refused" and line["status"] == 401
    by_service, by_reason = refusing.metric_blobs()
    assert by_service["AuthRefusals"] == [1.0]
    assert by_service["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    # An authorizer that names no reason (this one) is counted as `other`.
    assert by_reason["AuthRefusals"] == [1.0] and by_reason["reason"] == "other"
    (dimension_set,) = by_reason["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    assert set(dimension_set) == {"service", "reason"}


def test_client_name_and_version_come_from_initialize_and_from_the_modern_envelope(service):
    before = len(service.log_lines())
    service.post(initialize_body())
    line = only_new_line(service, before)
    assert (line["client_name"], line["client_version"]) == ("pytest", "1")
    service.post(modern_request("tools/list"), {k.lower(): v for k, v in modern_headers("tools/list").items()})
    line = service.log_lines()[-1]
    assert (line["client_name"], line["era"], line["protocol_version"]) == ("pytest", "per-request", "2026-07-28")


def test_tool_metrics_are_valid_embedded_metric_format(service):
    service.post(
        request_body("tools/call", {"name": COOPER, "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}}),
        HANDSHAKE,
    )
    blob = service.metric_blobs()[-1]
    directive = blob["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "FitnessMCP"
    assert isinstance(blob["_aws"]["Timestamp"], int)
    assert directive["Dimensions"]
    for dimension_set in directive["Dimensions"]:
        for dimension in dimension_set:
            assert isinstance(blob[dimension], str)
    assert blob["tool"] == COOPER
    names = {metric["Name"]: metric["Unit"] for metric in directive["Metrics"]}
    assert names == {"ToolInvocations": "Count", "ToolErrors": "Count", "ToolLatency": "Milliseconds"}
    assert set(names.values()) <= EMF_UNITS
    assert blob["ToolInvocations"] == [1.0] and blob["ToolErrors"] == [0.0]


def test_an_unknown_tool_name_is_not_a_metric_dimension(service):
    service.post(request_body("tools/call", {"name": "made-up-tool-xyz", "arguments": {}}), HANDSHAKE)
    blob = service.metric_blobs()[-1]
    assert blob["tool"] == "(unknown)"
    assert blob["ToolErrors"] == [1.0]


def test_a_non_identifier_tool_name_is_logged_as_unknown(service):
    before = len(service.log_lines())
    service.post(request_body("tools/call", {"name": "Jane Doe, 71 kg, HIV+", "arguments": {}}), HANDSHAKE)
    line = only_new_line(service, before)
    assert line["target"] == "(unknown)"
    assert "Jane" not in service.logs.getvalue()


@pytest.mark.parametrize(
    ("method", "params", "target"),
    [
        ("resources/read", {"uri": "fitness://activities/x93.4567"}, "fitness://activities/{activity}"),
        ("resources/read", {"uri": "fitness://activities"}, "fitness://activities"),
        ("resources/read", {"uri": "nope://x93.4567"}, "(unknown)"),
        ("tools/call", {"name": "nope93.4567", "arguments": {}}, "(unknown)"),
        ("prompts/get", {"name": "nope93.4567"}, "(unknown)"),
        ("prompts/get", {"name": "race-plan", "arguments": {"race": "x93.4567"}}, "race-plan"),
    ],
)
@pytest.mark.parametrize("modern", [False, True], ids=["handshake", "modern"])
def test_the_logged_target_is_what_the_catalogue_names_never_what_the_caller_chose(
    service, method, params, target, modern
):
    before = len(service.log_lines())
    if modern:
        name = params.get("name") or params.get("uri")
        headers = {k.lower(): v for k, v in modern_headers(method, name).items()}
        service.post(modern_request(method, params), headers)
    else:
        service.post(request_body(method, params), HANDSHAKE)
    line = only_new_line(service, before)
    assert (line["jsonrpc_method"], line["target"]) == (method, target)
    assert "93.4567" not in json.dumps(line)


def test_each_request_is_logged_once_and_not_again_through_the_root_logger(service):
    # The SDK installs a root handler on stderr; a request line reaching it would be written twice.
    reached_root: list[logging.LogRecord] = []

    class RootHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            reached_root.append(record)

    handler = RootHandler(level=logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        before = len(service.log_lines())
        service.post(request_body("tools/list"), HANDSHAKE)
    finally:
        logging.getLogger().removeHandler(handler)
    assert len(service.log_lines()) == before + 1
    assert [record for record in reached_root if record.getMessage() == "mcp request"] == []


def test_any_server_s_own_resource_templates_name_what_is_read():
    server = MCPServer("notes")

    @server.resource("notes://{owner}/notes/{note}", name="note")
    def note(owner: str, note: str) -> str:
        return f"a note of {owner}"

    logs = io.StringIO()
    endpoint = build_endpoint(
        server,
        Settings.from_environment({}),
        log_stream=logs,
        metrics_stream=io.StringIO(),
        service_name=f"notes-{uuid.uuid4().hex[:8]}",
    )
    headers = {"content-type": "application/json", "accept": "application/json", **HANDSHAKE}
    body = json.dumps(request_body("resources/read", {"uri": "notes://jane.doe/notes/x93.4567"})).encode()
    assert endpoint.handle(HttpRequest("POST", "/mcp", headers, body)).status == 200
    line = json.loads(logs.getvalue().splitlines()[-1])
    assert line["target"] == "notes://{owner}/notes/{note}"
    assert "jane" not in logs.getvalue()


def test_a_question_for_the_person_is_logged_as_input_required_and_not_counted_as_an_error(service):
    """A 2026-07-28 call answered with an input-required result has not been answered yet: neither `ok` nor an
    error, so an operator can count the questions apart from the answers."""
    before = len(service.log_lines())
    blobs_before = len(service.metric_blobs())
    body = modern_request("tools/call", {"name": "calculate-heart-rate-zones", "arguments": {}})
    body["params"]["_meta"]["io.modelcontextprotocol/clientCapabilities"] = {"elicitation": {"form": {}}}
    reply = service.post(body, modern_headers("tools/call", "calculate-heart-rate-zones"))
    assert json.loads(reply.body)["result"]["resultType"] == "input_required"
    line = only_new_line(service, before)
    assert (line["target"], line["outcome"], line["level"]) == ("calculate-heart-rate-zones", "input_required", "INFO")
    (blob,) = service.metric_blobs()[blobs_before:]
    assert (blob["ToolInvocations"], blob["ToolErrors"]) == ([1.0], [0.0])


class CountingLoads:
    """`json.loads`, counting the calls that read the body under test."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls = 0
        self._loads = json.loads

    def __call__(self, raw, *args, **kwargs):
        if raw == self.body:
            self.calls += 1
        return self._loads(raw, *args, **kwargs)


def test_a_body_refused_for_its_size_is_logged_without_being_decoded(service, monkeypatch):
    """API Gateway passes up to 10 MB from any caller: the edge refuses a body over the limit unread, and so does the
    request log."""
    arguments = {"distance_m": 2700, "age": 25, "sex": "male", "padding": "x" * (1024 * 1024)}
    body = json.dumps(request_body("tools/call", {"name": COOPER, "arguments": arguments})).encode()
    loads = CountingLoads(body)
    monkeypatch.setattr(json, "loads", loads)
    before = len(service.log_lines())
    reply = service.post(body, HANDSHAKE)
    monkeypatch.undo()
    assert reply.status == 413
    line = only_new_line(service, before)
    assert (line["status"], line["outcome"]) == (413, "protocol_error")
    assert "jsonrpc_method" not in line
    assert loads.calls == 0


def test_a_body_refused_as_no_jsonrpc_message_is_decoded_once_and_logged_with_its_method(service, monkeypatch):
    body = json.dumps({"id": 1, "method": "tools/list"}).encode()  # no "jsonrpc": "2.0"
    loads = CountingLoads(body)
    monkeypatch.setattr(json, "loads", loads)
    before = len(service.log_lines())
    reply = service.post(body, HANDSHAKE)
    monkeypatch.undo()
    assert reply.status == 400
    line = only_new_line(service, before)
    assert (line["status"], line["jsonrpc_method"]) == (400, "tools/list")
    assert loads.calls == 1
