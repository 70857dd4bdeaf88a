"""Build the fitness `MCPServer`: its identity, its instructions, and the registration of every capability."""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp_types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

from chalicelib.mcp_server import completions

SERVER_NAME = "fitness-calculators"
SERVER_VERSION = "0.1.0"

INSTRUCTIONS = (
    "Exact, cited health and fitness calculators. Call a tool instead of estimating a number yourself: "
    "VO2max (Cooper, Rockport, heart-rate ratio), running (VDOT, race prediction, pace conversion), "
    "heart rate (max, zones, TRIMP), body composition (BMI, body fat, waist-to-height, ideal and lean mass), "
    "energy (BMR, TDEE, calories burned) and strength (one-rep max, training loads). "
    "Quantities carry their unit in the argument name (distance_m, weight_kg, time_s). "
    "Read fitness://formulas for every formula and its source."
)


class FitnessServer(MCPServer):
    """The SDK's server, whose tool errors read as the domain words them, in both eras: one plain line per bad
    argument ("distance_m must be between 700 and 5000 m (got -5)").

    `call_tool` is where the SDK raises a tool's `ToolError`: for arguments its pydantic model refuses (before any
    tool code runs), with pydantic's multi-line report and documentation URLs; for a domain error, prefixed with
    "Error executing tool <name>: ". Both are rewritten here, in one place for every tool.
    """

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            if isinstance(error, UnexpectedToolError):
                raise
            cause = error.__cause__
            if isinstance(cause, ValidationError):
                # Imported here: the tools (and the domain) are registered lazily, and are by now.
                from chalicelib.mcp_server.tools import describe_rejected_arguments

                message = describe_rejected_arguments(name, cause)
            else:
                message = str(error).removeprefix(f"Error executing tool {name}: ")
            # Chained to the same cause, so the SDK still logs a refusal by field names only (never the values).
            raise ToolError(message) from cause


def build_fitness_server() -> FitnessServer:
    """The server's identity and every capability, built once per container; its tools, resources and prompts are
    registered by a `FitnessCatalogue` at their first need."""
    server = FitnessServer(
        SERVER_NAME,
        title="Fitness calculators",
        version=SERVER_VERSION,
        instructions=INSTRUCTIONS,
        # Nothing here changes while a client listens, and a Lambda reply cannot stay open to stream events.
        subscriptions=False,
        # The SDK logs each stateless exchange at INFO; at WARNING only what an operator must see remains.
        log_level="WARNING",
    )
    # The completion handler is what advertises the `completions` capability, so it is there from the start.
    completions.register(server)
    return server
