"""Argument completion for enumerated values: sex and goal (fitness-assessment), race distance (race-plan), and
activity names (the fitness://activities/{activity} template)."""

from __future__ import annotations

from mcp.server import MCPServer
from mcp_types import Completion, CompletionArgument, PromptReference, ResourceTemplateReference

from chalicelib import fitness
from chalicelib.fitness.units import SEXES
from chalicelib.mcp_server.prompts import GOALS, RACE_DISTANCES
from chalicelib.mcp_server.resources import ACTIVITY_TEMPLATE_URI

# The spec caps one completion answer at 100 values.
MAX_COMPLETIONS = 100

PROMPT_ARGUMENT_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("fitness-assessment", "sex"): SEXES,
    ("fitness-assessment", "goal"): GOALS,
    ("race-plan", "race_distance"): RACE_DISTANCES,
}
TEMPLATE_ARGUMENT_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    (ACTIVITY_TEMPLATE_URI, "activity"): tuple(fitness.MET_ACTIVITIES),
}


def matching(values: tuple[str, ...], prefix: str) -> Completion:
    found = [value for value in values if value.startswith(prefix.lower())]
    return Completion(values=found[:MAX_COMPLETIONS], total=len(found), has_more=len(found) > MAX_COMPLETIONS)


def register(server: MCPServer) -> None:
    @server.completion()
    async def complete(
        reference: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: object
    ) -> Completion | None:
        if isinstance(reference, PromptReference):
            values = PROMPT_ARGUMENT_VALUES.get((reference.name, argument.name))
        else:
            values = TEMPLATE_ARGUMENT_VALUES.get((reference.uri, argument.name))
        return None if values is None else matching(values, argument.value)
