"""The README's tool table, generated from the tool catalogue and the tools' registered schemas.

The table sits between two marker comments, wherever the README puts them. `make readme-tool-table` rewrites it;
tests/unit/test_readme_tool_table.py fails when it is out of date.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE

README = Path(__file__).resolve().parents[2] / "README.md"
START_MARKER = "<!-- tool table: generated from chalicelib/mcp_server/tool_catalogue.py by make readme-tool-table -->"
END_MARKER = "<!-- end of the generated tool table -->"


def argument_lists() -> dict[str, str]:
    """Each tool's arguments as the README shows them: in schema order, an optional one marked `?`."""
    server = build_fitness_server()
    register_catalogue(server)
    listed = asyncio.run(server.list_tools())
    arguments = {}
    for tool in listed:
        required = set(tool.input_schema.get("required", []))
        names = [f"`{name}`" + ("" if name in required else "?") for name in tool.input_schema["properties"]]
        arguments[tool.name] = ", ".join(names)
    return arguments


def tool_table() -> str:
    arguments = argument_lists()
    rows = [f"| `{tool.name}` | {arguments[tool.name]} | {tool.description} |" for tool in TOOL_CATALOGUE]
    return "\n".join(["| tool | arguments | what it answers |", "|---|---|---|", *rows])


def with_tool_table(readme: str, table: str) -> str:
    """`readme` with the text between the markers replaced by `table`; ValueError when a marker is missing."""
    start = readme.index(START_MARKER) + len(START_MARKER)
    end = readme.index(END_MARKER, start)
    return readme[:start] + "\n" + table + "\n" + readme[end:]


if __name__ == "__main__":
    README.write_text(with_tool_table(README.read_text(encoding="utf-8"), tool_table()), encoding="utf-8")
    sys.stdout.write(f"rewrote the tool table in {README}\n")
