"""The server's identity: its icons are small, valid SVG, every tool family has one, and the instructions name each
catalogue tool on its family's line."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ElementTree
from typing import get_args

import pytest
from mcp_types import Icon

from chalicelib.mcp_server.icons import FAMILY_ICONS, SERVER_ICONS, ToolFamily
from chalicelib.mcp_server.server import INSTRUCTIONS, TOOL_GUIDE
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE, TOOL_NAMES

FAMILIES = get_args(ToolFamily)
# Every tool in `tools/list` carries its family's icon: a few hundred bytes each keeps the list light.
ICON_SIZE_LIMIT_BYTES = 512
ALL_ICONS = {"server": SERVER_ICONS, **FAMILY_ICONS}


def svg_of(icon: Icon) -> bytes:
    prefix = "data:image/svg+xml;base64,"
    assert icon.src.startswith(prefix)
    return base64.b64decode(icon.src.removeprefix(prefix), validate=True)


@pytest.mark.parametrize("owner", sorted(ALL_ICONS))
def test_each_icon_is_one_small_valid_svg_data_uri(owner):
    (icon,) = ALL_ICONS[owner]
    svg = svg_of(icon)
    root = ElementTree.fromstring(svg)  # noqa: S314 -- our own constant, not untrusted input
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 24 24"
    assert len(list(root.iter())) > 2
    assert len(svg) <= ICON_SIZE_LIMIT_BYTES
    assert icon.mime_type == "image/svg+xml"
    assert icon.sizes == ["any"]


def test_the_icons_differ_from_each_other():
    sources = [icons[0].src for icons in ALL_ICONS.values()]
    assert len(sources) == 7
    assert len(set(sources)) == len(sources)


def test_every_family_has_an_icon_and_tools_and_every_tool_a_family():
    assert len(FAMILIES) == 6
    assert set(FAMILY_ICONS) == set(FAMILIES)
    assert {tool.family for tool in TOOL_CATALOGUE} == set(FAMILIES)


def test_the_instructions_name_each_tool_once_on_its_family_line():
    assert set(TOOL_GUIDE) == set(FAMILIES)
    mentioned: list[str] = []
    for family, line in TOOL_GUIDE.items():
        assert f"- {line}" in INSTRUCTIONS.splitlines()
        names = re.findall(r"→ ([a-z0-9-]+)", line)
        assert names == [tool.name for tool in TOOL_CATALOGUE if tool.family == family], family
        mentioned += names
    assert sorted(mentioned) == sorted(TOOL_NAMES)
    assert len(TOOL_NAMES) == 19
    assert "fitness://formulas" in INSTRUCTIONS
