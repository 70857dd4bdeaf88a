"""The calculator tools: typed parameters with units in their names, one call into the fitness domain each.

A domain `FitnessInputError` (its message names the argument and the allowed range) becomes the tool's error result
through the SDK; every answer is the result model as `structuredContent` plus its one-sentence summary as text.
Names, titles and descriptions come from the tool catalogue.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from chalicelib import fitness
from chalicelib.fitness import body, heart, running, strength, units, vo2_max
from chalicelib.fitness.errors import FitnessInputError
from chalicelib.fitness.results import FitnessResult
from chalicelib.fitness.units import Sex
from chalicelib.mcp_server import questions, views
from chalicelib.mcp_server.argument_errors import describe_argument_errors
from chalicelib.mcp_server.argument_schemas import optional, within
from chalicelib.mcp_server.icons import FAMILY_ICONS
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE, CatalogueTool

SexArgument = Annotated[Sex, Field(description='"male" or "female".')]
Duration = Annotated[float | str, Field(description='Seconds as a number, or "h:mm:ss" / "mm:ss".')]
DurationMinutes = Annotated[float | str, Field(description='Minutes as a number, or "h:mm:ss" / "mm:ss".')]
Age = Annotated[float, within(units.AGE_YEARS, "Age")]
NormedAge = Annotated[float, within(vo2_max.NORMED_AGE_YEARS, "Age (the norm tables start at 13)")]
BodyWeight = Annotated[float, within(units.BODY_WEIGHT_KG, "Body weight")]
Height = Annotated[float, within(units.HEIGHT_CM, "Height")]
MaxHeartRate = Annotated[float, within(units.MAX_HEART_RATE_BPM, "Maximum heart rate")]
RestingHeartRate = Annotated[float, within(units.RESTING_HEART_RATE_BPM, "Resting heart rate")]


def answer(result: FitnessResult) -> CallToolResult:
    """The result as structured content, with its one-sentence summary as the text a model reads first."""
    return CallToolResult(
        content=[TextContent(type="text", text=result.summary())],
        structured_content=result.model_dump(mode="json"),
    )


# Pure calculators: nothing is written, the same input always gives the same answer, and nothing outside is asked.
def annotations_for(tool: CatalogueTool) -> ToolAnnotations:
    return ToolAnnotations(
        title=tool.title,
        readOnlyHint=True,
        idempotentHint=True,
        destructiveHint=False,
        openWorldHint=False,
    )


# Tools are `async def`: a plain `def` tool runs on the SDK's worker-thread pool, a thread hop per call for
# arithmetic that takes microseconds.


async def estimate_vo2_max_cooper(
    distance_m: Annotated[float, within(vo2_max.COOPER_DISTANCE_M, "Distance covered in 12 minutes")],
    age: NormedAge,
    sex: SexArgument,
) -> Annotated[CallToolResult, fitness.CooperResult]:
    return answer(fitness.estimate_vo2_max_cooper(distance_m, age, sex))


async def estimate_vo2_max_rockport(
    weight_kg: BodyWeight,
    age: NormedAge,
    sex: SexArgument,
    time_s: Annotated[float | str, Field(description='Time to walk 1 mile: seconds, or "mm:ss" (6–40 min).')],
    heart_rate_bpm: Annotated[float, within(vo2_max.ROCKPORT_HEART_RATE_BPM, "Heart rate at the end of the walk")],
) -> Annotated[CallToolResult, fitness.RockportResult]:
    return answer(fitness.estimate_vo2_max_rockport(weight_kg, age, sex, time_s, heart_rate_bpm))


async def estimate_vo2_max_heart_rate_ratio(
    max_heart_rate_bpm: MaxHeartRate, resting_heart_rate_bpm: RestingHeartRate
) -> Annotated[CallToolResult, fitness.HeartRateRatioResult]:
    return answer(fitness.estimate_vo2_max_heart_rate_ratio(max_heart_rate_bpm, resting_heart_rate_bpm))


async def calculate_vdot(
    distance_m: Annotated[float, within(running.VDOT_DISTANCE_M, "Race distance")],
    time_s: Duration,
) -> Annotated[CallToolResult, fitness.VdotResult]:
    return answer(fitness.calculate_vdot(distance_m, time_s))


async def predict_race_time(
    distance_m: Annotated[float, within(running.RACE_DISTANCE_M, "Distance of the race already run")],
    time_s: Duration,
    target_distance_m: Annotated[float, within(running.RACE_DISTANCE_M, "Distance to predict a time for")],
    exponent: Annotated[float, within(running.RIEGEL_EXPONENT, "Riegel fatigue exponent")] = 1.06,
) -> Annotated[CallToolResult, fitness.RaceTimePrediction]:
    return answer(fitness.predict_race_time(distance_m, time_s, target_distance_m, exponent))


async def convert_pace(
    pace_s_per_km: Annotated[float | str | None, optional('Pace per km: seconds or "mm:ss".')] = None,
    pace_s_per_mile: Annotated[float | str | None, optional('Pace per mile: seconds or "mm:ss".')] = None,
    speed_kmh: Annotated[float | None, optional("Speed in km/h.")] = None,
    speed_mph: Annotated[float | None, optional("Speed in miles per hour.")] = None,
    distance_m: Annotated[float | None, optional("Optional distance for a finish time, metres.")] = None,
) -> Annotated[CallToolResult, fitness.PaceConversion]:
    return answer(
        fitness.convert_pace(
            pace_s_per_km=pace_s_per_km,
            pace_s_per_mile=pace_s_per_mile,
            speed_kmh=speed_kmh,
            speed_mph=speed_mph,
            distance_m=distance_m,
        )
    )


async def estimate_max_heart_rate(
    age: Age,
    sex: Annotated[Sex | None, optional('Optional "male" or "female"; "female" adds Gulati.')] = None,
) -> Annotated[CallToolResult, fitness.MaxHeartRateResult]:
    return answer(fitness.estimate_max_heart_rate(age, sex))


async def calculate_heart_rate_zones(
    age: Annotated[float | None, optional("Age in years; used when max_heart_rate_bpm is not given.")] = None,
    max_heart_rate_bpm: Annotated[float | None, optional("Measured maximum heart rate, bpm.")] = None,
    resting_heart_rate_bpm: Annotated[
        float | None, optional("Resting heart rate, bpm; switches to Karvonen's heart-rate reserve.")
    ] = None,
    *,
    asked: questions.HeartRateAsked,
) -> Annotated[CallToolResult, fitness.HeartRateZonesResult]:
    filled_in = questions.heart_rate_arguments(asked, age, max_heart_rate_bpm, resting_heart_rate_bpm)
    return answer(fitness.calculate_heart_rate_zones(*filled_in))


async def calculate_trimp(
    duration_min: DurationMinutes,
    average_heart_rate_bpm: Annotated[
        float, within(heart.AVERAGE_HEART_RATE_BPM, "Average heart rate over the session")
    ],
    resting_heart_rate_bpm: RestingHeartRate,
    max_heart_rate_bpm: MaxHeartRate,
    sex: SexArgument,
) -> Annotated[CallToolResult, fitness.TrimpResult]:
    return answer(
        fitness.calculate_trimp(duration_min, average_heart_rate_bpm, resting_heart_rate_bpm, max_heart_rate_bpm, sex)
    )


async def calculate_bmi(weight_kg: BodyWeight, height_cm: Height) -> Annotated[CallToolResult, fitness.BmiResult]:
    return answer(fitness.calculate_bmi(weight_kg, height_cm))


async def estimate_body_fat_navy(
    sex: SexArgument,
    height_cm: Height,
    neck_cm: Annotated[float, within(body.NECK_CM, "Neck circumference below the larynx")],
    waist_cm: Annotated[float, within(body.WAIST_CM, "Waist circumference (men: at the navel)")],
    hip_cm: Annotated[
        float | None, optional("Hip circumference at its widest, cm; required for women (50–200 cm).")
    ] = None,
) -> Annotated[CallToolResult, fitness.NavyBodyFatResult]:
    return answer(fitness.estimate_body_fat_navy(sex, height_cm, neck_cm, waist_cm, hip_cm))


async def calculate_waist_to_height_ratio(
    waist_cm: Annotated[float, within(body.WAIST_CM, "Waist circumference")], height_cm: Height
) -> Annotated[CallToolResult, fitness.WaistToHeightResult]:
    return answer(fitness.calculate_waist_to_height_ratio(waist_cm, height_cm))


async def calculate_ideal_body_weight(
    height_cm: Annotated[float, within(body.IDEAL_WEIGHT_HEIGHT_CM, "Height")], sex: SexArgument
) -> Annotated[CallToolResult, fitness.IdealBodyWeightResult]:
    return answer(fitness.calculate_ideal_body_weight(height_cm, sex))


async def calculate_lean_body_mass(
    weight_kg: BodyWeight, height_cm: Height, sex: SexArgument
) -> Annotated[CallToolResult, fitness.LeanBodyMassResult]:
    return answer(fitness.calculate_lean_body_mass(weight_kg, height_cm, sex))


async def calculate_bmr(
    weight_kg: BodyWeight,
    height_cm: Height,
    age: Age,
    sex: SexArgument,
    formula: Annotated[
        fitness.BmrFormula, Field(description="mifflin-st-jeor (default), harris-benedict or katch-mcardle.")
    ] = "mifflin-st-jeor",
    body_fat_percent: Annotated[float | None, optional("Body fat %, required for katch-mcardle (2–75 %).")] = None,
) -> Annotated[CallToolResult, fitness.BmrResult]:
    return answer(fitness.calculate_bmr(weight_kg, height_cm, age, sex, formula, body_fat_percent))


async def calculate_tdee(
    weight_kg: BodyWeight,
    height_cm: Height,
    age: Age,
    sex: SexArgument,
    activity_level: Annotated[fitness.ActivityLevel, Field(description="sedentary, light, moderate, very or extra.")],
) -> Annotated[CallToolResult, fitness.TdeeResult]:
    return answer(fitness.calculate_tdee(weight_kg, height_cm, age, sex, activity_level))


async def estimate_calories_burned(
    duration_min: DurationMinutes,
    weight_kg: BodyWeight,
    activity: Annotated[str | None, optional("An activity name from the fitness://activities resource.")] = None,
    met: Annotated[float | None, optional("A MET value instead of an activity (0.9–25).")] = None,
    *,
    asked: questions.ActivityAsked,
) -> Annotated[CallToolResult, fitness.CaloriesBurnedResult]:
    activity = questions.chosen_activity(asked, activity)
    return answer(fitness.estimate_calories_burned(duration_min, weight_kg, activity, met))


async def estimate_one_rep_max(
    weight_kg: Annotated[float, within(strength.LIFTED_WEIGHT_KG, "Weight lifted")],
    reps: Annotated[int, within(strength.REPS, "Repetitions with that weight")],
) -> Annotated[CallToolResult, fitness.OneRepMaxResult]:
    return answer(fitness.estimate_one_rep_max(weight_kg, reps))


async def calculate_training_loads(
    one_rep_max_kg: Annotated[float, within(strength.ONE_REP_MAX_KG, "One-repetition maximum")],
) -> Annotated[CallToolResult, fitness.TrainingLoadsResult]:
    return answer(fitness.calculate_training_loads(one_rep_max_kg))


# One wrapper per catalogue tool, named as the domain calculator it calls.
WRAPPERS: dict[str, Callable[..., Awaitable[CallToolResult]]] = {
    wrapper.__name__: wrapper
    for wrapper in (
        estimate_vo2_max_cooper,
        estimate_vo2_max_rockport,
        estimate_vo2_max_heart_rate_ratio,
        calculate_vdot,
        predict_race_time,
        convert_pace,
        estimate_max_heart_rate,
        calculate_heart_rate_zones,
        calculate_trimp,
        calculate_bmi,
        estimate_body_fat_navy,
        calculate_waist_to_height_ratio,
        calculate_ideal_body_weight,
        calculate_lean_body_mass,
        calculate_bmr,
        calculate_tdee,
        estimate_calories_burned,
        estimate_one_rep_max,
        calculate_training_loads,
    )
}


def reporting_input_errors(tool: Callable[..., Awaitable[CallToolResult]]) -> Callable[..., Awaitable[CallToolResult]]:
    """Report the domain's input errors as tool errors, their message intact.

    The SDK shows the model a `ToolError`'s message but treats any other exception as a crash: it hides the message
    and logs a traceback, which would put the rejected (health) value into the server's log.
    """

    @functools.wraps(tool)
    async def reported(*args: Any, **kwargs: Any) -> CallToolResult:
        try:
            return await tool(*args, **kwargs)
        except FitnessInputError as error:
            raise ToolError(str(error)) from None

    return reported


def describe_rejected_arguments(tool_name: str, error: ValidationError) -> str:
    """What the SDK's schema check refused, one line per argument, as the domain words its own refusals."""
    tool = next((tool for tool in TOOL_CATALOGUE if tool.name == tool_name), None)
    if tool is None:
        return "the arguments are not valid"
    return describe_argument_errors(WRAPPERS[tool.calculator.__name__], error)


def register(server: MCPServer) -> None:
    """Every catalogue tool, in catalogue order, with its name, description, title and family icon."""
    for tool in TOOL_CATALOGUE:
        wrapper = WRAPPERS[tool.calculator.__name__]
        server.add_tool(
            reporting_input_errors(wrapper),
            name=tool.name,
            description=tool.description,
            annotations=annotations_for(tool),
            meta=views.tool_meta(tool.name),
            icons=FAMILY_ICONS[tool.family],
        )
