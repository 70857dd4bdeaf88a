"""Primed SnapStart: the hooks are registered with the Lambda runtime's `snapshot_restore_py` (absent here, so a
stand-in is put in `sys.modules`), the before-snapshot hook answers one request of each kind, and the after-restore
hook gives each restored container its own random state."""

from __future__ import annotations

import json
import random
import sys
import types
from collections.abc import Callable, Iterator

import pytest

from chalice_mcp.settings import Settings
from chalice_mcp.snapstart import RUNTIME_HOOKS_MODULE, priming_requests, refresh_after_restore, register_runtime_hooks
from chalicelib.mcp_server.tool_catalogue import FORMULA_INDEX_URI, TOOL_CATALOGUE
from chalicelib.service import build_service
from tests.support.observed_service import observed_service


class FakeRuntime(types.ModuleType):
    """Records what the app registers, as the Lambda runtime's `snapshot_restore_py` would run it."""

    def __init__(self) -> None:
        super().__init__(RUNTIME_HOOKS_MODULE)
        self.before_snapshot: list[Callable[[], None]] = []
        self.after_restore: list[Callable[[], None]] = []

    def register_before_snapshot(self, hook: Callable[[], None]) -> None:
        self.before_snapshot.append(hook)

    def register_after_restore(self, hook: Callable[[], None]) -> None:
        self.after_restore.append(hook)


@pytest.fixture
def runtime(monkeypatch) -> Iterator[FakeRuntime]:
    fake = FakeRuntime()
    monkeypatch.setitem(sys.modules, RUNTIME_HOOKS_MODULE, fake)
    # On Lambda the server refuses to start without shared request-state keys.
    monkeypatch.setenv("MCP_REQUEST_STATE_KEYS", "a-request-state-key-of-this-test-0123456789")
    yield fake


def test_without_the_lambda_runtime_nothing_is_registered(monkeypatch):
    monkeypatch.delitem(sys.modules, RUNTIME_HOOKS_MODULE, raising=False)
    assert register_runtime_hooks(lambda: None, lambda: None) is False


def test_a_snapstart_init_registers_priming_and_refresh_hooks(runtime, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    service = build_service(Settings.from_environment())
    assert runtime.before_snapshot == [service.prime]
    assert runtime.after_restore == [refresh_after_restore]


@pytest.mark.parametrize("initialization_type", ["on-demand", "provisioned-concurrency"])
def test_other_inits_register_no_hook(runtime, monkeypatch, initialization_type):
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", initialization_type)
    build_service(Settings.from_environment())
    assert runtime.before_snapshot == [] and runtime.after_restore == []


def test_priming_registers_the_catalogue_and_answers_in_process(runtime, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
    service = build_service(Settings.from_environment())
    assert not service.catalogue.registered
    service.prime()
    assert service.catalogue.registered


def test_every_priming_request_is_answered_with_a_result_and_none_is_logged():
    service = observed_service()
    example_calls = {tool.name: tool.example.arguments for tool in TOOL_CATALOGUE}
    assert example_calls, "the catalogue has no tools"
    answered: dict[str, set[str | None]] = {}
    for request in priming_requests(example_calls, FORMULA_INDEX_URI):
        reply = service.bridge.answer_in_process(request)
        body = json.loads(reply.body)
        message = json.loads(request.body)
        assert reply.status == 200, (message["method"], reply.body)
        assert "result" in body, (message["method"], body)
        # Each tool's example is a valid call: priming takes the success path, not an error path.
        assert body["result"].get("isError") is not True, (message["params"].get("name"), body)
        answered.setdefault(message["method"], set()).add(message["params"].get("name"))
    assert {"initialize", "server/discover", "tools/list", "prompts/list", "resources/list", "resources/read"} <= set(
        answered
    )
    assert answered["tools/call"] == set(example_calls)
    assert service.log_lines() == [] and service.metric_blobs() == []


def test_after_restore_each_container_gets_its_own_random_state():
    random.seed(1234)
    snapshot_state = random.getstate()
    refresh_after_restore()
    assert random.getstate() != snapshot_state
