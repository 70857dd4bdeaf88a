"""The README's tool table is the one the tool catalogue generates (`make readme-tool-table` rewrites it)."""

from __future__ import annotations

import pytest

from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE
from tests.support.readme_tool_table import END_MARKER, README, START_MARKER, tool_table, with_tool_table


def test_the_readme_tool_table_is_generated_from_the_catalogue():
    readme = README.read_text(encoding="utf-8")
    assert readme.count(START_MARKER) == 1 and readme.count(END_MARKER) == 1
    assert with_tool_table(readme, tool_table()) == readme, "run `make readme-tool-table`"


def test_the_generated_table_has_a_row_per_tool_with_its_description():
    rows = tool_table().splitlines()[2:]
    assert len(rows) == len(TOOL_CATALOGUE) == 19
    for row, tool in zip(rows, TOOL_CATALOGUE, strict=True):
        assert row.startswith(f"| `{tool.name}` | ") and row.endswith(f" | {tool.description} |")


def test_a_readme_without_the_markers_is_an_error_not_a_silent_pass():
    with pytest.raises(ValueError):
        with_tool_table("# no table here\n", tool_table())
