"""Energy expenditure: basal metabolic rate, total daily energy expenditure, and calories burned from METs with the
Compendium of Physical Activities table."""

from __future__ import annotations

import difflib
from typing import Literal

from pydantic import Field

from chalicelib.fitness.durations import parse_duration_min
from chalicelib.fitness.errors import FitnessInputError, echo, format_number, require_choice, require_range
from chalicelib.fitness.results import FitnessResult, FrozenModel
from chalicelib.fitness.units import (
    AGE_YEARS,
    BODY_FAT_PERCENT,
    BODY_WEIGHT_KG,
    HEIGHT_CM,
    SEXES,
    Bounds,
    Sex,
    round_half_up,
    round_to_int,
)

BmrFormula = Literal["mifflin-st-jeor", "harris-benedict", "katch-mcardle"]
BMR_FORMULAS: tuple[BmrFormula, ...] = ("mifflin-st-jeor", "harris-benedict", "katch-mcardle")

ActivityLevel = Literal["sedentary", "light", "moderate", "very", "extra"]
# The conventional multipliers applied to a BMR in most energy calculators, handed down with the Harris-Benedict
# equation. No single study fitted them: treat them as a convention, not a measurement.
ACTIVITY_FACTORS: dict[ActivityLevel, float] = {
    "sedentary": 1.2,  # little or no exercise
    "light": 1.375,  # light exercise 1-3 days a week
    "moderate": 1.55,  # moderate exercise 3-5 days a week
    "very": 1.725,  # hard exercise 6-7 days a week
    "extra": 1.9,  # very hard exercise or a physical job
}

# From sleeping (0.95) to the fastest entries in the Compendium (about 23).
MET = Bounds(0.9, 25, "MET")
ACTIVITY_DURATION_MIN = Bounds(1, 1440, "min")


class MetActivity(FrozenModel):
    """One row of the MET table."""

    met: float = Field(description="Metabolic equivalent: energy cost as a multiple of resting, 1 MET ~ 1 kcal/kg/h.")
    compendium_code: str = Field(description="Five-digit activity code in the 2011 Compendium of Physical Activities.")
    description: str = Field(description="The Compendium's wording, with metric conversions in brackets.")


def _activity(met: float, code: str, description: str) -> MetActivity:
    return MetActivity(met=met, compendium_code=code, description=description)


# MET values and codes from the 2011 Compendium of Physical Activities (Ainsworth BE et al., Med Sci Sports Exerc
# 2011;43:1575-1581). Keys carry the Compendium's mph speeds converted to km/h and rounded to a whole number; the
# description keeps the exact speed.
MET_ACTIVITIES: dict[str, MetActivity] = {
    "walking-3-kmh": _activity(2.8, "17152", "walking, 2.0 mph (3.2 km/h), level, slow pace, firm surface"),
    "walking-4-kmh": _activity(3.0, "17170", "walking, 2.5 mph (4.0 km/h), level, firm surface"),
    "walking-5-kmh": _activity(
        3.5, "17190", "walking, 2.8 to 3.2 mph (4.5-5.1 km/h), level, moderate pace, firm surface"
    ),
    "walking-6-kmh": _activity(
        4.3, "17200", "walking, 3.5 mph (5.6 km/h), level, brisk, firm surface, walking for exercise"
    ),
    "walking-7-kmh": _activity(7.0, "17230", "walking, 4.5 mph (7.2 km/h), level, firm surface, very, very brisk"),
    "walking-uphill": _activity(5.3, "17210", "walking, 2.9 to 3.5 mph (4.7-5.6 km/h), uphill, 1 to 5% grade"),
    "hiking": _activity(6.0, "17080", "hiking, cross country"),
    "stair-climbing": _activity(8.8, "17134", "stair climbing, fast pace"),
    "jogging": _activity(7.0, "12020", "jogging, general"),
    "running-6-kmh": _activity(6.0, "12029", "running, 4 mph (6.4 km/h, 15 min/mile)"),
    "running-8-kmh": _activity(8.3, "12030", "running, 5 mph (8.0 km/h, 12 min/mile)"),
    "running-10-kmh": _activity(9.8, "12050", "running, 6 mph (9.7 km/h, 10 min/mile)"),
    "running-11-kmh": _activity(11.0, "12070", "running, 7 mph (11.3 km/h, 8.5 min/mile)"),
    "running-13-kmh": _activity(11.8, "12090", "running, 8 mph (12.9 km/h, 7.5 min/mile)"),
    "running-14-kmh": _activity(12.8, "12110", "running, 9 mph (14.5 km/h, 6.5 min/mile)"),
    "running-16-kmh": _activity(14.5, "12120", "running, 10 mph (16.1 km/h, 6 min/mile)"),
    "running-18-kmh": _activity(16.0, "12130", "running, 11 mph (17.7 km/h, 5.5 min/mile)"),
    "running-cross-country": _activity(9.0, "12140", "running, cross country"),
    "cycling-leisure": _activity(4.0, "01010", "bicycling, <10 mph (<16 km/h), leisure, to work or for pleasure"),
    "cycling-light": _activity(6.8, "01020", "bicycling, 10-11.9 mph (16-19 km/h), leisure, slow, light effort"),
    "cycling-moderate": _activity(8.0, "01030", "bicycling, 12-13.9 mph (19-22 km/h), leisure, moderate effort"),
    "cycling-vigorous": _activity(
        10.0, "01040", "bicycling, 14-15.9 mph (22-26 km/h), racing or leisure, fast, vigorous effort"
    ),
    "cycling-racing": _activity(12.0, "01050", "bicycling, 16-19 mph (26-31 km/h), racing/not drafting"),
    "cycling-mountain": _activity(8.5, "01009", "bicycling, mountain, general"),
    "cycling-stationary": _activity(7.0, "02010", "bicycling, stationary, general"),
    "swimming-freestyle-moderate": _activity(
        5.8, "18240", "swimming laps, freestyle, front crawl, slow, light or moderate effort"
    ),
    "swimming-freestyle-vigorous": _activity(9.8, "18230", "swimming laps, freestyle, fast, vigorous effort"),
    "swimming-breaststroke": _activity(10.3, "18260", "swimming, breaststroke, general, training or competition"),
    "swimming-backstroke": _activity(9.5, "18250", "swimming, backstroke, general, training or competition"),
    "swimming-leisure": _activity(6.0, "18310", "swimming, leisurely, not lap swimming, general"),
    "rowing-machine-moderate": _activity(4.8, "02071", "rowing, stationary, general, moderate effort"),
    "rowing-machine-vigorous": _activity(6.0, "02070", "rowing, stationary ergometer, general, vigorous effort"),
    "elliptical-trainer": _activity(5.0, "02048", "elliptical trainer, moderate effort"),
    "weight-training-general": _activity(
        3.5, "02054", "resistance (weight) training, multiple exercises, 8-15 repetitions at varied resistance"
    ),
    "weight-training-vigorous": _activity(
        6.0, "02050", "resistance training, power lifting or body building, vigorous effort"
    ),
    "circuit-training": _activity(
        8.0, "02040", "circuit training, including kettlebells, some aerobic movement with minimal rest, vigorous"
    ),
    "calisthenics-vigorous": _activity(
        8.0, "02020", "calisthenics (e.g., push ups, sit ups, pull-ups, jumping jacks), vigorous effort"
    ),
    "yoga": _activity(2.5, "02150", "yoga, Hatha"),
    "yoga-power": _activity(4.0, "02160", "yoga, Power"),
    "pilates": _activity(3.0, "02105", "pilates, general"),
    "aerobics": _activity(7.3, "03015", "aerobic, general"),
    "jumping-rope": _activity(11.8, "15551", "rope jumping, moderate pace, 100-120 skips/min, general"),
    "soccer-casual": _activity(7.0, "15610", "soccer, casual, general"),
    "basketball": _activity(6.5, "15055", "basketball, general"),
    "tennis": _activity(7.3, "15675", "tennis, general"),
    "golf-walking": _activity(4.3, "15265", "golf, walking, carrying clubs"),
    "cross-country-skiing": _activity(
        9.0, "19090", "skiing, cross country, 4.0-4.9 mph (6.4-7.9 km/h), moderate speed and effort, general"
    ),
}
MET_TABLE_SOURCE = "Ainsworth BE et al. 2011 Compendium of Physical Activities, Med Sci Sports Exerc 43:1575-1581"


def list_met_activities() -> list[dict[str, object]]:
    """The MET table as JSON-ready rows {activity, met, compendium_code, description}, sorted by activity name."""
    return [{"activity": name, **MET_ACTIVITIES[name].model_dump()} for name in sorted(MET_ACTIVITIES)]


class BmrResult(FitnessResult):
    bmr_kcal: int = Field(description="Basal metabolic rate in whole kcal per day.")
    formula: BmrFormula = Field(description="Equation used: mifflin-st-jeor, harris-benedict or katch-mcardle.")

    def summary(self) -> str:
        return f"Basal metabolic rate {self.bmr_kcal} kcal/day ({self.formula})."


def _bmr_kcal(
    weight: float, height: float, years: float, sex: Sex, formula: BmrFormula, body_fat_percent: float | None
) -> float:
    if formula == "mifflin-st-jeor":
        return 10 * weight + 6.25 * height - 5 * years + (5 if sex == "male" else -161)
    if formula == "harris-benedict":
        if sex == "male":
            return 88.362 + 13.397 * weight + 4.799 * height - 5.677 * years
        return 447.593 + 9.247 * weight + 3.098 * height - 4.330 * years
    if body_fat_percent is None:
        raise FitnessInputError(
            "body_fat_percent",
            f"body_fat_percent is required for formula 'katch-mcardle': between {format_number(BODY_FAT_PERCENT.low)}"
            f" and {format_number(BODY_FAT_PERCENT.high)} %",
        )
    lean_mass_kg = weight * (1 - body_fat_percent / 100)
    return 370 + 21.6 * lean_mass_kg


def calculate_bmr(
    weight_kg: float,
    height_cm: float,
    age: float,
    sex: Sex,
    formula: BmrFormula = "mifflin-st-jeor",
    body_fat_percent: float | None = None,
) -> BmrResult:
    """Basal metabolic rate in kcal/day (W = weight_kg, H = height_cm, A = age in years):

    - mifflin-st-jeor (default): 10 W + 6.25 H - 5 A + 5 (men) / - 161 (women) (Mifflin et al. 1990, Am J Clin Nutr
      51:241-247);
    - harris-benedict, revised: men 88.362 + 13.397 W + 4.799 H - 5.677 A; women 447.593 + 9.247 W + 3.098 H -
      4.330 A (Roza & Shizgal 1984, Am J Clin Nutr 40:168-182);
    - katch-mcardle: 370 + 21.6 x lean mass, lean mass = W x (1 - body_fat_percent / 100) (Katch & McArdle, as
      given in McArdle, Katch & Katch, "Exercise Physiology"); needs body_fat_percent and ignores height, age and
      sex.

    Raises FitnessInputError for an out-of-range input, an unknown formula, or katch-mcardle without body_fat_percent.
    """
    weight = require_range("weight_kg", weight_kg, *BODY_WEIGHT_KG)
    height = require_range("height_cm", height_cm, *HEIGHT_CM)
    years = require_range("age", age, *AGE_YEARS)
    chosen_sex = require_choice("sex", sex, SEXES)
    chosen_formula = require_choice("formula", formula, BMR_FORMULAS)
    body_fat = None
    if body_fat_percent is not None:
        body_fat = require_range("body_fat_percent", body_fat_percent, *BODY_FAT_PERCENT)
    bmr = _bmr_kcal(weight, height, years, chosen_sex, chosen_formula, body_fat)
    return BmrResult(bmr_kcal=round_to_int(bmr), formula=chosen_formula)


class TdeeResult(FitnessResult):
    bmr_kcal: int = Field(description="Basal metabolic rate (Mifflin-St Jeor) in whole kcal per day.")
    tdee_kcal: int = Field(description="Total daily energy expenditure, BMR x activity factor, in whole kcal per day.")
    activity_factor: float = Field(description="Multiplier for the activity level (dimensionless).")
    activity_level: ActivityLevel = Field(description="sedentary, light, moderate, very or extra.")
    formula: BmrFormula = Field(default="mifflin-st-jeor", description="BMR equation used.")

    def summary(self) -> str:
        return (
            f"Total daily energy expenditure {self.tdee_kcal} kcal/day: BMR {self.bmr_kcal} kcal/day "
            f"({self.formula}) x {self.activity_factor} ({self.activity_level})."
        )


def calculate_tdee(
    weight_kg: float, height_cm: float, age: float, sex: Sex, activity_level: ActivityLevel
) -> TdeeResult:
    """TDEE = BMR (Mifflin-St Jeor 1990) x activity factor: sedentary 1.2, light 1.375, moderate 1.55, very 1.725,
    extra 1.9. The product is taken before rounding. Raises FitnessInputError for an out-of-range input or an unknown
    activity level.
    """
    level = require_choice("activity_level", activity_level, ACTIVITY_FACTORS)
    weight = require_range("weight_kg", weight_kg, *BODY_WEIGHT_KG)
    height = require_range("height_cm", height_cm, *HEIGHT_CM)
    years = require_range("age", age, *AGE_YEARS)
    chosen_sex = require_choice("sex", sex, SEXES)
    bmr = _bmr_kcal(weight, height, years, chosen_sex, "mifflin-st-jeor", None)
    factor = ACTIVITY_FACTORS[level]
    return TdeeResult(
        bmr_kcal=round_to_int(bmr),
        tdee_kcal=round_to_int(bmr * factor),
        activity_factor=factor,
        activity_level=level,
    )


class CaloriesBurnedResult(FitnessResult):
    kcal: int = Field(description="Energy expended during the activity, whole kcal (gross, resting energy included).")
    met: float = Field(description="MET value used.")
    activity: str | None = Field(default=None, description="MET table activity used; null when met was given.")
    compendium_code: str | None = Field(default=None, description="Compendium code of the activity, if any.")
    duration_min: float = Field(description="Duration in minutes.")

    def summary(self) -> str:
        what = self.activity if self.activity is not None else "the activity"
        return f"{format_number(self.duration_min)} min of {what} at {self.met} MET: about {self.kcal} kcal."


def estimate_calories_burned(
    duration_min: float | str,
    weight_kg: float,
    activity: str | None = None,
    met: float | None = None,
) -> CaloriesBurnedResult:
    """kcal = MET x weight_kg x hours, since 1 MET is taken as 1 kcal/kg/h (Compendium of Physical Activities,
    Ainsworth et al. 2011). Give exactly one of `activity` (a key of MET_ACTIVITIES) or `met`. `duration_min` also
    accepts "h:mm:ss" text.

    Raises FitnessInputError when both or neither of activity/met are given, the activity is not in the table (the
    message suggests close names), or a value is out of range.
    """
    if (activity is None) == (met is None):
        raise FitnessInputError(
            "activity",
            f"give exactly one of activity (a MET table name) or met ({format_number(MET.low)}-"
            f"{format_number(MET.high)} MET)",
        )
    minutes = require_range("duration_min", parse_duration_min("duration_min", duration_min), *ACTIVITY_DURATION_MIN)
    weight = require_range("weight_kg", weight_kg, *BODY_WEIGHT_KG)
    code = None
    if activity is not None:
        if not isinstance(activity, str) or activity not in MET_ACTIVITIES:
            close = difflib.get_close_matches(str(activity), MET_ACTIVITIES, n=3)
            hint = f"; did you mean {', '.join(repr(name) for name in close)}?" if close else ""
            raise FitnessInputError(
                "activity",
                f"activity must be a name from the MET table ({len(MET_ACTIVITIES)} activities such as "
                f"'running-10-kmh', 'cycling-moderate', 'yoga') (got {echo(activity)}){hint}",
            )
        row = MET_ACTIVITIES[activity]
        met_value, code = row.met, row.compendium_code
    else:
        met_value = require_range("met", met, *MET)
    return CaloriesBurnedResult(
        kcal=round_to_int(met_value * weight * minutes / 60),
        met=round_half_up(met_value, 2),
        activity=activity,
        compendium_code=code,
        duration_min=minutes,
    )
