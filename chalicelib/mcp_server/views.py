"""MCP Apps views: the HTML documents built from `views/` served as `ui://` resources, and the tools each one draws.

The `Apps` extension is on the server from the start, so `server/discover` advertises it before the catalogue is
registered; the documents themselves are read and registered with the catalogue, at its first need. A tool's result
is unchanged by its view: clients that do not render apps read the same text and `structuredContent`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp.server import MCPServer
from mcp.server.apps import Apps, ResourceCsp

# Built by `make views` from the sources in views/ and committed, so the server needs no Node.
DOCUMENTS_DIR = Path(__file__).parent / "view_documents"
URI_PREFIX = "ui://fitness-calculators/"
# Each document records the digest of the sources it was built from (views/build.mjs): the build is deterministic, so
# that digest versions the content without hashing every document at a cold container's first tools/list.
SOURCES_DIGEST = re.compile(r'<meta name="fitness-view-sources-sha256" content="([0-9a-f]{64})">')


@dataclass(frozen=True)
class View:
    name: str
    title: str
    description: str
    tools: tuple[str, ...]

    @property
    def path(self) -> Path:
        return DOCUMENTS_DIR / f"{self.name}.html"


VIEWS: tuple[View, ...] = (
    View(
        "heart-rate-zones",
        "Heart-rate zones",
        "The five zones as coloured bands on one bpm axis; age and resting heart rate can be changed in place.",
        ("calculate-heart-rate-zones",),
    ),
    View(
        "vdot",
        "VDOT, race equivalents and training paces",
        "The VDOT, equivalent race times from 1500 m to the marathon and the five training paces per km and mile.",
        ("calculate-vdot",),
    ),
    View(
        "race-prediction",
        "Riegel race-time curve",
        "Riegel's curve across the standard race distances with the given result and the prediction marked.",
        ("predict-race-time",),
    ),
    View(
        "strength",
        "One-rep max and training loads",
        "The seven one-rep-max equations and their mean, and the loads by percent of 1RM with typical reps.",
        ("estimate-one-rep-max", "calculate-training-loads"),
    ),
    View(
        "body-composition",
        "Body composition on its category scale",
        "BMI on the WHO scale, Navy body fat on the ACE scale for the sex, waist-to-height on Ashwell's bands.",
        ("calculate-bmi", "estimate-body-fat-navy", "calculate-waist-to-height-ratio"),
    ),
)

# The documents inline everything and fetch nothing, so they ask the host for no outside origin at all.
NO_OUTSIDE_ORIGINS = ResourceCsp()


def apps_extension() -> Apps:
    """The extension the server is built with: it advertises `io.modelcontextprotocol/ui` in `server/discover`."""
    return Apps()


def view_uri(view: View, html: str) -> str:
    """The view's URI with a content version: hosts cache UI resources by URI, so a changed document is a new URI."""
    recorded = SOURCES_DIGEST.search(html, 0, 1024)
    if recorded is None:
        raise ValueError(f"{view.path} records no sources digest: rebuild it with `make views`")
    return f"{URI_PREFIX}{view.name}.{recorded[1][:12]}.html"


@functools.cache
def built_views() -> dict[str, tuple[str, str]]:
    """Each view's name → (versioned URI, HTML document), read once per container."""
    documents = {}
    for view in VIEWS:
        html = view.path.read_text(encoding="utf-8")
        documents[view.name] = (view_uri(view, html), html)
    return documents


def tool_meta(tool_name: str) -> dict[str, Any] | None:
    """The `_meta` that points a tool at its view (`ui.resourceUri`), or None for a tool without one."""
    for view in VIEWS:
        if tool_name in view.tools:
            return {"ui": {"resourceUri": built_views()[view.name][0]}}
    return None


def register(server: MCPServer) -> None:
    # The SDK's Apps builds each resource (its MIME type and `_meta.ui`); it is added with the rest of the catalogue.
    apps = Apps()
    for view in VIEWS:
        uri, html = built_views()[view.name]
        apps.add_html_resource(
            uri,
            html,
            name=f"view-{view.name}",
            title=view.title,
            description=view.description,
            csp=NO_OUTSIDE_ORIGINS,
            prefers_border=True,
        )
    for binding in apps.resources():
        server.add_resource(binding.resource)
