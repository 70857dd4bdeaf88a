"""Argument completion for enumerated values: sex and goal (fitness-assessment), race distance (race-plan), and
activity names (the fitness://activities/{activity} template)."""

from __future__ import annotations

import functools

from mcp.server import MCPServer
from mcp_types import Completion, CompletionArgument, PromptReference, ResourceTemplateReference

# The spec caps one completion answer at 100 values.
MAX_COMPLETIONS = 100


@functools.cache
def argument_values() -> dict[tuple[str, str], tuple[str, ...]]:
    """(prompt name or template URI, argument) → its values; read from the domain on the first completion request."""
    from chalicelib import fitness
    from chalicelib.fitness.units import SEXES
    from chalicelib.mcp_server.prompts import GOALS, RACE_DISTANCES
    from chalicelib.mcp_server.resources import ACTIVITY_TEMPLATE_URI

    return {
        ("fitness-assessment", "sex"): SEXES,
        ("fitness-assessment", "goal"): GOALS,
        ("race-plan", "race_distance"): RACE_DISTANCES,
        (ACTIVITY_TEMPLATE_URI, "activity"): tuple(fitness.MET_ACTIVITIES),
    }


def matching(values: tuple[str, ...], prefix: str) -> Completion:
    found = [value for value in values if value.startswith(prefix.lower())]
    return Completion(values=found[:MAX_COMPLETIONS], total=len(found), has_more=len(found) > MAX_COMPLETIONS)


def register(server: MCPServer) -> None:
    # The SDK's `completion` decorator carries no type annotations.
    @server.completion()  # type: ignore[untyped-decorator, no-untyped-call]
    async def complete(
        reference: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: object
    ) -> Completion | None:
        key = reference.name if isinstance(reference, PromptReference) else reference.uri
        values = argument_values().get((key, argument.name))
        return None if values is None else matching(values, argument.value)
