"""Resources: the formula index and one formula page per tool (markdown), and the MET table (JSON)."""

from __future__ import annotations

import json

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.server.mcpserver.resources import TextResource

from chalicelib import fitness

FORMULA_INDEX_URI = "fitness://formulas"
ACTIVITIES_URI = "fitness://activities"
ACTIVITY_TEMPLATE_URI = "fitness://activities/{activity}"


def formula_uri(tool: str) -> str:
    return f"{FORMULA_INDEX_URI}/{tool}"


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
            text=fitness.render_formula_index_markdown(),
        )
    )
    for tool in fitness.TOOL_NAMES:
        record = fitness.formula_for(tool)
        server.add_resource(
            TextResource(
                uri=formula_uri(tool),
                name=f"formula-{tool}",
                title=record.title,
                description=f"The formula behind the {tool} tool, with its citations.",
                mime_type="text/markdown",
                text=fitness.render_formula_markdown(tool),
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
            raise ResourceError(f"unknown activity {activity!r}: see {ACTIVITIES_URI} for the names")
        return json.dumps({"activity": activity, **entry.model_dump(mode="json")}, ensure_ascii=False)
