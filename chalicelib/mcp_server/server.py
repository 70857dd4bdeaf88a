"""Build the fitness `MCPServer`: its identity, its instructions, and the registration of every capability."""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp_types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

from chalice_mcp.answers import install_answer_rules
from chalice_mcp.settings import DEFAULT_CACHE_TTL_SECONDS
from chalicelib.mcp_server import completions, views
from chalicelib.mcp_server.icons import SERVER_ICONS, ToolFamily

SERVER_NAME = "fitness-calculators"
SERVER_VERSION = "0.1.0"

# Which tool answers which question, one line per tool family; a test holds each line to the catalogue's families.
TOOL_GUIDE: dict[ToolFamily, str] = {
    "aerobic": (
        "Aerobic fitness (VO2max): from the distance run in 12 minutes → estimate-vo2-max-cooper; from a 1-mile "
        "walk → estimate-vo2-max-rockport; from resting and maximum heart rate alone → "
        "estimate-vo2-max-heart-rate-ratio."
    ),
    "running": (
        "Running: fitness, equivalent race times and training paces from one race → calculate-vdot; a time at "
        "another distance → predict-race-time; pace to speed and back, or a finish time → convert-pace."
    ),
    "heart": (
        "Heart rate: maximum from age → estimate-max-heart-rate; training zones → calculate-heart-rate-zones; "
        "the load of one session → calculate-trimp."
    ),
    "body": (
        "Body composition: BMI → calculate-bmi; body fat from tape measurements → estimate-body-fat-navy; "
        "waist-to-height risk → calculate-waist-to-height-ratio; ideal weight → calculate-ideal-body-weight; "
        "lean mass → calculate-lean-body-mass."
    ),
    "energy": (
        "Energy: calories at rest → calculate-bmr; daily calorie needs → calculate-tdee; calories of an activity "
        "→ estimate-calories-burned."
    ),
    "strength": (
        "Strength: one-rep max from a set of reps → estimate-one-rep-max; loads by percentage of a one-rep max → "
        "calculate-training-loads."
    ),
}

INSTRUCTIONS = "\n".join(
    (
        "Exact, cited health and fitness calculators: call a tool instead of estimating a number yourself.",
        *(f"- {line}" for line in TOOL_GUIDE.values()),
        "Quantities carry their unit in the argument name (distance_m, weight_kg, time_s); durations also take "
        '"mm:ss". Read fitness://formulas for every formula and its source.',
    )
)


class FitnessServer(MCPServer[Any]):
    """The SDK's server, wording the arguments its schema check refuses as the domain words its own refusals: one
    line per bad argument, with the domain's range and unit ("distance_m must be between 700 and 5000 m (got -5)").

    Every other rule of what the answers say (domain errors without the SDK's prefix, the caller's mistakes as
    invalid params, compact schemas, cache hints) is the endpoint's, for any server (`chalice_mcp.answers`);
    without this override a refusal would read in the endpoint's generic words ("distance_m must be greater than or
    equal to 700 (got -5)").
    """

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            cause = error.__cause__
            if isinstance(error, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            # Imported here: the tools (and the domain) are registered lazily, and are by now.
            from chalicelib.mcp_server.tools import describe_rejected_arguments

            # Chained to the same cause, so the SDK still logs a refusal by field names only (never the values).
            raise ToolError(describe_rejected_arguments(name, cause)) from cause


def build_fitness_server(
    website_url: str | None = None, *, cache_ttl_seconds: int = DEFAULT_CACHE_TTL_SECONDS
) -> MCPServer:
    """The server's identity and every capability, built once per container; its tools, resources and prompts are
    registered by `register_catalogue` at their first need. `website_url` is where people read about the server:
    its public URL, when one is configured. It answers by the endpoint's rules (`chalice_mcp.answers`) from the
    start, so an in-memory client sees what a caller does; lists and resource reads carry cache hints of
    `cache_ttl_seconds`."""
    server = FitnessServer(
        SERVER_NAME,
        title="Fitness calculators",
        version=SERVER_VERSION,
        instructions=INSTRUCTIONS,
        website_url=website_url,
        icons=SERVER_ICONS,
        # Nothing here changes while a client listens, and a Lambda reply cannot stay open to stream events.
        subscriptions=False,
        # The SDK logs each stateless exchange at INFO; at WARNING only what an operator must see remains.
        log_level="WARNING",
        # MCP Apps: advertised from the start; the views themselves come with the catalogue.
        extensions=[views.apps_extension()],
    )
    # The completion handler is what advertises the `completions` capability, so it is there from the start.
    completions.register(server)
    install_answer_rules(server, cache_ttl_seconds=cache_ttl_seconds)
    return server
