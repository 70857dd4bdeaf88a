"""The `server.json` that lists a deployed endpoint in the official MCP Registry (schema 2025-12-11), from the
server's own identity:

    python -m chalice_mcp.server_json --server chalicelib.tools:build_server \
        --name io.github.you/bookshop --url https://abc123.execute-api.eu-west-1.amazonaws.com/api/tools/mcp \
        --stage dev > server.json

`--server` names the app's `MCPServer`, or a function that builds one, as `module:attribute` (imported from the
current directory, the app's project). Its name in the registry (`--name`, reverse-DNS with one slash) is the
namespace the publisher proves they own, so it is given, not derived. Title, version, description, website and HTTPS
icons come from the server (`MCPServer(title=…, version=…, description=…, website_url=…, icons=…)`); without a
description the first sentence of its instructions is used. The remote is the deployment's URL (the stack output
`MCPEndpointURL`) as `streamable-http`; when the stage in `.chalice/config.json` (`--stage`, else the process
environment) sets MCP_API_KEY_REQUIRED, the remote names the `x-api-key` header API Gateway checks. OAuth needs no
entry: clients discover it from the endpoint's protected-resource metadata. Publish the file with the registry's
`mcp-publisher`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mcp.server import MCPServer

from chalice_mcp.settings import Settings

SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
API_KEY_HEADER = "x-api-key"

# The registry's limits (server.schema.json 2025-12-11), checked here so an error names the field at fault.
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$")
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 100
MAX_TITLE_LENGTH = 100
MAX_VERSION_LENGTH = 255
# The registry rejects version ranges and "latest" (it describes the rule; `mcp-publisher` enforces it).
VERSION_RANGE = re.compile(r"[\^~<>=*\s]|(^|\.)[xX](\.|$)|^latest$")
ICON_MIME_TYPES = frozenset({"image/png", "image/jpeg", "image/jpg", "image/svg+xml", "image/webp"})
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.DOTALL)


class ServerJsonError(ValueError):
    """The server's identity or the given values cannot make a valid `server.json`; the message names the field."""


def server_json(
    server: MCPServer,
    *,
    name: str,
    url: str,
    api_key_required: bool,
    description: str | None = None,
    repository_url: str | None = None,
) -> dict[str, Any]:
    """The registry entry of `server` deployed at `url` (its MCP endpoint)."""
    document: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "name": checked_name(name),
        "description": checked_description(description or server.description or first_sentence(server.instructions)),
        "version": checked_version(server.version),
    }
    if server.title:
        if len(server.title) > MAX_TITLE_LENGTH:
            raise ServerJsonError(f"title: the server's title is longer than {MAX_TITLE_LENGTH} characters")
        document["title"] = server.title
    if server.website_url:
        document["websiteUrl"] = server.website_url
    if repository_url:
        document["repository"] = repository(repository_url)
    # The registry takes only HTTPS icons (a `data:` icon, as servers often carry, is left out).
    icons = [
        icon.model_dump(mode="json", by_alias=True, exclude_none=True)
        for icon in server.icons or []
        if icon.src.startswith("https://") and (icon.mime_type is None or icon.mime_type in ICON_MIME_TYPES)
    ]
    if icons:
        document["icons"] = icons
    remote: dict[str, Any] = {"type": "streamable-http", "url": checked_url(url)}
    if api_key_required:
        remote["headers"] = [
            {
                "name": API_KEY_HEADER,
                "description": "An API key of the deployment's usage plan; API Gateway checks it before the server.",
                "isRequired": True,
                "isSecret": True,
            }
        ]
    document["remotes"] = [remote]
    return document


def checked_name(name: str) -> str:
    if not (3 <= len(name) <= MAX_NAME_LENGTH and NAME_PATTERN.match(name)):
        raise ServerJsonError(
            f"name: {name[:80]!r} is not a registry name: reverse-DNS with one slash, e.g. io.github.you/bookshop"
        )
    return name


def checked_description(description: str | None) -> str:
    if not description:
        raise ServerJsonError("description: the server has none; give MCPServer(description=...) or --description")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ServerJsonError(f"description: {len(description)} characters, the registry takes at most 100")
    return description


def checked_version(version: str) -> str:
    if not version or len(version) > MAX_VERSION_LENGTH or VERSION_RANGE.search(version):
        raise ServerJsonError(
            f"version: {version[:40]!r} is not one specific version; give MCPServer(version=...) such as 1.0.0"
        )
    return version


def checked_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc or re.search(r"\s", url):
        raise ServerJsonError(f"url: {url[:80]!r} is not the HTTPS URL of the deployed MCP endpoint")
    return url


def first_sentence(text: str | None) -> str | None:
    match = _FIRST_SENTENCE.match(text.strip()) if text else None
    return match[1] if match else None


def repository(url: str) -> dict[str, str]:
    host = urlparse(url).netloc.lower()
    if not host:
        raise ServerJsonError(f"repository: {url[:80]!r} is not a URL")
    source = {"github.com": "github", "gitlab.com": "gitlab"}.get(host, host)
    return {"url": url, "source": source}


def load_server(reference: str) -> MCPServer:
    """The `MCPServer` that `module:attribute` names, calling the attribute when it is a function."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ServerJsonError(f"server: {reference!r} is not module:attribute, e.g. chalicelib.tools:build_server")
    found = getattr(importlib.import_module(module_name), attribute)
    server = found if isinstance(found, MCPServer) else found()
    if not isinstance(server, MCPServer):
        raise ServerJsonError(f"server: {reference} is neither an MCPServer nor a function that returns one")
    return server


def stage_api_key_required(config_path: Path, stage: str) -> bool:
    """MCP_API_KEY_REQUIRED of `stage`, its variables over the top-level ones, as Chalice combines them."""
    config = json.loads(config_path.read_text())
    if stage not in config.get("stages", {}):
        raise ServerJsonError(f"stage: no stage {stage!r} in {config_path}")
    environment: Mapping[str, str] = {
        **config.get("environment_variables", {}),
        **config["stages"][stage].get("environment_variables", {}),
    }
    flag = environment.get("MCP_API_KEY_REQUIRED")
    return flag is not None and Settings.from_environment({"MCP_API_KEY_REQUIRED": flag}).api_key_required


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalice_mcp.server_json", description="The MCP Registry's server.json of a deployed endpoint."
    )
    parser.add_argument("--server", required=True, help="module:attribute of the MCPServer or of a function making it")
    parser.add_argument("--name", required=True, help="the registry name, e.g. io.github.you/bookshop")
    parser.add_argument("--url", required=True, help="the deployed MCP endpoint (the stack output MCPEndpointURL)")
    parser.add_argument("--stage", help="the stage of .chalice/config.json deployed (for MCP_API_KEY_REQUIRED)")
    parser.add_argument("--config", type=Path, default=Path(".chalice/config.json"), help="the Chalice config")
    parser.add_argument("--description", help="at most 100 characters; default: the server's own")
    parser.add_argument("--repository", help="the source repository's URL")
    parser.add_argument("--output", type=Path, help="write here instead of to stdout")
    options = parser.parse_args(arguments)
    # `python -m` puts the current directory first on the path: the app's project, where its modules are.
    sys.path.insert(0, str(Path.cwd()))
    try:
        api_key_required = (
            stage_api_key_required(options.config, options.stage)
            if options.stage
            else Settings.from_environment().api_key_required
        )
        document = server_json(
            load_server(options.server),
            name=options.name,
            url=options.url,
            api_key_required=api_key_required,
            description=options.description,
            repository_url=options.repository,
        )
    except ServerJsonError as error:
        print(f"server_json: {error}", file=sys.stderr)
        return 1
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if options.output is None:
        sys.stdout.write(text)
    else:
        options.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
