"""The server's icon and one icon per tool family, as inline SVG data URIs.

Inline, because a client shows an icon without fetching anything (a host's content policy admits no outside
origin) and the server has no static files to serve. Each is a white line drawing on a coloured tile, legible on a
light or a dark background, and small: every tool in `tools/list` carries its family's icon.
"""

from __future__ import annotations

import base64
from typing import Literal

from mcp_types import Icon

ToolFamily = Literal["aerobic", "running", "heart", "body", "energy", "strength"]

SVG_MIME_TYPE = "image/svg+xml"


def _tile(colour: str, drawing: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'><rect width='24' height='24' rx='5' "
        f"fill='{colour}'/><g fill='none' stroke='#fff' stroke-width='2' stroke-linecap='round' "
        f"stroke-linejoin='round'>{drawing}</g></svg>"
    )


# A pulse line: the server as a whole.
SERVER_SVG = _tile("#0f766e", "<path d='M3 12h4l2-5 3 10 2-5h7'/>")

FAMILY_SVG: dict[ToolFamily, str] = {
    # A gauge: VO2max, aerobic capacity.
    "aerobic": _tile("#2563eb", "<path d='M5 16a7 7 0 1 1 14 0M12 16l3-5'/>"),
    # A stopwatch: race times and paces.
    "running": _tile("#7c3aed", "<circle cx='12' cy='13' r='7'/><path d='M12 13V9M10 3h4'/>"),
    "heart": _tile("#dc2626", "<path d='M12 20l-7-7a4 4 0 0 1 7-5a4 4 0 0 1 7 5z'/>"),
    # A figure: body composition.
    "body": _tile("#ea580c", "<circle cx='12' cy='6' r='2.5'/><path d='M7 11h10M12 11v4l-3 5M12 15l3 5'/>"),
    # A lightning bolt: energy expenditure.
    "energy": _tile("#ca8a04", "<path d='M13 3L6 14h6l-1 7 7-11h-6z'/>"),
    # A dumbbell.
    "strength": _tile("#475569", "<path d='M6 8v8M18 8v8M3 10v4M21 10v4M6 12h12'/>"),
}


def svg_icon(svg: str) -> Icon:
    """An SVG as an icon whose `src` is a base64 data URI (the form every client decodes); it scales to any size."""
    encoded = base64.b64encode(svg.encode()).decode()
    return Icon(src=f"data:{SVG_MIME_TYPE};base64,{encoded}", mime_type=SVG_MIME_TYPE, sizes=["any"])


SERVER_ICONS = [svg_icon(SERVER_SVG)]
FAMILY_ICONS: dict[ToolFamily, list[Icon]] = {family: [svg_icon(svg)] for family, svg in FAMILY_SVG.items()}
