"""Strength: one-repetition maximum from a set taken to failure, and a table of training loads by percent of 1RM."""

from __future__ import annotations

import math

from pydantic import Field

from chalicelib.fitness.errors import format_number, require_range, require_whole_number
from chalicelib.fitness.results import FitnessResult, FrozenModel
from chalicelib.fitness.units import Bounds, round_half_up

# The equations were fitted to sets of about 10 repetitions or fewer, and their agreement with measured 1RM falls
# off beyond 10 (LeSuer et al. 1997, J Strength Cond Res 11:211-213, which compared these seven). Brzycki's
# 36 / (37 - reps) breaks down altogether at 37.
REPS = Bounds(1, 10, "reps")
# A little above the heaviest deadlift ever recorded.
LIFTED_WEIGHT_KG = Bounds(1, 500, "kg")
ONE_REP_MAX_KG = Bounds(1, 600, "kg")

# Typical repetitions at a percentage of 1RM: 65-100 % from the NSCA %1RM-repetitions table (Baechle, Earle & Wathen,
# "Essentials of Strength Training and Conditioning", 3rd ed., 2008: 100 %-1, 95 %-2, 90 %-4, 85 %-6, 80 %-8, 75 %-10,
# 70 %-11, 65 %-15). The NSCA table stops at 65 %; 50-60 % come from inverting Epley's equation,
# reps = 30 x (100 / percent - 1), rounded half up.
TYPICAL_REPS_BY_PERCENT: dict[int, int] = {
    50: 30,
    55: 25,
    60: 20,
    65: 15,
    70: 11,
    75: 10,
    80: 8,
    85: 6,
    90: 4,
    95: 2,
    100: 1,
}


class OneRepMaxByFormula(FrozenModel):
    epley: float = Field(description="w x (1 + reps / 30) (Epley 1985), kg, rounded to 0.1.")
    brzycki: float = Field(description="w x 36 / (37 - reps) (Brzycki 1993), kg, rounded to 0.1.")
    lombardi: float = Field(description="w x reps^0.10 (Lombardi 1989), kg, rounded to 0.1.")
    lander: float = Field(description="100 w / (101.3 - 2.67123 reps) (Lander 1985), kg, rounded to 0.1.")
    mayhew: float = Field(description="100 w / (52.2 + 41.9 e^(-0.055 reps)) (Mayhew et al. 1992), kg, rounded to 0.1.")
    oconner: float = Field(description="w x (1 + 0.025 reps) (O'Conner et al. 1989), kg, rounded to 0.1.")
    wathan: float = Field(description="100 w / (48.8 + 53.8 e^(-0.075 reps)) (Wathan 1994), kg, rounded to 0.1.")


class OneRepMaxResult(FitnessResult):
    one_rep_max_kg: float = Field(description="Mean of the seven estimates, kg, rounded to 0.1.")
    by_formula: OneRepMaxByFormula = Field(description="Estimate from each equation, kg.")
    weight_kg: float = Field(description="Weight lifted in the set, kg.")
    reps: int = Field(description="Repetitions completed in the set.")

    def summary(self) -> str:
        return (
            f"{format_number(self.weight_kg)} kg x {self.reps}: estimated one-rep max {self.one_rep_max_kg} kg "
            f"(mean of seven equations, {min(self.by_formula.model_dump().values())}-"
            f"{max(self.by_formula.model_dump().values())} kg)."
        )


def _one_rep_max_by_formula(weight: float, reps: int) -> dict[str, float]:
    return {
        "epley": weight * (1 + reps / 30),
        "brzycki": weight * 36 / (37 - reps),
        "lombardi": weight * reps**0.10,
        "lander": 100 * weight / (101.3 - 2.67123 * reps),
        "mayhew": 100 * weight / (52.2 + 41.9 * math.exp(-0.055 * reps)),
        "oconner": weight * (1 + 0.025 * reps),
        "wathan": 100 * weight / (48.8 + 53.8 * math.exp(-0.075 * reps)),
    }


def estimate_one_rep_max(weight_kg: float, reps: int) -> OneRepMaxResult:
    """One-repetition maximum from `reps` repetitions to failure with `weight_kg` (w):

    - epley: w (1 + reps/30) (Epley 1985, "Poundage Chart", Boyd Epley Workout);
    - brzycki: w x 36 / (37 - reps) (Brzycki 1993, JOPERD 64:88-90);
    - lombardi: w x reps^0.10 (Lombardi 1989, "Beginning Weight Training");
    - lander: 100 w / (101.3 - 2.67123 reps) (Lander 1985, NSCA Journal 6:60-61);
    - mayhew: 100 w / (52.2 + 41.9 e^(-0.055 reps)) (Mayhew, Ball, Arnold & Bowen 1992, J Appl Sport Sci Res 6:200);
    - oconner: w (1 + 0.025 reps) (O'Conner, Simmons & O'Shea 1989, "Weight Training Today");
    - wathan: 100 w / (48.8 + 53.8 e^(-0.075 reps)) (Wathan 1994, in NSCA "Essentials of Strength Training").

    `one_rep_max_kg` is their mean. A single repetition is a one-rep max by definition, so reps = 1 returns the
    weight itself for every formula rather than each equation's small offset. Raises FitnessInputError for reps that
    are not a whole number from 1 to 10, or a weight outside 1-500 kg.
    """
    weight = require_range("weight_kg", weight_kg, *LIFTED_WEIGHT_KG)
    repetitions = require_whole_number("reps", reps, int(REPS.low), int(REPS.high), REPS.unit)
    if repetitions == 1:
        estimates = dict.fromkeys(_one_rep_max_by_formula(weight, 1), weight)
    else:
        estimates = _one_rep_max_by_formula(weight, repetitions)
    mean = sum(estimates.values()) / len(estimates)
    return OneRepMaxResult(
        one_rep_max_kg=round_half_up(mean, 1),
        by_formula=OneRepMaxByFormula(**{name: round_half_up(value, 1) for name, value in estimates.items()}),
        weight_kg=weight,
        reps=repetitions,
    )


class TrainingLoad(FrozenModel):
    percent: int = Field(description="Percentage of the one-rep max.")
    load_kg: float = Field(description="Load at that percentage, kg, rounded to 0.1.")
    typical_reps: int = Field(description="Repetitions typically possible at that load.")


class TrainingLoadsResult(FitnessResult):
    one_rep_max_kg: float = Field(description="One-rep max the loads are taken from, kg.")
    loads: list[TrainingLoad] = Field(description="Rows from 50 % to 100 % of 1RM in 5 % steps.")

    def summary(self) -> str:
        rows = ", ".join(f"{row.percent} % {row.load_kg} kg x{row.typical_reps}" for row in self.loads)
        return f"Training loads for a {format_number(self.one_rep_max_kg)} kg one-rep max: {rows}."


def calculate_training_loads(one_rep_max_kg: float) -> TrainingLoadsResult:
    """Loads at 50-100 % of a one-rep max in 5 % steps, load_kg = one_rep_max_kg x percent / 100, each with the
    typical repetitions at that intensity (NSCA %1RM-repetitions table, Baechle, Earle & Wathen 2008, for 65-100 %;
    Epley's equation inverted for 50-60 %). Raises FitnessInputError for a one-rep max outside 1-600 kg.
    """
    one_rep_max = require_range("one_rep_max_kg", one_rep_max_kg, *ONE_REP_MAX_KG)
    loads = [
        TrainingLoad(percent=percent, load_kg=round_half_up(one_rep_max * percent / 100, 1), typical_reps=reps)
        for percent, reps in sorted(TYPICAL_REPS_BY_PERCENT.items())
    ]
    return TrainingLoadsResult(one_rep_max_kg=one_rep_max, loads=loads)
