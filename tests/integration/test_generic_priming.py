"""SnapStart priming for any server, through `mcp_blueprint(..., prime=True)`: before the snapshot the endpoint
answers one request of each kind from the server's own catalogue — the read-only tools that declare an example for
every required argument are called with it, nothing else is — without logging or counting any of it."""

from __future__ import annotations

import gc
import io
import sys
import types
import uuid
from collections.abc import Callable
from typing import Annotated

import pytest
from chalice import Chalice
from mcp.server import MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from chalice_mcp import Settings, mcp_blueprint
from chalice_mcp.snapstart import RUNTIME_HOOKS_MODULE, example_arguments, prime_endpoint

READ_ONLY = ToolAnnotations(readOnlyHint=True)
WRITES = ToolAnnotations(readOnlyHint=False, destructiveHint=False)
BOOK_URI = "shop://books"


class Recorder:
    """What the shop's tools and resource were asked, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, object]]] = []


def shop_server(recorder: Recorder) -> MCPServer:
    server = MCPServer("shop", title="Shop", version="2.0.0", subscriptions=False, log_level="WARNING")

    @server.tool(name="quote-order", annotations=READ_ONLY)
    async def quote_order(
        isbn: Annotated[str, Field(pattern=r"^\d{13}$", examples=["9780131103627"])],
        quantity: Annotated[int, Field(ge=1, examples=[2])] = 1,
    ) -> float:
        """Quote an order."""
        recorder.calls.append(("quote-order", {"isbn": isbn, "quantity": quantity}))
        return 42.5 * quantity

    @server.tool(name="find-books", annotations=READ_ONLY)
    async def find_books(query: str) -> list[str]:
        """No example: priming cannot know a valid call."""
        recorder.calls.append(("find-books", {"query": query}))
        return []

    @server.tool(name="place-order", annotations=WRITES)
    async def place_order(isbn: Annotated[str, Field(examples=["9780131103627"])]) -> str:
        """Writes: never called for a snapshot, example or not."""
        recorder.calls.append(("place-order", {"isbn": isbn}))
        return "placed"

    @server.tool(name="stock-count", annotations=READ_ONLY)
    async def stock_count() -> int:
        """No arguments, so nothing declares a call."""
        recorder.calls.append(("stock-count", {}))
        return 3

    @server.resource(BOOK_URI, name="books", mime_type="text/plain")
    async def books() -> str:
        recorder.calls.append(("resources/read", {"uri": BOOK_URI}))
        return "three books"

    return server


class FakeRuntime(types.ModuleType):
    """Records the hooks the app registers, as the Lambda runtime's `snapshot_restore_py` would run them."""

    def __init__(self) -> None:
        super().__init__(RUNTIME_HOOKS_MODULE)
        self.before_snapshot: list[Callable[[], None]] = []

    def register_before_snapshot(self, hook: Callable[[], None]) -> None:
        self.before_snapshot.append(hook)

    def register_after_restore(self, hook: Callable[[], None]) -> None:
        pass


@pytest.fixture
def snapstart_init(monkeypatch) -> FakeRuntime:
    runtime = FakeRuntime()
    monkeypatch.setitem(sys.modules, RUNTIME_HOOKS_MODULE, runtime)
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    # On Lambda a server that could ask needs the keys every container shares.
    monkeypatch.setenv("MCP_REQUEST_STATE_KEYS", "a-request-state-key-of-this-test-0123456789")
    return runtime


def shop_app(**blueprint_options: object) -> tuple[Chalice, io.StringIO, io.StringIO]:
    logs, metrics = io.StringIO(), io.StringIO()
    app = Chalice(app_name=f"shop-{uuid.uuid4().hex[:8]}", configure_logs=False)
    blueprint = mcp_blueprint(
        settings=Settings.from_environment(), log_stream=logs, metrics_stream=metrics, **blueprint_options
    )
    app.register_blueprint(blueprint, url_prefix="/tools")
    return app, logs, metrics


def request_lines(logs: io.StringIO) -> list[str]:
    return [line for line in logs.getvalue().splitlines() if line.strip() and "server started" not in line]


def test_prime_true_calls_each_read_only_tool_that_declares_an_example_and_reads_a_resource(snapstart_init):
    recorder = Recorder()
    _, logs, metrics = shop_app(server=shop_server(recorder), prime=True)
    [before_snapshot] = snapstart_init.before_snapshot
    assert recorder.calls == []
    before_snapshot()
    called = {name for name, _ in recorder.calls}
    assert called == {"quote-order", "resources/read"}
    # Once per protocol era, with the examples the schema declares.
    assert recorder.calls.count(("quote-order", {"isbn": "9780131103627", "quantity": 2})) == 2
    assert request_lines(logs) == [] and metrics.getvalue() == ""


def test_priming_runs_with_the_collector_paused_and_leaves_what_it_built_frozen(snapstart_init):
    """A restored container's first collection would otherwise walk (and fault in) everything priming built."""
    recorder = Recorder()
    shop_app(server=shop_server(recorder), prime=True)
    [before_snapshot] = snapstart_init.before_snapshot
    gc.enable()
    gc.unfreeze()
    try:
        before_snapshot()
        assert recorder.calls and gc.get_freeze_count() > 0
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_without_prime_the_snapshot_hook_calls_no_tool(snapstart_init):
    recorder = Recorder()
    shop_app(server=shop_server(recorder))
    [before_snapshot] = snapstart_init.before_snapshot
    before_snapshot()
    assert recorder.calls == []


def test_example_calls_the_app_passes_replace_the_declared_ones(snapstart_init):
    recorder = Recorder()
    shop_app(
        server=shop_server(recorder),
        before_snapshot=lambda endpoint: prime_endpoint(endpoint, {"find-books": {"query": "design"}}, BOOK_URI),
    )
    [before_snapshot] = snapstart_init.before_snapshot
    before_snapshot()
    assert sorted({name for name, _ in recorder.calls}) == ["find-books", "resources/read"]
    assert ("find-books", {"query": "design"}) in recorder.calls


def test_prime_and_a_hook_of_ones_own_cannot_both_be_given():
    with pytest.raises(ValueError, match="prime=True or a before_snapshot"):
        mcp_blueprint(shop_server(Recorder()), prime=True, before_snapshot=lambda endpoint: None)


@pytest.mark.parametrize(
    ("schema", "call"),
    [
        # Each argument's first example, optional ones included when they have one.
        (
            {"properties": {"a": {"examples": [1, 2]}, "b": {"examples": ["x"]}}, "required": ["a"]},
            {"a": 1, "b": "x"},
        ),
        # The schema's own example of a whole call wins.
        ({"examples": [{"a": 5}], "properties": {"a": {"examples": [1]}}, "required": ["a"]}, {"a": 5}),
        # A required argument without an example: no valid call is known.
        ({"properties": {"a": {"examples": [1]}, "b": {}}, "required": ["a", "b"]}, None),
        # No arguments, no examples: nothing is declared.
        ({"properties": {}}, None),
        ({"properties": {"a": {"examples": []}}, "required": ["a"]}, None),
    ],
)
def test_example_arguments_come_from_the_input_schema(schema, call):
    assert example_arguments(schema) == call
