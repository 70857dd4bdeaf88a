"""The registry entry (`server.json`) of any server, from its identity: valid against the official MCP Registry's
published schema (2025-12-11, vendored in tests/support/mcp_registry), with the deployment as a `streamable-http`
remote and the API key header where API Gateway checks one; refusals name the field; the documented command writes
it for an app's own server from the app's project."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp.server import MCPServer
from mcp_types import Icon

from chalice_mcp.server_json import SCHEMA_URL, ServerJsonError, server_json
from chalicelib.mcp_server import build_fitness_server
from tests.support.lambda_package import PROJECT_ROOT
from tests.support.mcp_registry import registry_schema, schema_errors

URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/api/tools/mcp"
BOOKSHOP = PROJECT_ROOT / "examples" / "bookshop"


def shop_server(**identity: object) -> MCPServer:
    values: dict[str, object] = {
        "title": "Bookshop",
        "version": "1.2.0",
        "description": "Find books in stock and quote orders.",
        "website_url": "https://shop.example/about",
        **identity,
    }
    return MCPServer("bookshop", **values)


def test_the_vendored_schema_is_the_2025_12_11_one_and_rejects_what_the_registry_rejects():
    assert registry_schema()["$id"] == SCHEMA_URL
    document = server_json(shop_server(), name="io.github.example/bookshop", url=URL, api_key_required=False)
    assert schema_errors({**document, "name": "no-slash"})
    assert schema_errors({**document, "description": "x" * 101})
    assert schema_errors({**document, "remotes": [{"type": "streamable-http", "url": "ftp://shop.example/mcp"}]})


def test_a_servers_entry_carries_its_identity_and_its_deployment_as_a_streamable_http_remote():
    server = shop_server(icons=[Icon(src="https://shop.example/icon.png", mime_type="image/png", sizes=["48x48"])])
    document = server_json(server, name="io.github.example/bookshop", url=URL, api_key_required=False)
    assert schema_errors(document) == []
    assert document["$schema"] == SCHEMA_URL
    assert (document["name"], document["title"], document["version"]) == (
        "io.github.example/bookshop",
        "Bookshop",
        "1.2.0",
    )
    assert document["description"] == "Find books in stock and quote orders."
    assert document["websiteUrl"] == "https://shop.example/about"
    assert document["icons"] == [{"src": "https://shop.example/icon.png", "mimeType": "image/png", "sizes": ["48x48"]}]
    assert document["remotes"] == [{"type": "streamable-http", "url": URL}]


def test_with_api_keys_on_the_remote_asks_for_the_secret_header_api_gateway_checks():
    document = server_json(shop_server(), name="io.github.example/bookshop", url=URL, api_key_required=True)
    assert schema_errors(document) == []
    [header] = document["remotes"][0]["headers"]
    assert (header["name"], header["isRequired"], header["isSecret"]) == ("x-api-key", True, True)


def test_the_fitness_servers_entry_is_valid_and_leaves_out_its_data_uri_icon():
    server = build_fitness_server(website_url="https://abc123.execute-api.eu-west-1.amazonaws.com/api")
    document = server_json(
        server,
        name="io.github.example/fitness-mcp",
        url="https://abc123.execute-api.eu-west-1.amazonaws.com/api/mcp",
        api_key_required=False,
        repository_url="https://github.com/example/fitness-mcp",
    )
    assert schema_errors(document) == []
    assert document["title"] == server.title and document["version"] == server.version
    assert document["description"] and document["description"] in (server.instructions or "")
    assert document["repository"] == {"url": "https://github.com/example/fitness-mcp", "source": "github"}
    assert server.icons and "icons" not in document


@pytest.mark.parametrize(
    ("identity", "options", "field"),
    [
        ({}, {"name": "bookshop"}, "name"),
        ({"description": "x" * 101}, {}, "description"),
        ({"description": None, "instructions": None}, {}, "description"),
        ({"version": ""}, {}, "version"),
        ({"version": "^1.2"}, {}, "version"),
        ({"version": "latest"}, {}, "version"),
        ({}, {"url": "http://shop.example/mcp"}, "url"),
    ],
)
def test_what_the_registry_would_refuse_is_refused_naming_the_field(identity, options, field):
    arguments = {"name": "io.github.example/bookshop", "url": URL, "api_key_required": False, **options}
    with pytest.raises(ServerJsonError, match=f"^{field}: "):
        server_json(shop_server(**identity), **arguments)


def run_command(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # The app's project is the working directory; chalice_mcp comes from this repository, as from an installed wheel.
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "vendor")}
    return subprocess.run(
        [sys.executable, "-m", "chalice_mcp.server_json", *arguments],
        capture_output=True,
        text=True,
        cwd=project,
        env=environment,
        timeout=120,
        check=False,
    )


def test_the_command_writes_the_example_apps_entry_from_its_own_server():
    result = run_command(
        BOOKSHOP,
        "--server",
        "chalicelib.tools:build_server",
        "--name",
        "io.github.example/bookshop",
        "--url",
        URL,
        "--stage",
        "dev",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert schema_errors(document) == []
    assert document["title"] == "Bookshop"
    assert document["remotes"] == [{"type": "streamable-http", "url": URL}]


def test_the_command_reads_the_api_key_flag_of_the_stage(tmp_path):
    output = tmp_path / "server.json"
    result = run_command(
        PROJECT_ROOT,
        "--server",
        "chalicelib.mcp_server:build_fitness_server",
        "--name",
        "io.github.example/fitness-mcp",
        "--url",
        "https://abc123.execute-api.eu-west-1.amazonaws.com/api/mcp",
        "--stage",
        "metered",
        "--output",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(output.read_text())
    assert schema_errors(document) == []
    assert [header["name"] for header in document["remotes"][0]["headers"]] == ["x-api-key"]


def test_the_command_refuses_a_bad_name_in_one_line_without_a_traceback():
    result = run_command(
        BOOKSHOP, "--server", "chalicelib.tools:build_server", "--name", "bookshop", "--url", URL, "--stage", "dev"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("server_json: name: ") and "Traceback" not in result.stderr
