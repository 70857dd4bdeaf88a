"""Questions the fitness tools ask the person (elicitation, 2026-07-28) where the person knows what the model does
not, instead of failing: the SDK's resolvers (`Resolve`, `Elicit`) ask through an input-required result, and the
client's retry, on any container, carries the answer back (chalice_mcp/request_state.py seals its state).

A question is asked only of a 2026-07-28 client that declared form elicitation: a stateless exchange of the handshake
era has no back-channel to ask on, and a client without elicitation must get the tool error it always got. A
resolver that does not ask gives the tool an accepted answer of None; declining or cancelling leaves the arguments
as they came, so the domain refuses them with its own words.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import AcceptedElicitation, Context, Elicit, ElicitationResult, Resolve
from mcp_types.version import is_version_at_least
from pydantic import BaseModel, Field

from chalicelib.fitness import energy, units

# The first revision whose tools/call asks through an input-required result.
ASKING_PROTOCOL_VERSION = "2026-07-28"


def can_ask(ctx: Context[Any, Any]) -> bool:
    """Whether this request's client can answer a form: 2026-07-28 or later, with form elicitation declared (a bare
    `elicitation: {}` counts as form, as in the SDK)."""
    version = ctx.protocol_version
    if version is None or not is_version_at_least(version, ASKING_PROTOCOL_VERSION):
        return False
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def _number(bounds: units.Bounds, title: str, description: str) -> Any:
    # The range is shown to the person; the domain checks it, so an answer out of range gets its usual message.
    return Field(
        default=None,
        title=title,
        description=description,
        json_schema_extra={"minimum": bounds.low, "maximum": bounds.high},
    )


class HeartRateAnswers(BaseModel):
    """The form for heart-rate zones: the age, and the measured rates if the person knows them."""

    age: float = Field(
        title="Age",
        description="Your age in years.",
        json_schema_extra={"minimum": units.AGE_YEARS.low, "maximum": units.AGE_YEARS.high},
    )
    max_heart_rate_bpm: float | None = _number(
        units.MAX_HEART_RATE_BPM, "Maximum heart rate", "Measured maximum heart rate (bpm), if you know it."
    )
    resting_heart_rate_bpm: float | None = _number(
        units.RESTING_HEART_RATE_BPM, "Resting heart rate", "Resting heart rate (bpm), if you know it."
    )


HEART_RATE_QUESTION = "Heart-rate zones need your age (or your measured maximum heart rate). How old are you?"


async def ask_for_heart_rate(
    age: float | None, max_heart_rate_bpm: float | None, ctx: Context[Any, Any]
) -> Elicit[HeartRateAnswers] | None:
    if age is not None or max_heart_rate_bpm is not None or not can_ask(ctx):
        return None
    return Elicit(HEART_RATE_QUESTION, HeartRateAnswers)


HeartRateAsked = Annotated[ElicitationResult[HeartRateAnswers], Resolve(ask_for_heart_rate)]


def heart_rate_arguments(
    asked: ElicitationResult[HeartRateAnswers],
    age: float | None,
    max_heart_rate_bpm: float | None,
    resting_heart_rate_bpm: float | None,
) -> tuple[float | None, float | None, float | None]:
    """The arguments with the person's answers filled in; a rate given as an argument stays unless answered."""
    if not isinstance(asked, AcceptedElicitation) or asked.data is None:
        return age, max_heart_rate_bpm, resting_heart_rate_bpm
    answers = asked.data
    return (
        answers.age,
        answers.max_heart_rate_bpm if answers.max_heart_rate_bpm is not None else max_heart_rate_bpm,
        answers.resting_heart_rate_bpm if answers.resting_heart_rate_bpm is not None else resting_heart_rate_bpm,
    )


class ActivityChoice(BaseModel):
    """The form for an activity the MET table does not know: one of its activities, described as the Compendium
    describes it. The domain checks the choice."""

    activity: str = Field(
        title="Activity",
        description="The activity from the Compendium of Physical Activities closest to what you did.",
        json_schema_extra={
            "oneOf": [
                {"const": name, "title": f"{name}: {energy.MET_ACTIVITIES[name].description}"}
                for name in sorted(energy.MET_ACTIVITIES)
            ]
        },
    )


ACTIVITY_QUESTION = "That activity is not in the MET table. Which of these is closest to what you did?"


async def ask_for_activity(
    activity: str | None, met: float | None, ctx: Context[Any, Any]
) -> Elicit[ActivityChoice] | None:
    if activity is None or activity in energy.MET_ACTIVITIES or met is not None or not can_ask(ctx):
        return None
    return Elicit(ACTIVITY_QUESTION, ActivityChoice)


ActivityAsked = Annotated[ElicitationResult[ActivityChoice], Resolve(ask_for_activity)]


def chosen_activity(asked: ElicitationResult[ActivityChoice], activity: str | None) -> str | None:
    """The person's choice, else the activity as it came."""
    if isinstance(asked, AcceptedElicitation) and asked.data is not None:
        return asked.data.activity
    return activity
