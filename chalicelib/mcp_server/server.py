"""Build the fitness `MCPServer`: its identity, its instructions, and the registration of every capability."""

from __future__ import annotations

from typing import Any, get_args

from mcp.server import MCPServer
from mcp.server.caching import CacheableMethod, CacheHint
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult, Tool
from pydantic import ValidationError

from chalice_mcp.settings import DEFAULT_CACHE_TTL_SECONDS
from chalicelib.mcp_server import completions, views
from chalicelib.mcp_server.argument_schemas import without_generated_titles
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


def catalogue_cache_hints(ttl_seconds: int) -> dict[CacheableMethod, CacheHint]:
    """A `public` hint of `ttl_seconds` for every cacheable method (2026-07-28): discovery, the four lists and
    `resources/read`. The catalogue and the resource texts are the same for every caller and fixed per deployment;
    tool results are not cacheable in the protocol, so calculators always compute afresh."""
    hint = CacheHint(ttl_ms=ttl_seconds * 1000, scope="public")
    return dict.fromkeys(get_args(CacheableMethod), hint)


class FitnessServer(MCPServer[Any]):
    """The SDK's server, listing each tool's input schema without the titles pydantic generates from names, and
    wording its tool errors as the domain words them, in both eras: one plain line per bad argument ("distance_m must
    be between 700 and 5000 m (got -5)").

    `call_tool` is where the SDK raises a tool's `ToolError`: for arguments its pydantic model refuses (before any
    tool code runs), with pydantic's multi-line report and documentation URLs; for a domain error, prefixed with
    "Error executing tool <name>: ". Both are rewritten here, in one place for every tool. Prompts the caller gets
    wrong are invalid params, like unknown resources.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each tool's schema as the SDK lists it, and as this server does: the catalogue is fixed once registered,
        # and a comparison of two dicts costs far less than building the list again.
        self._compact_schemas: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    async def list_tools(self) -> list[Tool]:
        return [
            tool.model_copy(update={"input_schema": self._compact_schema(tool.name, tool.input_schema)})
            for tool in await super().list_tools()
        ]

    def _compact_schema(self, tool_name: str, input_schema: dict[str, Any]) -> dict[str, Any]:
        known = self._compact_schemas.get(tool_name)
        if known is not None and known[0] == input_schema:
            return known[1]
        compact = without_generated_titles(input_schema)
        self._compact_schemas[tool_name] = (input_schema, compact)
        return compact

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

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> GetPromptResult | InputRequiredResult:
        """An unknown prompt, or missing arguments, is the caller's mistake: invalid params (-32602) naming it, where
        the SDK answers error code 0 and logs a traceback at ERROR. The SDK wraps every failure in a `ValueError`;
        the caller's mistakes are raised directly under it, while a prompt that failed to render carries its own
        cause one level further down and stays the SDK's (logged) internal error."""
        try:
            return await super().get_prompt(name, arguments, context)
        except ValueError as error:
            raised = error.__cause__
            if isinstance(raised, ValueError) and raised.__cause__ is None:
                raise MCPError(INVALID_PARAMS, str(error)) from None
            raise


def build_fitness_server(
    website_url: str | None = None, *, cache_ttl_seconds: int = DEFAULT_CACHE_TTL_SECONDS
) -> MCPServer:
    """The server's identity and every capability, built once per container; its tools, resources and prompts are
    registered by `register_catalogue` at their first need. `website_url` is where people read about the server:
    its public URL, when one is configured. Lists and resource reads carry cache hints of `cache_ttl_seconds`."""
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
        cache_hints=catalogue_cache_hints(cache_ttl_seconds),
        # MCP Apps: advertised from the start; the views themselves come with the catalogue.
        extensions=[views.apps_extension()],
    )
    # The completion handler is what advertises the `completions` capability, so it is there from the start.
    completions.register(server)
    return server
