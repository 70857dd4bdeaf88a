"""The example app (examples/bookshop) as its user runs it: the chalice_mcp wheel installed on its own, `chalice local`,
real clients. Its own route and its MCP endpoint under `/tools` answer side by side; `mcp.Client` in every mode and
the Inspector CLI list and call its own tools; the client's cache keeps the tool list; every error reads plainly in
both eras (a refused argument, the shop's own refusal, a crashing tool, a prompt and a resource asked for wrongly),
and the log at DEBUG holds no ERROR line or traceback for the caller's mistakes and one `tool_failed` line per
crash; with MCP_AUTH=oauth and a real token issuer process, a missing token is a 401 that points at the metadata
under the prefix, and a token for the prefixed resource passes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

import chalice_mcp
from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.example_app import build_wheel, copy_example, install_wheel
from tests.support.jsonrpc import encode, initialize_body
from tests.support.processes import free_port
from tests.support.token_issuer import TokenIssuer, start_token_issuer

pytestmark = pytest.mark.e2e

PREFIX = "/tools"
TOOLS = ["find-books", "quote-order", "estimate-delivery"]
QUOTE = {"isbn": "9780201633610", "quantity": 12}
# 12 copies at 49.90 with 15% off from 10 copies on (examples/bookshop/chalicelib/books.py).
QUOTE_TOTAL_EUR = 508.98
INSPECTOR_TIMEOUT_SECONDS = 90


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def installed_wheel(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_wheel(wheel, tmp_path_factory.mktemp("site"))


def test_the_wheel_holds_the_endpoint_package_alone(wheel):
    distribution, version = wheel.name.split("-")[:2]
    dist_info = f"{distribution}-{version}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top_level = {name.split("/")[0] for name in names}
        metadata = archive.read(f"{dist_info}/METADATA").decode()
    assert top_level == {"chalice_mcp", dist_info}
    assert "chalice_mcp/py.typed" in names
    assert version == chalice_mcp.__version__
    assert f"Version: {chalice_mcp.__version__}\n" in metadata
    assert "Requires-Dist: mcp" in metadata
    assert "Requires-Dist: chalice" not in metadata


def start_example(work_dir: Path, installed_wheel: Path, **environment_variables: str) -> RunningServer:
    port = free_port()
    # A value may name the port the app will listen on, which is known only now.
    settings = {name: value.replace("__PORT__", str(port)) for name, value in environment_variables.items()}
    project = copy_example(work_dir / "bookshop", settings)
    # The wheel, not this repository's source, is what the app imports chalice_mcp from.
    return start_chalice_local(project, work_dir / "chalice-local.log", {"PYTHONPATH": str(installed_wheel)}, port)


@pytest.fixture(scope="module")
def bookshop(installed_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_example(tmp_path_factory.mktemp("bookshop"), installed_wheel)
    try:
        yield server
    finally:
        stop(server)


def endpoint_url(server: RunningServer) -> str:
    return f"{server.base_url}{PREFIX}/mcp"


async def list_and_quote(url: str, mode: str, http_client: httpx2.AsyncClient | None = None) -> tuple[list[str], dict]:
    if http_client is None:
        client = Client(url, mode=mode, read_timeout_seconds=30)
    else:
        client = Client(streamable_http_client(url, http_client=http_client), mode=mode, read_timeout_seconds=30)
    async with client:
        tools = await client.list_tools()
        result = await client.call_tool("quote-order", QUOTE)
        assert not result.is_error, result.content
        return [tool.name for tool in tools.tools], result.structured_content


def test_the_apps_own_route_and_the_endpoint_answer_side_by_side(bookshop):
    with urllib.request.urlopen(bookshop.base_url + "/", timeout=10) as response:
        books = json.loads(response.read())["books"]
    assert len(books) == 3
    with urllib.request.urlopen(bookshop.base_url + PREFIX, timeout=10) as response:
        card = json.loads(response.read())
    assert (card["name"], card["endpoint"], card["tools"]) == ("bookshop", "/tools/mcp", TOOLS)


@pytest.mark.parametrize("mode", ["legacy", "auto", "2026-07-28"])
def test_sdk_client_lists_and_calls_the_examples_own_tools_in_every_mode(bookshop, mode):
    names, quote = asyncio.run(list_and_quote(endpoint_url(bookshop), mode))
    assert names == TOOLS
    assert quote == {**QUOTE, "total_eur": QUOTE_TOTAL_EUR, "bulk_discount_applied": True}


def request_lines(server: RunningServer) -> list[dict]:
    """The request log's JSON lines in what `chalice local` printed."""
    lines = []
    for line in server.log().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("message") == "mcp request":
            lines.append(entry)
    return lines


async def list_tools_twice(url: str) -> tuple[int, list[str]]:
    async with Client(url, mode="2026-07-28", read_timeout_seconds=30) as client:
        first = await client.list_tools()
        second = await client.list_tools()
    return first.ttl_ms, [tool.name for tool in second.tools]


def test_a_second_tools_list_within_the_ttl_is_served_from_the_client_cache(bookshop):
    before = sum(line.get("jsonrpc_method") == "tools/list" for line in request_lines(bookshop))
    ttl_ms, names = asyncio.run(list_tools_twice(endpoint_url(bookshop)))
    assert names == TOOLS
    # The bookshop sets no hint of its own: the endpoint's, from MCP_CACHE_TTL_SECONDS (an hour by default).
    assert ttl_ms == 3600 * 1000
    assert sum(line.get("jsonrpc_method") == "tools/list" for line in request_lines(bookshop)) == before + 1


ERA_MODES = ["legacy", "2026-07-28"]
REFUSED = {"isbn": "12", "quantity": 5000}
UNKNOWN_BOOK = {"isbn": "9999999999999", "quantity": 1}


async def mistakes_and_a_crash(url: str, mode: str) -> dict[str, str | int]:
    """Each error the bookshop gives, as `mcp.Client` reads it: a tool error's text, or a protocol error's code and
    message."""
    answers: dict[str, str | int] = {}
    async with Client(url, mode=mode, read_timeout_seconds=30) as client:
        for case, tool, arguments in (
            ("refused", "quote-order", REFUSED),
            ("unknown-book", "quote-order", UNKNOWN_BOOK),
            ("crash", "estimate-delivery", {"country": "FR"}),
        ):
            result = await client.call_tool(tool, arguments)
            assert result.is_error, case
            answers[case] = result.content[0].text
        for case, ask in (
            ("prompt", lambda: client.get_prompt("recommend-a-book", {})),
            ("resource", lambda: client.read_resource("bookshop://books/0000000000000")),
        ):
            with pytest.raises(MCPError) as refused:
                await ask()
            answers[f"{case}-code"] = refused.value.error.code
            answers[case] = refused.value.error.message
    return answers


@pytest.fixture(scope="module")
def debug_bookshop(installed_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_example(tmp_path_factory.mktemp("debug-bookshop"), installed_wheel, MCP_LOG_LEVEL="DEBUG")
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="module")
def errors_by_era(debug_bookshop: RunningServer) -> dict[str, dict[str, str | int]]:
    return {mode: asyncio.run(mistakes_and_a_crash(endpoint_url(debug_bookshop), mode)) for mode in ERA_MODES}


@pytest.mark.parametrize("mode", ERA_MODES)
def test_every_error_reads_plainly_in_both_eras(errors_by_era, mode):
    answers = errors_by_era[mode]
    assert str(answers["refused"]).splitlines() == [
        r"isbn must match pattern '^\d{13}$' (got '12')",
        "quantity must be less than or equal to 1000 (got 5000)",
    ]
    assert answers["unknown-book"] == "isbn: no book in stock has ISBN 9999999999999"
    assert answers["crash"] == "internal error in tool estimate-delivery"
    assert (answers["prompt-code"], answers["resource-code"]) == (INVALID_PARAMS, INVALID_PARAMS)
    assert "interest" in str(answers["prompt"])
    assert "bookshop://books/0000000000000" in str(answers["resource"])


def test_the_debug_log_has_no_error_or_traceback_for_mistakes_and_one_tool_failed_line_per_crash(
    errors_by_era, debug_bookshop
):
    assert len(errors_by_era) == len(ERA_MODES)
    log = debug_bookshop.log()
    lines = request_lines(debug_bookshop)
    assert any(line["level"] == "DEBUG" or line["level"] == "INFO" for line in lines)
    assert "Traceback" not in log
    failed = [line for line in lines if line["outcome"] == "tool_failed"]
    assert [(line["target"], line["exception_type"], line["level"]) for line in failed] == [
        ("estimate-delivery", "KeyError", "ERROR")
    ] * len(ERA_MODES)
    assert all(line.get("lambda_request_id") for line in failed)
    # The crashes' lines are the only ERROR lines, and nothing but the request log wrote one.
    assert [line for line in lines if line["level"] == "ERROR" and line not in failed] == []
    assert [line for line in log.splitlines() if "ERROR" in line and not line.startswith("{")] == []
    refusals = [line for line in lines if line["outcome"] == "tool_error"]
    assert len(refusals) == 2 * len(ERA_MODES)


def inspector(node_tools: Path, url: str, *arguments: str) -> dict:
    completed = subprocess.run(
        [str(node_tools / "inspector"), "--cli", url, "--transport", "http", *arguments],
        capture_output=True,
        text=True,
        timeout=INSPECTOR_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    return json.loads(completed.stdout)


def test_inspector_cli_lists_and_calls_the_examples_own_tools(node_tools, bookshop):
    listed = inspector(node_tools, endpoint_url(bookshop), "--method", "tools/list")
    assert [tool["name"] for tool in listed["tools"]] == TOOLS
    found = inspector(
        node_tools,
        endpoint_url(bookshop),
        "--method",
        "tools/call",
        "--tool-name",
        "find-books",
        "--tool-arg",
        "query=kernighan",
    )
    assert found["isError"] is False
    assert [book["isbn"] for book in found["structuredContent"]["books"]] == ["9780131103627"]


@pytest.fixture(scope="module")
def protected_bookshop(
    installed_wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, TokenIssuer]]:
    work_dir = tmp_path_factory.mktemp("protected-bookshop")
    issuer = start_token_issuer(work_dir)
    try:
        server = start_example(
            work_dir,
            installed_wheel,
            MCP_AUTH="oauth",
            MCP_OAUTH_ISSUER=issuer.issuer,
            # The app's own base URL: the Blueprint adds its prefix to it.
            MCP_PUBLIC_URL="http://127.0.0.1:__PORT__",
        )
        try:
            yield server, issuer
        finally:
            stop(server)
    finally:
        issuer.stop()


def test_with_oauth_a_missing_token_is_401_with_the_metadata_url_under_the_prefix(protected_bookshop):
    server, _ = protected_bookshop
    request = urllib.request.Request(
        endpoint_url(server),
        data=encode(initialize_body()).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401
    metadata_url = f"{server.base_url}{PREFIX}/.well-known/oauth-protected-resource/mcp"
    assert f'resource_metadata="{metadata_url}"' in refused.value.headers["WWW-Authenticate"]
    with urllib.request.urlopen(metadata_url, timeout=10) as response:
        document = json.loads(response.read())
    assert document["resource"] == endpoint_url(server)


def test_with_oauth_a_token_for_the_prefixed_resource_lists_and_calls_the_tools(protected_bookshop):
    server, issuer = protected_bookshop
    token = issuer.token(audience=endpoint_url(server))

    async def with_token() -> tuple[list[str], dict]:
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http_client:
            return await list_and_quote(endpoint_url(server), "auto", http_client)

    names, quote = asyncio.run(with_token())
    assert names == TOOLS
    assert quote["total_eur"] == QUOTE_TOTAL_EUR
