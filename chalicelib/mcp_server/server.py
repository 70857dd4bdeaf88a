"""Build the fitness `MCPServer`: its identity, its instructions, and the registration of every capability."""

from __future__ import annotations

from typing import get_args

from mcp.server import MCPServer
from mcp.server.caching import CacheableMethod, CacheHint

from chalicelib.mcp_server import completions
from chalicelib.settings import DEFAULT_CACHE_TTL_SECONDS

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


def catalogue_cache_hints(ttl_seconds: int) -> dict[CacheableMethod, CacheHint]:
    """A `public` hint of `ttl_seconds` for every cacheable method (2026-07-28): discovery, the four lists and
    `resources/read`. The catalogue and the resource texts are the same for every caller and fixed per deployment;
    tool results are not cacheable in the protocol, so calculators always compute afresh."""
    hint = CacheHint(ttl_ms=ttl_seconds * 1000, scope="public")
    return dict.fromkeys(get_args(CacheableMethod), hint)


def build_fitness_server(*, cache_ttl_seconds: int = DEFAULT_CACHE_TTL_SECONDS) -> MCPServer:
    """The server's identity and every capability, built once per container; its tools, resources and prompts are
    registered by a `FitnessCatalogue` at their first need. Lists and resource reads carry cache hints of
    `cache_ttl_seconds`."""
    server = MCPServer(
        SERVER_NAME,
        title="Fitness calculators",
        version=SERVER_VERSION,
        instructions=INSTRUCTIONS,
        # Nothing here changes while a client listens, and a Lambda reply cannot stay open to stream events.
        subscriptions=False,
        # The SDK logs each stateless exchange at INFO; at WARNING only what an operator must see remains.
        log_level="WARNING",
        cache_hints=catalogue_cache_hints(cache_ttl_seconds),
    )
    # The completion handler is what advertises the `completions` capability, so it is there from the start.
    completions.register(server)
    return server
