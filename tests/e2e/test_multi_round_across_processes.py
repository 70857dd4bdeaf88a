"""Multi-round requests (2026-07-28) across processes, as across Lambda containers: the SDK's `mcp.Client` with an
elicitation callback talks to two real `chalice local` processes behind a round-robin proxy, so a tool call and its
retry with the answer reach different processes. With MCP_REQUEST_STATE_KEYS shared the call is answered; with
different keys the retry is a clean JSON-RPC error (a WARNING in the log, no ERROR and no traceback)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import ElicitResult

from chalicelib import fitness
from tests.support.chalice_local import PROJECT_ROOT, RunningServer, start_chalice_local, stop
from tests.support.round_robin_proxy import RoundRobinProxy

pytestmark = pytest.mark.e2e

ZONES = "calculate-heart-rate-zones"
KEY_A = "multi-round-key-a-of-this-test-run-0123456789"
KEY_B = "multi-round-key-b-of-this-test-run-0123456789"


class ServersBehindProxy:
    def __init__(self, proxy: RoundRobinProxy, servers: list[RunningServer]) -> None:
        self.proxy = proxy
        self.servers = servers

    @property
    def mcp_url(self) -> str:
        return self.proxy.url + "/mcp"

    def logs(self) -> str:
        return "\n".join(server.log() for server in self.servers)


def start_behind_proxy(work_dir: Path, keys: list[str]) -> ServersBehindProxy:
    proxy = RoundRobinProxy()
    servers: list[RunningServer] = []
    try:
        for number, key in enumerate(keys):
            log = work_dir / f"chalice-local-{number}.log"
            servers.append(start_chalice_local(PROJECT_ROOT, log, {"MCP_REQUEST_STATE_KEYS": key}))
    except BaseException:
        for server in servers:
            stop(server)
        raise
    proxy.start([server.base_url for server in servers])
    return ServersBehindProxy(proxy, servers)


def stop_all(behind: ServersBehindProxy) -> None:
    behind.proxy.stop()
    for server in behind.servers:
        stop(server)


@pytest.fixture(scope="module")
def shared_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServersBehindProxy]:
    behind = start_behind_proxy(tmp_path_factory.mktemp("shared-keys"), [KEY_A, KEY_A])
    try:
        yield behind
    finally:
        stop_all(behind)


@pytest.fixture(scope="module")
def different_keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServersBehindProxy]:
    behind = start_behind_proxy(tmp_path_factory.mktemp("different-keys"), [KEY_A, KEY_B])
    try:
        yield behind
    finally:
        stop_all(behind)


async def answer_age(context: Any, params: Any) -> ElicitResult:
    return ElicitResult(action="accept", content={"age": 40})


async def call_zones(url: str) -> Any:
    """The tool's result, or the MCPError the call raised (caught inside the client, so it is not wrapped in the
    exception group of the client's task group)."""
    async with Client(url, mode="2026-07-28", elicitation_callback=answer_age) as client:
        try:
            return await client.call_tool(ZONES, {})
        except MCPError as error:
            return error


def first_and_retry_backends(behind: ServersBehindProxy) -> tuple[str, str]:
    calls = [forwarded for forwarded in behind.proxy.forwarded if forwarded.method == "tools/call"]
    first = next(forwarded for forwarded in calls if not forwarded.carries_request_state)
    retry = next(forwarded for forwarded in calls if forwarded.carries_request_state)
    return first.backend, retry.backend


def test_with_shared_keys_the_retry_on_the_other_process_is_answered(shared_keys):
    result = asyncio.run(call_zones(shared_keys.mcp_url))
    assert not result.is_error, result.content
    assert result.structured_content == fitness.calculate_heart_rate_zones(age=40).model_dump(mode="json")
    first, retry = first_and_retry_backends(shared_keys)
    assert first != retry, "the call and its retry reached the same process"


def test_with_different_keys_the_retry_is_a_clean_json_rpc_error(different_keys):
    refused = asyncio.run(call_zones(different_keys.mcp_url))
    assert isinstance(refused, MCPError)
    assert refused.error.code == -32602
    assert refused.error.message == "Invalid or expired requestState"
    first, retry = first_and_retry_backends(different_keys)
    assert first != retry
    logs = different_keys.logs()
    assert "requestState rejected on tools/call: unknown key" in logs
    assert "Traceback" not in logs and '"level":"ERROR"' not in logs and " 500 " not in logs
