"""One valid call per tool (the public argument names of the contract), and the fields each result must carry."""

from __future__ import annotations

from typing import Any

# tool -> (arguments of a valid call, result fields the contract names)
TOOL_EXAMPLES: dict[str, tuple[dict[str, Any], set[str]]] = {
    "estimate-vo2-max-cooper": ({"distance_m": 2650, "age": 34, "sex": "female"}, {"vo2_max", "rating"}),
    "estimate-vo2-max-rockport": (
        {"weight_kg": 70, "age": 40, "sex": "male", "time_s": "14:30", "heart_rate_bpm": 130},
        {"vo2_max", "rating"},
    ),
    "estimate-vo2-max-heart-rate-ratio": ({"max_heart_rate_bpm": 190, "resting_heart_rate_bpm": 50}, {"vo2_max"}),
    "calculate-vdot": (
        {"distance_m": 5000, "time_s": "20:00"},
        {"vdot", "equivalent_times_s", "training_paces_s_per_km"},
    ),
    "predict-race-time": (
        {"distance_m": 10000, "time_s": 2400, "target_distance_m": 42195},
        {"predicted_time_s", "pace_s_per_km"},
    ),
    "convert-pace": (
        {"pace_s_per_km": "5:00", "distance_m": 10000},
        {"pace_s_per_km", "pace_s_per_mile", "speed_kmh", "speed_mph", "finish_time_s"},
    ),
    "estimate-max-heart-rate": ({"age": 40, "sex": "female"}, {"max_heart_rate_bpm", "by_formula"}),
    "calculate-heart-rate-zones": ({"age": 40, "resting_heart_rate_bpm": 60}, {"method", "zones"}),
    "calculate-bmi": ({"weight_kg": 70, "height_cm": 175}, {"bmi", "category"}),
    "estimate-body-fat-navy": (
        {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75, "hip_cm": 98},
        {"body_fat_percent", "category"},
    ),
    "calculate-waist-to-height-ratio": ({"waist_cm": 80, "height_cm": 175}, {"ratio", "category"}),
    "calculate-ideal-body-weight": ({"height_cm": 180, "sex": "male"}, {"by_formula"}),
    "calculate-lean-body-mass": ({"weight_kg": 80, "height_cm": 180, "sex": "male"}, {"by_formula"}),
    "calculate-bmr": ({"weight_kg": 70, "height_cm": 175, "age": 30, "sex": "male"}, {"bmr_kcal", "formula"}),
    "calculate-tdee": (
        {"weight_kg": 70, "height_cm": 175, "age": 30, "sex": "male", "activity_level": "moderate"},
        {"bmr_kcal", "tdee_kcal", "activity_factor"},
    ),
    "estimate-calories-burned": ({"activity": "yoga", "duration_min": 60, "weight_kg": 70}, {"kcal", "met"}),
    "estimate-one-rep-max": ({"weight_kg": 100, "reps": 5}, {"one_rep_max_kg", "by_formula"}),
    "calculate-training-loads": ({"one_rep_max_kg": 120}, set()),
    "calculate-trimp": (
        {
            "duration_min": 45,
            "average_heart_rate_bpm": 150,
            "resting_heart_rate_bpm": 55,
            "max_heart_rate_bpm": 190,
            "sex": "male",
        },
        {"trimp"},
    ),
}

# The argument names each tool's schema must offer (the public contract), required ones first.
TOOL_ARGUMENTS: dict[str, tuple[set[str], set[str]]] = {
    "estimate-vo2-max-cooper": ({"distance_m", "age", "sex"}, set()),
    "estimate-vo2-max-rockport": ({"weight_kg", "age", "sex", "time_s", "heart_rate_bpm"}, set()),
    "estimate-vo2-max-heart-rate-ratio": ({"max_heart_rate_bpm", "resting_heart_rate_bpm"}, set()),
    "calculate-vdot": ({"distance_m", "time_s"}, set()),
    "predict-race-time": ({"distance_m", "time_s", "target_distance_m"}, {"exponent"}),
    "convert-pace": (set(), {"pace_s_per_km", "pace_s_per_mile", "speed_kmh", "speed_mph", "distance_m"}),
    "estimate-max-heart-rate": ({"age"}, {"sex"}),
    "calculate-heart-rate-zones": (set(), {"age", "max_heart_rate_bpm", "resting_heart_rate_bpm"}),
    "calculate-bmi": ({"weight_kg", "height_cm"}, set()),
    "estimate-body-fat-navy": ({"sex", "height_cm", "neck_cm", "waist_cm"}, {"hip_cm"}),
    "calculate-waist-to-height-ratio": ({"waist_cm", "height_cm"}, set()),
    "calculate-ideal-body-weight": ({"height_cm", "sex"}, set()),
    "calculate-lean-body-mass": ({"weight_kg", "height_cm", "sex"}, set()),
    "calculate-bmr": ({"weight_kg", "height_cm", "age", "sex"}, {"formula", "body_fat_percent"}),
    "calculate-tdee": ({"weight_kg", "height_cm", "age", "sex", "activity_level"}, set()),
    "estimate-calories-burned": ({"duration_min", "weight_kg"}, {"activity", "met"}),
    "estimate-one-rep-max": ({"weight_kg", "reps"}, set()),
    "calculate-training-loads": ({"one_rep_max_kg"}, set()),
    "calculate-trimp": (
        {"duration_min", "average_heart_rate_bpm", "resting_heart_rate_bpm", "max_heart_rate_bpm", "sex"},
        set(),
    ),
}
