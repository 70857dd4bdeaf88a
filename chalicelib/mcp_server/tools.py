"""Tool registration (temporary: Cooper only, until the fitness domain lands)."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server import MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field


class CooperResult(BaseModel):
    vo2_max: float


def register(server: MCPServer) -> None:
    @server.tool(
        name="estimate-vo2-max-cooper",
        description="VO2max from the distance run in 12 minutes (Cooper 1968).",
        annotations=ToolAnnotations(readOnlyHint=True, idempotentHint=True, destructiveHint=False, openWorldHint=False),
    )
    async def estimate_vo2_max_cooper(
        distance_m: Annotated[float, Field(gt=0, le=6000)],
        age: Annotated[int, Field(ge=10, le=100)],
        sex: Literal["male", "female"],
    ) -> Annotated[CallToolResult, CooperResult]:
        result = CooperResult(vo2_max=round((distance_m - 504.9) / 44.73, 1))
        return CallToolResult(
            content=[TextContent(type="text", text=f"VO2max {result.vo2_max}")],
            structured_content=result.model_dump(mode="json"),
        )
