"""Progress, buffered: a request that asks for notifications and admits SSE gets the SDK's SSE answer in one reply
(every notification in order, then the result); every other request is answered in JSON as before."""

from __future__ import annotations

import io
import json
import threading
import uuid
from typing import Any

import pytest
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import LOG_LEVEL_META_KEY

from chalice_mcp.bridge import HttpReply, HttpRequest, StatelessMCPBridge
from chalice_mcp.bridge.edge import EdgeRules, OriginPolicy
from chalice_mcp.bridge.event_loop import ContainerEventLoop
from chalice_mcp.bridge.stateless_mcp import asks_for_notifications
from chalice_mcp.observability import RequestObserver
from tests.support.jsonrpc import modern_meta

BOTH = "application/json, text/event-stream"
HANDSHAKE = "2025-11-25"


def progress_server() -> MCPServer:
    server = MCPServer("progress-test")

    @server.tool()
    async def count_to_three(ctx: Context) -> str:
        """Reports progress 1, 2 and 3 of 3, and logs once."""
        for step in (1, 2, 3):
            await ctx.report_progress(progress=step, total=3, message=f"step {step}")
        await ctx.info("counted")
        return "done"

    @server.tool()
    async def fail_after_progress(ctx: Context) -> str:
        """Reports progress once, then fails."""
        await ctx.report_progress(progress=1, total=2)
        raise ToolError("failed on purpose")

    return server


@pytest.fixture(scope="module")
def setup() -> tuple[StatelessMCPBridge, ContainerEventLoop, io.StringIO]:
    logs = io.StringIO()
    observer = RequestObserver(
        log_stream=logs, metrics_stream=io.StringIO(), service_name=f"progress-test-{uuid.uuid4().hex[:8]}"
    )
    event_loop = ContainerEventLoop()
    edge = EdgeRules(OriginPolicy(()), 1024 * 1024)
    bridge = StatelessMCPBridge(progress_server(), edge, observer=observer, event_loop=event_loop)
    return bridge, event_loop, logs


def call(tool: str, meta: dict[str, Any] | None, *, accept: str = BOTH, version: str = HANDSHAKE) -> HttpRequest:
    params: dict[str, Any] = {"name": tool, "arguments": {}}
    if meta is not None:
        params["_meta"] = meta
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params}).encode()
    headers = {"content-type": "application/json", "accept": accept, "mcp-protocol-version": version}
    if version != HANDSHAKE:
        headers.update({"mcp-method": "tools/call", "mcp-name": tool})
    return HttpRequest("POST", "/mcp", headers, body)


def sse_messages(reply: HttpReply) -> list[dict[str, Any]]:
    assert reply.content_type == "text/event-stream", reply
    return [json.loads(line[5:]) for line in reply.body.decode().splitlines() if line.startswith("data:")]


def last_log_line(logs: io.StringIO) -> dict[str, Any]:
    lines = [json.loads(line) for line in logs.getvalue().splitlines() if line.strip()]
    assert lines, "nothing was logged"
    return lines[-1]


def test_a_progress_token_gets_every_notification_in_order_then_the_result(setup):
    bridge, _, logs = setup
    reply = bridge.handle(call("count_to_three", {"progressToken": "p-1"}))
    assert reply.status == 200
    messages = sse_messages(reply)
    progress = [m["params"] for m in messages if m.get("method") == "notifications/progress"]
    assert [(p["progressToken"], p["progress"], p["total"]) for p in progress] == [
        ("p-1", 1, 3),
        ("p-1", 2, 3),
        ("p-1", 3, 3),
    ]
    assert messages[-1]["id"] == 7
    assert messages[-1]["result"]["content"][0]["text"] == "done"
    assert last_log_line(logs)["outcome"] == "ok"


def test_the_observer_reads_the_result_not_the_first_notification(setup):
    bridge, _, logs = setup
    reply = bridge.handle(call("fail_after_progress", {"progressToken": 9}))
    messages = sse_messages(reply)
    assert messages[0]["method"] == "notifications/progress"
    assert messages[-1]["result"]["isError"] is True
    assert last_log_line(logs)["outcome"] == "tool_error"


def test_a_2026_request_asking_for_log_messages_gets_them_before_the_result(setup):
    bridge, _, _ = setup
    meta = {**modern_meta(), LOG_LEVEL_META_KEY: "info"}
    reply = bridge.handle(call("count_to_three", meta, version="2026-07-28"))
    messages = sse_messages(reply)
    assert [m["params"]["data"] for m in messages if m.get("method") == "notifications/message"] == ["counted"]
    assert messages[-1]["result"]["content"][0]["text"] == "done"


@pytest.mark.parametrize(
    ("meta", "accept"),
    [(None, BOTH), ({"progressToken": "p-2"}, "application/json")],
    ids=["no progress token", "json only"],
)
def test_other_requests_are_answered_in_json(setup, meta, accept):
    bridge, _, _ = setup
    reply = bridge.handle(call("count_to_three", meta, accept=accept))
    assert reply.content_type == "application/json"
    assert json.loads(reply.body)["result"]["content"][0]["text"] == "done"


def test_sse_replies_served_from_many_threads_leave_no_task_behind(setup):
    bridge, event_loop, _ = setup
    replies: list[HttpReply] = []
    for _ in range(5):
        # `chalice local` serves each request on a new thread.
        worker = threading.Thread(
            target=lambda: replies.append(bridge.handle(call("count_to_three", {"progressToken": 1})))
        )
        worker.start()
        worker.join(timeout=30)
    assert [reply.status for reply in replies] == [200] * 5
    # Only the task that holds the session managers open.
    assert len(event_loop.pending_tasks()) == 1


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"_meta": {"progressToken": "a"}}}, True),
        ({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"_meta": {"progressToken": None}}}, False),
        ({"params": {"_meta": {"io.modelcontextprotocol/logLevel": "debug"}}}, True),
        ({"params": {"arguments": {"note": "progressToken"}}}, False),
        ({"params": "progressToken"}, False),
        ({"params": {"_meta": "progressToken"}}, False),
        ({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, False),
    ],
)
def test_only_a_progress_token_or_log_level_in_meta_asks_for_notifications(message, expected):
    assert asks_for_notifications(message) is expected
