"""The public contract of each tool's arguments, written down independently of the code, so that a schema change
is caught. Each tool's example call lives in the tool catalogue (chalicelib/mcp_server/tool_catalogue.py)."""

from __future__ import annotations

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
