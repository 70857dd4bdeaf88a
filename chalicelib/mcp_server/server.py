"""Build the fitness `MCPServer`: its identity, its instructions, and the registration of every capability."""

from __future__ import annotations

from mcp.server import MCPServer

from chalicelib.mcp_server import completions, views

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


def build_fitness_server() -> MCPServer:
    """The server's identity and every capability, built once per container; its tools, resources and prompts are
    registered by a `FitnessCatalogue` at their first need."""
    server = MCPServer(
        SERVER_NAME,
        title="Fitness calculators",
        version=SERVER_VERSION,
        instructions=INSTRUCTIONS,
        # Nothing here changes while a client listens, and a Lambda reply cannot stay open to stream events.
        subscriptions=False,
        # The SDK logs each stateless exchange at INFO; at WARNING only what an operator must see remains.
        log_level="WARNING",
        # MCP Apps: advertised from the start; the views themselves come with the catalogue.
        extensions=[views.apps_extension()],
    )
    # The completion handler is what advertises the `completions` capability, so it is there from the start.
    completions.register(server)
    return server
