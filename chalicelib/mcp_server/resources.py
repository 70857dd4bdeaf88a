"""Resources: the formula index and one formula page per tool (markdown, rendered here from the domain's formulas
and the tool catalogue), and the MET table (JSON)."""

from __future__ import annotations

import json

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.mcpserver.resources import TextResource

from chalicelib import fitness
from chalicelib.fitness.errors import echo
from chalicelib.mcp_server.tool_catalogue import FORMULA_INDEX_URI, TOOL_CATALOGUE, CatalogueTool

ACTIVITIES_URI = "fitness://activities"
ACTIVITY_TEMPLATE_URI = "fitness://activities/{activity}"


def formula_page_markdown(tool: CatalogueTool) -> str:
    """One tool's formula and sources (the `fitness://formulas/{tool}` resource)."""
    sources = "\n".join(f"- {citation}" for citation in tool.formula.citations)
    return f"# {tool.title}\n\nTool: `{tool.name}`\n\n## Formula\n\n{tool.formula.formula}\n\n## Sources\n\n{sources}\n"


def formula_index_markdown(catalogue: tuple[CatalogueTool, ...] = TOOL_CATALOGUE) -> str:
    """Every tool's formula with its first citation as a table (the `fitness://formulas` resource)."""
    rows = [f"| `{tool.name}` | {tool.title} | {tool.formula.citations[0]} |" for tool in catalogue]
    header = (
        f"# Fitness formulas\n\nEach tool's full formula and every source: `{FORMULA_INDEX_URI}/{{tool}}`.\n\n"
        "| tool | calculates | primary source |\n|---|---|---|"
    )
    return header + "\n" + "\n".join(rows) + "\n"


def activities_json() -> str:
    return json.dumps(
        {"source": fitness.energy.MET_TABLE_SOURCE, "activities": fitness.list_met_activities()}, ensure_ascii=False
    )


def register(server: MCPServer) -> None:
    # The texts never change while the server runs, so they are rendered once, when the server is built.
    server.add_resource(
        TextResource(
            uri=FORMULA_INDEX_URI,
            name="formulas",
            title="Formula index",
            description="Every calculator's formula and the publications it comes from.",
            mime_type="text/markdown",
            text=formula_index_markdown(),
        )
    )
    for tool in TOOL_CATALOGUE:
        server.add_resource(
            TextResource(
                uri=tool.formula_uri,
                name=f"formula-{tool.name}",
                title=tool.title,
                description=f"The formula behind the {tool.name} tool, with its citations.",
                mime_type="text/markdown",
                text=formula_page_markdown(tool),
            )
        )
    server.add_resource(
        TextResource(
            uri=ACTIVITIES_URI,
            name="activities",
            title="MET table",
            description="Activities and their MET values (Compendium of Physical Activities), for "
            "estimate-calories-burned.",
            mime_type="application/json",
            text=activities_json(),
        )
    )

    @server.resource(
        ACTIVITY_TEMPLATE_URI,
        name="activity",
        title="One activity's MET value",
        description="One activity from the MET table, by the name estimate-calories-burned takes.",
        mime_type="application/json",
    )
    async def activity(activity: str) -> str:
        entry = fitness.MET_ACTIVITIES.get(activity)
        if entry is None:
            # Not found is the caller's mistake (invalid params); a plain ResourceError is answered as internal.
            raise ResourceNotFoundError(f"unknown activity {echo(activity)}: see {ACTIVITIES_URI} for the names")
        return json.dumps({"activity": activity, **entry.model_dump(mode="json")}, ensure_ascii=False)
