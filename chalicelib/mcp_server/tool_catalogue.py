"""The tool catalogue: the single source of each calculator tool's name, family, title, description, formula page
and example call.

The MCP registration (tools and the formula resources), the server card, the tests and the README's tool table all
read it. The formulas and their citations are the domain's facts (`chalicelib.fitness.formulas`); this module only
says which tool publishes which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chalicelib import fitness
from chalicelib.fitness import formulas
from chalicelib.fitness.formulas import FormulaRecord
from chalicelib.fitness.results import FitnessResult
from chalicelib.mcp_server.icons import ToolFamily

FORMULA_INDEX_URI = "fitness://formulas"


@dataclass(frozen=True)
class ExampleCall:
    """A valid call with the tool's public argument names, and the result fields the answer must carry."""

    arguments: Mapping[str, Any]
    result_fields: frozenset[str]


@dataclass(frozen=True)
class CatalogueTool:
    name: str
    family: ToolFamily
    """The family whose icon the tool carries and whose line of the server's instructions names it."""
    title: str
    """What the tool calculates: the tool's annotation title and its formula page's title."""
    description: str
    """What a model reads to choose the tool."""
    calculator: Callable[..., FitnessResult]
    """The domain calculator the tool calls."""
    formula: FormulaRecord
    example: ExampleCall

    @property
    def formula_uri(self) -> str:
        """The tool's citation page: its formula and every source, as a resource."""
        return f"{FORMULA_INDEX_URI}/{self.name}"


def _example(arguments: dict[str, Any], result_fields: set[str]) -> ExampleCall:
    return ExampleCall(arguments, frozenset(result_fields))


# In the order `tools/list` gives them.
TOOL_CATALOGUE: tuple[CatalogueTool, ...] = (
    CatalogueTool(
        name="estimate-vo2-max-cooper",
        family="aerobic",
        title="VO2max from the Cooper 12-minute run",
        description=(
            "VO2max (ml/kg/min) from the distance run in 12 minutes, with a rating from Cooper's distance norms for "
            "the runner's age and sex (Cooper 1968)."
        ),
        calculator=fitness.estimate_vo2_max_cooper,
        formula=formulas.COOPER_12_MINUTE_RUN,
        example=_example({"distance_m": 2650, "age": 35, "sex": "male"}, {"rating", "vo2_max"}),
    ),
    CatalogueTool(
        name="estimate-vo2-max-rockport",
        family="aerobic",
        title="VO2max from the Rockport 1-mile walk test",
        description=(
            "VO2max from the Rockport 1-mile walk: time, heart rate at the finish, weight, age and sex (Kline et al. "
            "1987), with a rating from the Cooper Institute VO2max norms."
        ),
        calculator=fitness.estimate_vo2_max_rockport,
        formula=formulas.ROCKPORT_WALK_TEST,
        example=_example(
            {"weight_kg": 80, "age": 40, "sex": "female", "time_s": "14:30", "heart_rate_bpm": 130},
            {"rating", "vo2_max"},
        ),
    ),
    CatalogueTool(
        name="estimate-vo2-max-heart-rate-ratio",
        family="aerobic",
        title="VO2max from the maximum-to-resting heart rate ratio",
        description=("VO2max from maximum and resting heart rate alone: 15.3 × HRmax / HRrest (Uth et al. 2004)."),
        calculator=fitness.estimate_vo2_max_heart_rate_ratio,
        formula=formulas.HEART_RATE_RATIO,
        example=_example({"max_heart_rate_bpm": 185, "resting_heart_rate_bpm": 55}, {"vo2_max"}),
    ),
    CatalogueTool(
        name="calculate-vdot",
        family="running",
        title="Daniels' VDOT, equivalent race times and training paces",
        description=(
            "Daniels' VDOT from one race result, with equivalent times from 1500 m to the marathon and "
            "easy/marathon/threshold/interval/repetition training paces (Daniels & Gilbert 1979)."
        ),
        calculator=fitness.calculate_vdot,
        formula=formulas.DANIELS_VDOT,
        example=_example(
            {"distance_m": 10000, "time_s": "45:00"}, {"training_paces_s_per_km", "vdot", "equivalent_times_s"}
        ),
    ),
    CatalogueTool(
        name="predict-race-time",
        family="running",
        title="Race time prediction (Riegel)",
        description=("Predict a race time at another distance from one result: T2 = T1 × (D2/D1)^1.06 (Riegel 1981)."),
        calculator=fitness.predict_race_time,
        formula=formulas.RIEGEL_RACE_TIME,
        example=_example(
            {"distance_m": 21097.5, "time_s": "1:45:00", "target_distance_m": 42195},
            {"pace_s_per_km", "predicted_time_s"},
        ),
    ),
    CatalogueTool(
        name="convert-pace",
        family="running",
        title="Pace and speed conversion",
        description=(
            "Convert exactly one of pace per km, pace per mile, km/h or mph into all four; with distance_m also the "
            "finish time."
        ),
        calculator=fitness.convert_pace,
        formula=formulas.PACE_CONVERSION,
        example=_example(
            {"pace_s_per_km": "5:30", "distance_m": 10000},
            {"pace_s_per_mile", "speed_kmh", "finish_time_s", "pace_s_per_km", "speed_mph"},
        ),
    ),
    CatalogueTool(
        name="estimate-max-heart-rate",
        family="heart",
        title="Age-predicted maximum heart rate",
        description=(
            "Maximum heart rate from age: Tanaka 208 − 0.7 × age (Tanaka et al. 2001), with Fox, Gellish and, for "
            "women, Gulati for comparison."
        ),
        calculator=fitness.estimate_max_heart_rate,
        formula=formulas.MAX_HEART_RATE,
        example=_example({"age": 45, "sex": "female"}, {"by_formula", "max_heart_rate_bpm"}),
    ),
    CatalogueTool(
        name="calculate-heart-rate-zones",
        family="heart",
        title="Five heart-rate training zones",
        description=(
            "Five training zones (50–100 % in 10 % steps) from age or a measured maximum; with a resting heart rate "
            "the zones use heart-rate reserve (Karvonen 1957)."
        ),
        calculator=fitness.calculate_heart_rate_zones,
        formula=formulas.HEART_RATE_ZONES,
        example=_example({"age": 45, "resting_heart_rate_bpm": 60}, {"method", "zones"}),
    ),
    CatalogueTool(
        name="calculate-trimp",
        family="heart",
        title="Training impulse (Banister TRIMP)",
        description=(
            "Banister's training impulse (TRIMP) for one session from duration and average, resting and maximum heart "
            "rate, weighted by sex (Banister 1991)."
        ),
        calculator=fitness.calculate_trimp,
        formula=formulas.BANISTER_TRIMP,
        example=_example(
            {
                "duration_min": 50,
                "average_heart_rate_bpm": 145,
                "resting_heart_rate_bpm": 55,
                "max_heart_rate_bpm": 185,
                "sex": "female",
            },
            {"trimp"},
        ),
    ),
    CatalogueTool(
        name="calculate-bmi",
        family="body",
        title="Body mass index with the WHO adult category",
        description=("Body mass index (kg/m²) with the WHO adult category."),
        calculator=fitness.calculate_bmi,
        formula=formulas.BODY_MASS_INDEX,
        example=_example({"weight_kg": 82, "height_cm": 178}, {"bmi", "category"}),
    ),
    CatalogueTool(
        name="estimate-body-fat-navy",
        family="body",
        title="Body fat from circumferences (US Navy method)",
        description=(
            "Body fat % from height, neck and waist (and hip for women) circumferences: the US Navy method (Hodgdon & "
            "Beckett 1984), with an ACE category."
        ),
        calculator=fitness.estimate_body_fat_navy,
        formula=formulas.NAVY_BODY_FAT,
        example=_example(
            {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75, "hip_cm": 98},
            {"category", "body_fat_percent"},
        ),
    ),
    CatalogueTool(
        name="calculate-waist-to-height-ratio",
        family="body",
        title="Waist-to-height ratio",
        description=(
            "Waist-to-height ratio with Ashwell's risk category (keep your waist to less than half your height)."
        ),
        calculator=fitness.calculate_waist_to_height_ratio,
        formula=formulas.WAIST_TO_HEIGHT_RATIO,
        example=_example({"waist_cm": 84, "height_cm": 178}, {"ratio", "category"}),
    ),
    CatalogueTool(
        name="calculate-ideal-body-weight",
        family="body",
        title="Ideal body weight",
        description=("Ideal body weight (kg) from height and sex by the Devine, Robinson, Miller and Hamwi formulas."),
        calculator=fitness.calculate_ideal_body_weight,
        formula=formulas.IDEAL_BODY_WEIGHT,
        example=_example({"height_cm": 178, "sex": "male"}, {"by_formula"}),
    ),
    CatalogueTool(
        name="calculate-lean-body-mass",
        family="body",
        title="Lean body mass",
        description=("Lean body mass (kg) by the Boer (1984), James (1976) and Hume (1966) formulas."),
        calculator=fitness.calculate_lean_body_mass,
        formula=formulas.LEAN_BODY_MASS,
        example=_example({"weight_kg": 82, "height_cm": 178, "sex": "male"}, {"by_formula"}),
    ),
    CatalogueTool(
        name="calculate-bmr",
        family="energy",
        title="Basal metabolic rate",
        description=(
            "Basal metabolic rate (kcal/day): Mifflin–St Jeor (1990) by default, revised Harris–Benedict (Roza & "
            "Shizgal 1984), or Katch–McArdle from body fat %."
        ),
        calculator=fitness.calculate_bmr,
        formula=formulas.BASAL_METABOLIC_RATE,
        example=_example(
            {
                "weight_kg": 82,
                "height_cm": 178,
                "age": 40,
                "sex": "male",
                "formula": "katch-mcardle",
                "body_fat_percent": 18,
            },
            {"bmr_kcal", "formula"},
        ),
    ),
    CatalogueTool(
        name="calculate-tdee",
        family="energy",
        title="Total daily energy expenditure",
        description=(
            "Total daily energy expenditure: Mifflin–St Jeor BMR × an activity factor from 1.2 (sedentary) to 1.9 "
            "(extra)."
        ),
        calculator=fitness.calculate_tdee,
        formula=formulas.TOTAL_DAILY_ENERGY_EXPENDITURE,
        example=_example(
            {"weight_kg": 82, "height_cm": 178, "age": 40, "sex": "male", "activity_level": "light"},
            {"bmr_kcal", "activity_factor", "tdee_kcal"},
        ),
    ),
    CatalogueTool(
        name="estimate-calories-burned",
        family="energy",
        title="Calories burned in an activity",
        description=(
            "Calories burned by an activity: MET × weight_kg × hours, with METs from the Compendium of Physical "
            "Activities (name an activity from fitness://activities, or give a MET)."
        ),
        calculator=fitness.estimate_calories_burned,
        formula=formulas.CALORIES_BURNED,
        example=_example({"activity": "cycling-moderate", "duration_min": 90, "weight_kg": 82}, {"met", "kcal"}),
    ),
    CatalogueTool(
        name="estimate-one-rep-max",
        family="strength",
        title="One-repetition maximum",
        description=(
            "One-repetition maximum from a set of 1–10 reps: the mean of Epley, Brzycki, Lombardi, Lander, Mayhew, "
            "O'Conner and Wathan, each shown."
        ),
        calculator=fitness.estimate_one_rep_max,
        formula=formulas.ONE_REP_MAX,
        example=_example({"weight_kg": 80, "reps": 6}, {"by_formula", "one_rep_max_kg"}),
    ),
    CatalogueTool(
        name="calculate-training-loads",
        family="strength",
        title="Training loads by percentage of one-rep max",
        description=(
            "Training loads from 50 % to 100 % of a one-repetition maximum, with the reps typically possible at each."
        ),
        calculator=fitness.calculate_training_loads,
        formula=formulas.TRAINING_LOADS,
        example=_example({"one_rep_max_kg": 120}, {"loads"}),
    ),
)

TOOL_NAMES: tuple[str, ...] = tuple(tool.name for tool in TOOL_CATALOGUE)
