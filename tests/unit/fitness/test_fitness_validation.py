"""Every calculator refuses impossible or out-of-range input with a FitnessInputError naming the argument, and never
returns NaN, infinity or a negative quantity for input it accepts."""

from __future__ import annotations

import itertools
import math

import pytest

from chalicelib.fitness import (
    FitnessInputError,
    calculate_bmi,
    calculate_bmr,
    calculate_heart_rate_zones,
    calculate_ideal_body_weight,
    calculate_lean_body_mass,
    calculate_tdee,
    calculate_training_loads,
    calculate_trimp,
    calculate_vdot,
    calculate_waist_to_height_ratio,
    convert_pace,
    estimate_body_fat_navy,
    estimate_calories_burned,
    estimate_max_heart_rate,
    estimate_one_rep_max,
    estimate_vo2_max_cooper,
    estimate_vo2_max_heart_rate_ratio,
    estimate_vo2_max_rockport,
    predict_race_time,
)

BAD_INPUTS = [
    pytest.param(
        estimate_vo2_max_cooper, {"distance_m": -5, "age": 30, "sex": "male"}, "distance_m", id="negative-distance"
    ),
    pytest.param(estimate_vo2_max_cooper, {"distance_m": 2400, "age": 0, "sex": "male"}, "age", id="age-0"),
    pytest.param(estimate_vo2_max_cooper, {"distance_m": 2400, "age": 200, "sex": "male"}, "age", id="age-200"),
    pytest.param(estimate_vo2_max_cooper, {"distance_m": 2400, "age": 30, "sex": "other"}, "sex", id="unknown-sex"),
    pytest.param(estimate_vo2_max_cooper, {"distance_m": math.nan, "age": 30, "sex": "male"}, "distance_m", id="nan"),
    pytest.param(estimate_vo2_max_cooper, {"distance_m": "far", "age": 30, "sex": "male"}, "distance_m", id="text"),
    pytest.param(estimate_vo2_max_cooper, {"distance_m": True, "age": 30, "sex": "male"}, "distance_m", id="boolean"),
    pytest.param(
        estimate_vo2_max_rockport,
        {"weight_kg": 80, "age": 40, "sex": "male", "time_s": 900, "heart_rate_bpm": 300},
        "heart_rate_bpm",
        id="rockport-heart-rate-300",
    ),
    pytest.param(
        estimate_vo2_max_rockport,
        {"weight_kg": 80, "age": 40, "sex": "male", "time_s": "12:75", "heart_rate_bpm": 130},
        "time_s",
        id="rockport-malformed-time",
    ),
    pytest.param(
        estimate_vo2_max_rockport,
        {"weight_kg": 800, "age": 40, "sex": "male", "time_s": 900, "heart_rate_bpm": 130},
        "weight_kg",
        id="rockport-weight-in-pounds-by-mistake",
    ),
    pytest.param(
        estimate_vo2_max_rockport,
        {"weight_kg": 300, "age": 100, "sex": "female", "time_s": 2400, "heart_rate_bpm": 220},
        "time_s",
        id="rockport-extrapolates-below-rest",
    ),
    pytest.param(
        estimate_vo2_max_heart_rate_ratio,
        {"max_heart_rate_bpm": 100, "resting_heart_rate_bpm": 100},
        "resting_heart_rate_bpm",
        id="resting-equal-to-max",
    ),
    pytest.param(calculate_vdot, {"distance_m": 800, "time_s": 120}, "distance_m", id="vdot-800m-not-in-tables"),
    pytest.param(calculate_vdot, {"distance_m": 5000, "time_s": 300}, "time_s", id="vdot-5k-in-5-minutes"),
    pytest.param(calculate_vdot, {"distance_m": 5000, "time_s": "fast"}, "time_s", id="vdot-text-time"),
    pytest.param(
        predict_race_time,
        {"distance_m": 10000, "time_s": 2400, "target_distance_m": 42195, "exponent": 2},
        "exponent",
        id="riegel-exponent-2",
    ),
    pytest.param(
        predict_race_time,
        {"distance_m": 10000, "time_s": 2400, "target_distance_m": 0},
        "target_distance_m",
        id="riegel-target-0",
    ),
    # The four pace arguments are one group: the error is filed under the first and its message names all four.
    pytest.param(convert_pace, {}, "pace_s_per_km", id="convert-nothing"),
    pytest.param(convert_pace, {"speed_kmh": 10, "speed_mph": 6}, "pace_s_per_km", id="convert-two-at-once"),
    pytest.param(convert_pace, {"speed_kmh": 0}, "speed_kmh", id="convert-zero-speed"),
    pytest.param(convert_pace, {"pace_s_per_km": 300, "distance_m": -1}, "distance_m", id="convert-negative-distance"),
    pytest.param(estimate_max_heart_rate, {"age": 0}, "age", id="max-hr-age-0"),
    pytest.param(estimate_max_heart_rate, {"age": 40, "sex": "f"}, "sex", id="max-hr-bad-sex"),
    pytest.param(calculate_heart_rate_zones, {}, "age", id="zones-without-age-or-max"),
    pytest.param(
        calculate_heart_rate_zones,
        {"max_heart_rate_bpm": 185, "resting_heart_rate_bpm": 190},
        "resting_heart_rate_bpm",
        id="zones-resting-above-max",
    ),
    pytest.param(
        calculate_trimp,
        {
            "duration_min": 45,
            "average_heart_rate_bpm": 55,
            "resting_heart_rate_bpm": 60,
            "max_heart_rate_bpm": 190,
            "sex": "male",
        },
        "average_heart_rate_bpm",
        id="trimp-average-below-resting",
    ),
    pytest.param(
        calculate_trimp,
        {
            "duration_min": 45,
            "average_heart_rate_bpm": 60,
            "resting_heart_rate_bpm": 60,
            "max_heart_rate_bpm": 190,
            "sex": "female",
        },
        "average_heart_rate_bpm",
        id="trimp-average-equal-to-resting",
    ),
    pytest.param(
        calculate_trimp,
        {
            "duration_min": 45,
            "average_heart_rate_bpm": 195,
            "resting_heart_rate_bpm": 60,
            "max_heart_rate_bpm": 190,
            "sex": "male",
        },
        "average_heart_rate_bpm",
        id="trimp-average-above-max",
    ),
    pytest.param(
        calculate_trimp,
        {
            "duration_min": 0,
            "average_heart_rate_bpm": 150,
            "resting_heart_rate_bpm": 60,
            "max_heart_rate_bpm": 190,
            "sex": "male",
        },
        "duration_min",
        id="trimp-zero-duration",
    ),
    pytest.param(calculate_bmi, {"weight_kg": -70, "height_cm": 175}, "weight_kg", id="bmi-negative-weight"),
    pytest.param(calculate_bmi, {"weight_kg": 70, "height_cm": 1.75}, "height_cm", id="bmi-height-in-metres"),
    pytest.param(
        estimate_body_fat_navy,
        {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75},
        "hip_cm",
        id="navy-woman-without-hip",
    ),
    pytest.param(
        estimate_body_fat_navy,
        {"sex": "male", "height_cm": 180, "neck_cm": 40, "waist_cm": 40},
        "waist_cm",
        id="navy-waist-not-above-neck",
    ),
    pytest.param(
        estimate_body_fat_navy,
        {"sex": "male", "height_cm": 180, "neck_cm": 5, "waist_cm": 90},
        "neck_cm",
        id="navy-neck-5cm",
    ),
    pytest.param(
        estimate_body_fat_navy,
        {"sex": "male", "height_cm": 200, "neck_cm": 45, "waist_cm": 50},
        "waist_cm",
        id="navy-result-below-essential-fat",
    ),
    pytest.param(
        calculate_waist_to_height_ratio, {"waist_cm": 0, "height_cm": 170}, "waist_cm", id="waist-to-height-zero"
    ),
    pytest.param(calculate_ideal_body_weight, {"height_cm": 100, "sex": "female"}, "height_cm", id="ibw-100cm"),
    pytest.param(
        calculate_lean_body_mass, {"weight_kg": 200, "height_cm": 150, "sex": "male"}, "weight_kg", id="lbm-bmi-89"
    ),
    pytest.param(
        calculate_bmr,
        {"weight_kg": 80, "height_cm": 180, "age": 30, "sex": "male", "formula": "katch-mcardle"},
        "body_fat_percent",
        id="katch-without-body-fat",
    ),
    pytest.param(
        calculate_bmr,
        {"weight_kg": 80, "height_cm": 180, "age": 30, "sex": "male", "formula": "cunningham"},
        "formula",
        id="bmr-unknown-formula",
    ),
    pytest.param(
        calculate_bmr,
        {"weight_kg": 80, "height_cm": 180, "age": 30, "sex": "male", "body_fat_percent": 90},
        "body_fat_percent",
        id="bmr-body-fat-90",
    ),
    pytest.param(
        calculate_tdee,
        {"weight_kg": 80, "height_cm": 180, "age": 30, "sex": "male", "activity_level": "couch"},
        "activity_level",
        id="tdee-unknown-level",
    ),
    pytest.param(
        estimate_calories_burned, {"duration_min": 30, "weight_kg": 70}, "activity", id="calories-no-activity"
    ),
    pytest.param(
        estimate_calories_burned,
        {"duration_min": 30, "weight_kg": 70, "activity": "yoga", "met": 3},
        "activity",
        id="calories-activity-and-met",
    ),
    pytest.param(
        estimate_calories_burned,
        {"duration_min": 30, "weight_kg": 70, "activity": "underwater-basket-weaving"},
        "activity",
        id="calories-unknown-activity",
    ),
    pytest.param(
        estimate_calories_burned, {"duration_min": 30, "weight_kg": 70, "met": 50}, "met", id="calories-met-50"
    ),
    pytest.param(estimate_one_rep_max, {"weight_kg": 100, "reps": 0}, "reps", id="reps-0"),
    pytest.param(estimate_one_rep_max, {"weight_kg": 100, "reps": 11}, "reps", id="reps-beyond-10"),
    pytest.param(estimate_one_rep_max, {"weight_kg": 100, "reps": 37}, "reps", id="reps-37-breaks-brzycki"),
    pytest.param(estimate_one_rep_max, {"weight_kg": 100, "reps": 5.5}, "reps", id="fractional-reps"),
    pytest.param(estimate_one_rep_max, {"weight_kg": -1, "reps": 5}, "weight_kg", id="negative-lift"),
    pytest.param(calculate_training_loads, {"one_rep_max_kg": 0}, "one_rep_max_kg", id="loads-zero-max"),
]


@pytest.mark.parametrize(("calculator", "arguments", "field"), BAD_INPUTS)
def test_bad_input_raises_an_error_naming_the_argument(calculator, arguments, field):
    with pytest.raises(FitnessInputError) as raised:
        calculator(**arguments)
    assert raised.value.field == field
    assert field in str(raised.value)


@pytest.mark.parametrize(
    ("calculator", "arguments", "message"),
    [
        pytest.param(
            estimate_vo2_max_cooper,
            {"distance_m": 2400, "age": 200, "sex": "male"},
            "age must be between 13 and 100 years (got 200)",
            id="cooper-age",
        ),
        pytest.param(
            calculate_bmi,
            {"weight_kg": 70, "height_cm": 1.75},
            "height_cm must be between 100 and 250 cm (got 1.75)",
            id="bmi-height",
        ),
        pytest.param(
            estimate_one_rep_max,
            {"weight_kg": 100, "reps": 12},
            "reps must be between 1 and 10 reps (got 12)",
            id="one-rep-max-reps",
        ),
        pytest.param(
            estimate_vo2_max_heart_rate_ratio,
            {"max_heart_rate_bpm": 110, "resting_heart_rate_bpm": 115},
            "resting_heart_rate_bpm must be below max_heart_rate_bpm (110 bpm) (got 115)",
            id="resting-above-max",
        ),
        pytest.param(
            estimate_body_fat_navy,
            {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75},
            "hip_cm is required for women: between 50 and 200 cm",
            id="navy-hip",
        ),
        pytest.param(
            calculate_vdot,
            {"distance_m": 5000, "time_s": 300},
            "time_s must be between 500 and 6000 s for distance_m 5000",
            id="vdot-time-range-depends-on-distance",
        ),
        pytest.param(
            estimate_calories_burned,
            {"duration_min": 30, "weight_kg": 70, "activity": "runing-10-kmh"},
            "did you mean 'running-10-kmh'",
            id="calories-suggests-a-close-name",
        ),
    ],
)
def test_error_messages_state_the_allowed_range(calculator, arguments, message):
    with pytest.raises(FitnessInputError) as raised:
        calculator(**arguments)
    assert message in str(raised.value)


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


CORNER_CASES = [
    pytest.param(
        estimate_vo2_max_rockport,
        {
            "weight_kg": (20, 300),
            "age": (13, 100),
            "sex": ("male", "female"),
            "time_s": (360, 2400),
            "heart_rate_bpm": (40, 220),
        },
        id="rockport",
    ),
    pytest.param(
        estimate_body_fat_navy,
        {
            "sex": ("male", "female"),
            "height_cm": (100, 250),
            "neck_cm": (20, 80),
            "waist_cm": (40, 200),
            "hip_cm": (50, 200),
        },
        id="navy",
    ),
    pytest.param(
        calculate_lean_body_mass,
        {"weight_kg": (20, 60, 150, 300), "height_cm": (100, 150, 200, 250), "sex": ("male", "female")},
        id="lean-body-mass",
    ),
    pytest.param(calculate_ideal_body_weight, {"height_cm": (130, 152.4, 250), "sex": ("male", "female")}, id="ibw"),
    pytest.param(
        calculate_bmr,
        {
            "weight_kg": (20, 300),
            "height_cm": (100, 250),
            "age": (10, 100),
            "sex": ("male", "female"),
            "formula": ("mifflin-st-jeor", "harris-benedict"),
        },
        id="bmr",
    ),
    pytest.param(calculate_vdot, {"distance_m": (1500, 42195), "time_s": ("slowest", "fastest")}, id="vdot"),
    pytest.param(estimate_one_rep_max, {"weight_kg": (1, 500), "reps": (1, 2, 10)}, id="one-rep-max"),
]


@pytest.mark.parametrize(("calculator", "choices"), CORNER_CASES)
def test_accepted_input_never_yields_nan_infinity_or_a_negative_number(calculator, choices):
    names = list(choices)
    accepted = 0
    for values in itertools.product(*(choices[name] for name in names)):
        arguments = dict(zip(names, values, strict=True))
        if calculator is calculate_vdot:
            pace = 100 if arguments["time_s"] == "fastest" else 1200
            arguments["time_s"] = arguments["distance_m"] / 1000 * pace
        try:
            result = calculator(**arguments)
        except FitnessInputError:
            continue
        accepted += 1
        for number in _numbers(result.model_dump()):
            assert math.isfinite(number), arguments
            assert number >= 0, arguments
        assert result.summary()
    assert accepted > 0


def test_an_integer_past_the_largest_float_is_refused_as_not_finite_with_a_short_echo():
    # Found by tests/integration/test_hostile_input.py: float(10**400) raised OverflowError, a crash of the tool.
    from chalicelib.fitness.errors import require_range

    with pytest.raises(FitnessInputError) as raised:
        require_range("age", 10**400, 10, 100, "years")
    assert str(raised.value).startswith("age must be a finite number (got 1000")
    assert len(str(raised.value)) < 100
