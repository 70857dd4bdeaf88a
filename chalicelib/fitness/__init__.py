"""The fitness domain: pure, typed calculators with cited formulas and pydantic results; no MCP or Chalice here.

Each public calculator validates its arguments (raising FitnessInputError, whose message names the argument and its
allowed range) and returns a result model whose `summary()` is a one-sentence restatement; `formulas` holds each
formula and the publications it comes from.
"""

from __future__ import annotations

from chalicelib.fitness.body import (
    BmiResult,
    IdealBodyWeightByFormula,
    IdealBodyWeightResult,
    LeanBodyMassByFormula,
    LeanBodyMassResult,
    NavyBodyFatResult,
    WaistToHeightResult,
    calculate_bmi,
    calculate_ideal_body_weight,
    calculate_lean_body_mass,
    calculate_waist_to_height_ratio,
    estimate_body_fat_navy,
)
from chalicelib.fitness.durations import format_duration, parse_duration_min, parse_duration_s
from chalicelib.fitness.energy import (
    ACTIVITY_FACTORS,
    BMR_FORMULAS,
    MET_ACTIVITIES,
    ActivityLevel,
    BmrFormula,
    BmrResult,
    CaloriesBurnedResult,
    MetActivity,
    TdeeResult,
    calculate_bmr,
    calculate_tdee,
    estimate_calories_burned,
    list_met_activities,
)
from chalicelib.fitness.errors import FitnessInputError
from chalicelib.fitness.formulas import FormulaRecord
from chalicelib.fitness.heart import (
    HeartRateZone,
    HeartRateZonesResult,
    MaxHeartRateByFormula,
    MaxHeartRateResult,
    TrimpResult,
    calculate_heart_rate_zones,
    calculate_trimp,
    estimate_max_heart_rate,
)
from chalicelib.fitness.results import FitnessResult
from chalicelib.fitness.running import (
    PaceConversion,
    RaceTimePrediction,
    TrainingPaces,
    VdotResult,
    calculate_vdot,
    convert_pace,
    predict_race_time,
)
from chalicelib.fitness.strength import (
    OneRepMaxByFormula,
    OneRepMaxResult,
    TrainingLoad,
    TrainingLoadsResult,
    calculate_training_loads,
    estimate_one_rep_max,
)
from chalicelib.fitness.units import SEXES, Sex
from chalicelib.fitness.vo2_max import (
    CooperResult,
    HeartRateRatioResult,
    RockportResult,
    estimate_vo2_max_cooper,
    estimate_vo2_max_heart_rate_ratio,
    estimate_vo2_max_rockport,
)

__all__ = [
    "ACTIVITY_FACTORS",
    "BMR_FORMULAS",
    "MET_ACTIVITIES",
    "SEXES",
    "ActivityLevel",
    "BmiResult",
    "BmrFormula",
    "BmrResult",
    "CaloriesBurnedResult",
    "CooperResult",
    "FitnessInputError",
    "FitnessResult",
    "FormulaRecord",
    "HeartRateRatioResult",
    "HeartRateZone",
    "HeartRateZonesResult",
    "IdealBodyWeightByFormula",
    "IdealBodyWeightResult",
    "LeanBodyMassByFormula",
    "LeanBodyMassResult",
    "MaxHeartRateByFormula",
    "MaxHeartRateResult",
    "MetActivity",
    "NavyBodyFatResult",
    "OneRepMaxByFormula",
    "OneRepMaxResult",
    "PaceConversion",
    "RaceTimePrediction",
    "RockportResult",
    "Sex",
    "TdeeResult",
    "TrainingLoad",
    "TrainingLoadsResult",
    "TrainingPaces",
    "TrimpResult",
    "VdotResult",
    "WaistToHeightResult",
    "calculate_bmi",
    "calculate_bmr",
    "calculate_heart_rate_zones",
    "calculate_ideal_body_weight",
    "calculate_lean_body_mass",
    "calculate_tdee",
    "calculate_training_loads",
    "calculate_trimp",
    "calculate_vdot",
    "calculate_waist_to_height_ratio",
    "convert_pace",
    "estimate_body_fat_navy",
    "estimate_calories_burned",
    "estimate_max_heart_rate",
    "estimate_one_rep_max",
    "estimate_vo2_max_cooper",
    "estimate_vo2_max_heart_rate_ratio",
    "estimate_vo2_max_rockport",
    "format_duration",
    "list_met_activities",
    "parse_duration_min",
    "parse_duration_s",
    "predict_race_time",
]
