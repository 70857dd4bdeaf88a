"""MCP_REQUEST_STATE_KEYS: the request state one endpoint (one Lambda container) seals, another opens when it holds
the same keys; with other keys, an expired or tampered state, the retry is a clean JSON-RPC error and a WARNING at
most. On Lambda a server that could ask refuses to start without keys. In process: two endpoints built from the
same settings, each with its own server, as two containers would build them."""

from __future__ import annotations

import io
import itertools
import json
import logging
from typing import Annotated, Any

import pytest
from mcp.server import MCPServer
from mcp.server.lowlevel import Server
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit, Resolve
from pydantic import BaseModel

from chalice_mcp import Settings
from chalice_mcp.bridge.exchange import HttpRequest
from chalice_mcp.endpoint import MCPEndpoint, build_endpoint
from chalice_mcp.request_state import configure_request_state, could_ask
from chalice_mcp.settings import SettingsError
from tests.support.jsonrpc import modern_headers, modern_meta

KEY_A = "request-state-key-a-0123456789abcdefghij"
KEY_B = "request-state-key-b-0123456789abcdefghij"
ASKING_TOOL = "greet-by-name"


class Name(BaseModel):
    name: str


async def ask_for_name(ctx: Context) -> Elicit[Name]:
    return Elicit("What is your name?", Name)


def build_asking_server() -> MCPServer:
    server = MCPServer("asking", version="1", subscriptions=False, log_level="WARNING")

    @server.tool(name=ASKING_TOOL)
    async def greet(name: Annotated[Name, Resolve(ask_for_name)]) -> str:
        """Greet the person by name, asking for it."""
        return f"Hello, {name.name}!"

    return server


def endpoint_with(environment: dict[str, str]) -> MCPEndpoint:
    return build_endpoint(
        build_asking_server(),
        Settings.from_environment(environment),
        log_stream=io.StringIO(),
        metrics_stream=io.StringIO(),
    )


def call(endpoint: MCPEndpoint, **extra: Any) -> dict[str, Any]:
    meta = {**modern_meta(), "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}}}
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": ASKING_TOOL, "arguments": {}, "_meta": meta, **extra},
    }
    headers = {name.lower(): value for name, value in modern_headers("tools/call", ASKING_TOOL).items()}
    reply = endpoint.handle(HttpRequest("POST", "/mcp", headers, json.dumps(body).encode()))
    answer = json.loads(reply.body)
    # The SDK answers invalid params with 400, everything else with 200.
    assert reply.status == (400 if "error" in answer else 200), reply.body
    return answer


def answered_retry(first: dict[str, Any]) -> dict[str, Any]:
    result = first["result"]
    assert result["resultType"] == "input_required", result
    (key,) = result["inputRequests"]
    return {
        "inputResponses": {key: {"action": "accept", "content": {"name": "Ada"}}},
        "requestState": result["requestState"],
    }


def test_a_state_sealed_by_one_endpoint_is_opened_by_another_with_the_same_keys():
    environment = {"MCP_REQUEST_STATE_KEYS": KEY_A}
    first, second = endpoint_with(environment), endpoint_with(environment)
    answer = call(second, **answered_retry(call(first)))
    assert answer["result"]["content"][0]["text"] == "Hello, Ada!"


def opens(sealed_by: MCPEndpoint, opened_by: MCPEndpoint) -> bool:
    answer = call(opened_by, **answered_retry(call(sealed_by)))
    return "result" in answer and answer["result"]["content"][0]["text"] == "Hello, Ada!"


def test_rotation_in_three_phases_never_refuses_a_retry_between_neighbouring_phases():
    # old → old,new → new,old → new: containers of two neighbouring phases run side by side during each rollout.
    rings = (KEY_A, f"{KEY_A},{KEY_B}", f"{KEY_B},{KEY_A}", KEY_B)
    phases = [endpoint_with({"MCP_REQUEST_STATE_KEYS": keys}) for keys in rings]
    for earlier, later in itertools.pairwise(phases):
        assert opens(earlier, later) and opens(later, earlier)
    assert not opens(phases[0], phases[-1])


def per_process_key_retry_is_refused(first: MCPEndpoint, second: MCPEndpoint, caplog: pytest.LogCaptureFixture):
    retry = answered_retry(call(first))
    with caplog.at_level(logging.INFO):
        refused = call(second, **retry)
    assert refused["error"]["code"] == -32602
    assert refused["error"]["message"] == "Invalid or expired requestState"
    assert not [record for record in caplog.records if record.levelno > logging.WARNING]
    assert all(record.exc_info is None for record in caplog.records)


def test_a_state_sealed_under_other_keys_is_a_clean_invalid_params_error(caplog):
    per_process_key_retry_is_refused(
        endpoint_with({"MCP_REQUEST_STATE_KEYS": KEY_A}), endpoint_with({"MCP_REQUEST_STATE_KEYS": KEY_B}), caplog
    )


def test_without_keys_each_process_has_its_own_key_and_another_refuses_its_state(caplog):
    per_process_key_retry_is_refused(endpoint_with({}), endpoint_with({}), caplog)


def test_a_tampered_state_is_a_clean_invalid_params_error(caplog):
    endpoint = endpoint_with({"MCP_REQUEST_STATE_KEYS": KEY_A})
    retry = answered_retry(call(endpoint))
    state = retry["requestState"]
    retry["requestState"] = state[:-4] + ("AAAA" if not state.endswith("AAAA") else "BBBB")
    with caplog.at_level(logging.INFO):
        refused = call(endpoint, **retry)
    assert refused["error"]["code"] == -32602
    assert not [record for record in caplog.records if record.levelno > logging.WARNING]


def test_an_expired_state_is_a_clean_invalid_params_error(monkeypatch):
    endpoint = endpoint_with({"MCP_REQUEST_STATE_KEYS": KEY_A})
    retry = answered_retry(call(endpoint))
    import mcp.server.request_state as sdk_request_state

    later = sdk_request_state.time.time() + 601
    monkeypatch.setattr(sdk_request_state.time, "time", lambda: later)
    refused = call(endpoint, **retry)
    assert refused["error"]["message"] == "Invalid or expired requestState"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AWS_LAMBDA_FUNCTION_NAME", "fitness-mcp"),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
        # Under SnapStart a key of the process would sit in the snapshot, shared by every restored container.
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"),
    ],
)
def test_on_lambda_a_server_that_could_ask_refuses_to_start_without_keys(name, value):
    with pytest.raises(SettingsError, match="MCP_REQUEST_STATE_KEYS is required on Lambda"):
        endpoint_with({name: value})
    assert endpoint_with({name: value, "MCP_REQUEST_STATE_KEYS": KEY_A}) is not None


def test_a_lazily_built_server_on_lambda_is_refused_when_the_blueprint_is_made():
    from chalice_mcp import mcp_blueprint

    with pytest.raises(SettingsError, match="MCP_REQUEST_STATE_KEYS"):
        mcp_blueprint(build_asking_server, Settings.from_environment({"AWS_LAMBDA_FUNCTION_NAME": "f"}))


def test_a_low_level_server_that_seals_nothing_needs_no_keys():
    server: Server[Any] = Server("plain")
    assert not could_ask(server)
    before = list(server.middleware)
    configure_request_state(server, Settings.from_environment({"AWS_LAMBDA_FUNCTION_NAME": "f"}))
    assert server.middleware == before
    assert could_ask(build_asking_server())


@pytest.mark.parametrize("state", [12345, ["v1.x"], {"s": 1}, "", "garbage", "v1." + "A" * 50_000, "v1.!!!"])
def test_a_request_state_of_any_shape_is_a_clean_error_never_an_error_log(state, caplog):
    endpoint = endpoint_with({"MCP_REQUEST_STATE_KEYS": KEY_A})
    with caplog.at_level(logging.INFO):
        refused = call(endpoint, requestState=state)
    assert refused["error"]["code"] == -32602, refused
    assert not [record for record in caplog.records if record.levelno > logging.WARNING]


def test_a_refused_state_is_noted_on_the_request_log_line_and_the_sdks_warning_written_once_per_reason(caplog):
    """Any caller can send a tampered state as often as it likes: each refusal is noted by its reason on the request's
    own JSON line, and the SDK's plain-text WARNING is written for the first of each reason only."""
    log = io.StringIO()
    endpoint = build_endpoint(
        build_asking_server(),
        Settings.from_environment({"MCP_REQUEST_STATE_KEYS": KEY_A}),
        log_stream=log,
        metrics_stream=io.StringIO(),
        service_name="request-state-refusals",
    )
    retry = answered_retry(call(endpoint))
    retry["requestState"] = retry["requestState"][:-4] + "AAAA"
    # Another test of this process may have had its state refused for the same reason already: at most one each.
    with caplog.at_level(logging.DEBUG):
        for _ in range(3):
            assert call(endpoint, **retry)["error"]["code"] == -32602
            assert call(endpoint, requestState=7)["error"]["code"] == -32602
    warned = [record.getMessage() for record in caplog.records if record.name.startswith("mcp")]
    assert warned.count("requestState rejected on tools/call: non-string requestState") <= 1
    assert warned.count("requestState rejected on tools/call: seal") <= 1
    assert len(warned) <= 2
    assert not [record for record in caplog.records if record.levelno > logging.WARNING]
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    refusals = [line for line in lines if line["message"] == "mcp request" and line["status"] == 400]
    assert [(line["level"], line["request_state_refused"]) for line in refusals] == [
        ("INFO", "seal"),
        ("INFO", "non-string requestState"),
    ] * 3
