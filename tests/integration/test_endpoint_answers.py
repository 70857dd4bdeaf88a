"""What any server's answers say through the endpoint, for a plain `MCPServer` that knows nothing of the fitness
server: tool errors in one plain line per refused argument and domain errors without the SDK's prefix, in both eras;
a crashing tool is "internal error in tool X" with one JSON log line (`tool_failed`, the exception's type, no
traceback) and a `ToolFailures` count; the caller's prompt and resource mistakes are invalid params (HTTP 400 in
2026-07-28); compact input schemas; the settings' cache hints unless the server set its own."""

from __future__ import annotations

import io
import json
import logging
import uuid
from typing import Annotated, Any

import pytest
from chalice import Chalice
from chalice.test import Client
from mcp.server import MCPServer
from mcp.server.caching import CacheHint
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import INTERNAL_ERROR, INVALID_PARAMS
from pydantic import Field

from chalice_mcp import Settings, mcp_blueprint
from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_request, request_body

ERAS = pytest.mark.parametrize("modern", [False, True], ids=["handshake", "per-request"])
SECRET_ARGUMENT = "do-not-log-this-value"


class UnpaidInvoice(Exception):
    """A bug in the shop's own code: nothing meant to reach the caller."""


def build_shop_server(**options: Any) -> MCPServer:
    server = MCPServer("shop", version="1.0.0", subscriptions=False, **options)

    @server.tool(name="quote-order")
    async def quote_order(
        isbn: Annotated[str, Field(pattern=r"^\d{13}$")],
        quantity: Annotated[int, Field(ge=1, le=1000)],
        note: str = "",
    ) -> float:
        """The price of an order."""
        if isbn == "9999999999999":
            raise ToolError("isbn: no book in stock has ISBN 9999999999999")
        if note:
            raise UnpaidInvoice(f"invoice for {note}")
        return 9.5 * quantity

    @server.prompt(name="gift-idea")
    async def gift_idea(reader: Annotated[str, Field(max_length=20)]) -> str:
        return f"A book for {reader}."

    @server.prompt(name="broken-prompt")
    async def broken_prompt() -> str:
        raise UnpaidInvoice(SECRET_ARGUMENT)

    @server.resource("shop://books/{isbn}")
    async def book_page(isbn: int) -> str:
        return f"book {isbn}"

    @server.resource("shop://opening-hours")
    async def opening_hours() -> str:
        return "9 to 5"

    return server


class Shop:
    def __init__(self, server: MCPServer, **environment: str) -> None:
        self.log = io.StringIO()
        self.metrics = io.StringIO()
        blueprint = mcp_blueprint(
            server,
            Settings.from_environment({"MCP_LOG_LEVEL": "DEBUG", **environment}),
            log_stream=self.log,
            metrics_stream=self.metrics,
            service_name=f"shop-answers-{uuid.uuid4().hex[:8]}",
        )
        self.app = Chalice(app_name=f"shop-{uuid.uuid4().hex[:8]}", configure_logs=False)
        self.app.register_blueprint(blueprint)

    def post(self, method: str, params: dict[str, Any], *, modern: bool, name: str | None = None) -> Any:
        with Client(self.app) as client:
            if modern:
                return client.http.post(
                    "/mcp", headers=modern_headers(method, name), body=encode(modern_request(method, params))
                )
            return client.http.post("/mcp", headers=handshake_headers(), body=encode(request_body(method, params)))

    def call(self, arguments: dict[str, Any], *, modern: bool) -> dict[str, Any]:
        params = {"name": "quote-order", "arguments": arguments}
        response = self.post("tools/call", params, modern=modern, name="quote-order")
        assert response.status_code == 200
        result = json.loads(response.body)["result"]
        assert result["isError"] is True, result
        return result

    def log_lines(self) -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in self.log.getvalue().splitlines()]
        return [line for line in lines if line["message"] == "mcp request"]


@pytest.fixture
def shop() -> Shop:
    return Shop(build_shop_server(log_level="WARNING"))


@ERAS
def test_refused_arguments_are_one_plain_line_each(shop, modern):
    result = shop.call({"isbn": "12", "quantity": 5000}, modern=modern)
    [content] = result["content"]
    assert content["text"].splitlines() == [
        r"isbn must match pattern '^\d{13}$' (got '12')",
        "quantity must be less than or equal to 1000 (got 5000)",
    ]


@ERAS
def test_a_missing_argument_is_named(shop, modern):
    [content] = shop.call({"isbn": "9780201633610"}, modern=modern)["content"]
    assert content["text"] == "quantity is required"


@ERAS
def test_a_tool_error_reads_as_the_tool_wrote_it(shop, modern):
    [content] = shop.call({"isbn": "9999999999999", "quantity": 1}, modern=modern)["content"]
    assert content["text"] == "isbn: no book in stock has ISBN 9999999999999"
    assert shop.log_lines()[-1]["outcome"] == "tool_error"


@ERAS
def test_a_crashing_tool_is_an_internal_error_with_one_log_line_and_no_traceback(shop, modern, caplog):
    with caplog.at_level(logging.DEBUG):
        result = shop.call({"isbn": "9780201633610", "quantity": 1, "note": SECRET_ARGUMENT}, modern=modern)
    assert result["content"] == [{"type": "text", "text": "internal error in tool quote-order"}]
    [line] = shop.log_lines()
    assert (line["outcome"], line["exception_type"], line["level"]) == ("tool_failed", "UnpaidInvoice", "ERROR")
    assert SECRET_ARGUMENT not in shop.log.getvalue()
    assert "Traceback" not in shop.log.getvalue()
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert not any(record.exc_info for record in caplog.records)
    [blob] = [json.loads(line) for line in shop.metrics.getvalue().splitlines()]
    assert (blob["ToolFailures"], blob["ToolErrors"]) == ([1.0], [1.0])


# An argument's value for completion must be a string: the SDK's own check refuses it before any handler.
WRONG_TYPED_COMPLETION = {
    "ref": {"type": "ref/prompt", "name": "gift-idea"},
    "argument": {"name": "reader", "value": 5},
}


@ERAS
@pytest.mark.parametrize(
    ("method", "params", "named"),
    [
        ("prompts/get", {"name": "no-such-prompt", "arguments": {}}, "Unknown prompt: no-such-prompt"),
        ("prompts/get", {"name": "gift-idea", "arguments": {}}, "reader"),
        ("prompts/get", {"name": "gift-idea", "arguments": {"reader": "x" * 50}}, "reader must have at most 20"),
        ("prompts/get", {"name": "gift-idea", "arguments": {"reader": 5}}, "arguments.reader must be a valid string"),
        ("prompts/get", {"name": "gift-idea", "arguments": ["reader"]}, "arguments must be a valid dictionary"),
        ("resources/read", {"uri": "shop://books/not-a-number"}, "isbn"),
        ("resources/read", {"uri": "shop://no-such-thing"}, "shop://no-such-thing"),
        ("completion/complete", WRONG_TYPED_COMPLETION, "Invalid request parameters"),
    ],
    ids=[
        "unknown-prompt",
        "missing-prompt-argument",
        "refused-prompt-argument",
        "prompt-argument-not-a-string",
        "prompt-arguments-not-an-object",
        "bad-template-parameter",
        "unknown-resource",
        "completion-value-not-a-string",
    ],
)
def test_the_callers_prompt_and_resource_mistakes_are_invalid_params_without_an_error_log(
    shop, caplog, modern, method, params, named
):
    name = params.get("name") or params.get("uri")
    with caplog.at_level(logging.DEBUG):
        response = shop.post(method, params, modern=modern, name=name)
    # The 2026-07-28 transport carries a JSON-RPC error on an HTTP 400 as well; a 2025 reply is a 200.
    assert response.status_code == (400 if modern else 200)
    error = json.loads(response.body)["error"]
    assert error["code"] == INVALID_PARAMS
    assert named in error["message"]
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert not any(record.exc_info for record in caplog.records)
    [line] = shop.log_lines()
    assert line["level"] != "ERROR"
    assert "exception_type" not in line


@ERAS
def test_a_prompt_that_fails_to_render_is_an_internal_error_noted_by_type_only(shop, modern, caplog):
    with caplog.at_level(logging.DEBUG):
        response = shop.post(
            "prompts/get", {"name": "broken-prompt", "arguments": {}}, modern=modern, name="broken-prompt"
        )
    error = json.loads(response.body)["error"]
    assert error == {"code": INTERNAL_ERROR, "message": "internal error in prompt broken-prompt"}
    [line] = shop.log_lines()
    assert (line["outcome"], line["exception_type"], line["level"]) == ("protocol_error", "UnpaidInvoice", "ERROR")
    assert SECRET_ARGUMENT not in shop.log.getvalue() + caplog.text
    assert not any(record.exc_info for record in caplog.records)


def test_input_schemas_carry_no_titles_generated_from_names(shop):
    response = shop.post("tools/list", {}, modern=False)
    [tool] = json.loads(response.body)["result"]["tools"]
    schema = tool["inputSchema"]
    assert "title" not in schema
    assert sorted(schema["properties"]) == ["isbn", "note", "quantity"]
    assert [name for name, argument in schema["properties"].items() if "title" in argument] == []


CACHEABLE = [
    ("server/discover", {}),
    ("tools/list", {}),
    ("prompts/list", {}),
    ("resources/list", {}),
    ("resources/templates/list", {}),
    ("resources/read", {"uri": "shop://opening-hours"}),
]


@pytest.mark.parametrize(("method", "params"), CACHEABLE, ids=[method for method, _ in CACHEABLE])
def test_every_cacheable_method_is_public_for_the_configured_ttl(method, params):
    shop = Shop(build_shop_server(log_level="WARNING"), MCP_CACHE_TTL_SECONDS="600")
    response = shop.post(method, params, modern=True, name=params.get("uri"))
    result = json.loads(response.body)["result"]
    assert (result["ttlMs"], result["cacheScope"]) == (600_000, "public")


def test_a_hint_the_server_set_itself_wins():
    own = {"resources/read": CacheHint(ttl_ms=0, scope="public"), "tools/list": CacheHint(ttl_ms=5_000)}
    shop = Shop(build_shop_server(log_level="WARNING", cache_hints=own), MCP_CACHE_TTL_SECONDS="600")
    hours = "shop://opening-hours"
    read = json.loads(shop.post("resources/read", {"uri": hours}, modern=True, name=hours).body)["result"]
    listed = json.loads(shop.post("tools/list", {}, modern=True).body)["result"]
    discovered = json.loads(shop.post("server/discover", {}, modern=True).body)["result"]
    assert (read["ttlMs"], read["cacheScope"]) == (0, "public")
    assert (listed["ttlMs"], listed["cacheScope"]) == (5_000, "private")
    assert (discovered["ttlMs"], discovered["cacheScope"]) == (600_000, "public")


def test_no_cache_hint_in_the_handshake_era_and_none_with_a_ttl_of_zero():
    shop = Shop(build_shop_server(log_level="WARNING"), MCP_CACHE_TTL_SECONDS="0")
    modern = json.loads(shop.post("tools/list", {}, modern=True).body)["result"]
    handshake = json.loads(shop.post("tools/list", {}, modern=False).body)["result"]
    assert (modern["ttlMs"], modern["cacheScope"]) == (0, "private")
    assert "ttlMs" not in handshake


def test_a_server_at_the_sdks_default_log_level_writes_no_sdk_line_per_exchange(caplog):
    shop = Shop(build_shop_server())
    with caplog.at_level(logging.DEBUG):
        shop.call({"isbn": "12", "quantity": 1}, modern=False)
    assert [record.name for record in caplog.records if record.name.startswith("mcp")] == []


@ERAS
def test_a_completion_handler_that_crashes_is_noted_by_type_only_without_a_traceback(modern, caplog):
    """The SDK logs a completion handler's unexpected exception with its traceback, as it does a tool's."""
    server = build_shop_server(log_level="WARNING")

    @server.completion()
    async def complete(reference: Any, argument: Any, context: Any) -> None:
        raise UnpaidInvoice(f"{SECRET_ARGUMENT} {argument.value}")

    shop = Shop(server)
    params = {"ref": {"type": "ref/prompt", "name": "gift-idea"}, "argument": {"name": "reader", "value": "a"}}
    with caplog.at_level(logging.DEBUG):
        response = shop.post("completion/complete", params, modern=modern)
    assert json.loads(response.body)["error"]["code"] == INTERNAL_ERROR
    [line] = shop.log_lines()
    assert (line["exception_type"], line["level"]) == ("UnpaidInvoice", "ERROR")
    assert SECRET_ARGUMENT not in shop.log.getvalue() + caplog.text
    assert not any(record.exc_info for record in caplog.records)
