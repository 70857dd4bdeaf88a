"""The official MCP Registry's JSON schema of `server.json`, version 2025-12-11, vendored so that tests validate
offline.

server.schema.2025-12-11.json is the registry's own copy of the published schema
(https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json, its `$id`): the file
internal/validators/schemas/2025-12-11.json of github.com/modelcontextprotocol/registry at commit
e361b5ff5a925b36a38eda0544bca8230a84558b, which the registry's publish endpoint validates against, unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = Path(__file__).with_name("server.schema.2025-12-11.json")


def registry_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return schema


def schema_errors(document: Any) -> list[str]:
    """Every way `document` breaks the registry's schema (draft-07, formats checked), as `path: message` lines."""
    validator = jsonschema.Draft7Validator(registry_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '/'}: {error.message}"
        for error in validator.iter_errors(document)
    ]
