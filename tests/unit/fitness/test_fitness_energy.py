"""Energy calculators against published examples: BMR equations, TDEE factors, MET-based calories."""

from __future__ import annotations

import pytest

from chalicelib.fitness import calculate_bmr, calculate_tdee, estimate_calories_burned
from chalicelib.fitness.errors import FitnessInputError
from chalicelib.fitness.units import KILOGRAMS_PER_POUND


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "age", "sex", "published", "tolerance"),
    [
        # caloriedietoverview.blogspot.com (2009): a 25-year-old woman, 68 kg, 178 cm -> 1508 kcal (the blog uses
        # the 9.99 / 4.92 coefficients; the rounded 10 / 5 form gives 1506.5).
        pytest.param(68, 178, 25, "female", 1508, 2, id="blog-woman-68kg-1508"),
        # 10 x 80 + 6.25 x 180 - 5 x 30 + 5 = 1780 (Mifflin et al. 1990, hand-computed).
        pytest.param(80, 180, 30, "male", 1780, 0, id="man-80kg-1780"),
        # 10 x 60 + 6.25 x 165 - 5 x 30 - 161 = 1320.25 (hand-computed).
        pytest.param(60, 165, 30, "female", 1320, 0, id="woman-60kg-1320"),
    ],
)
def test_mifflin_st_jeor_is_the_default_bmr(weight_kg, height_cm, age, sex, published, tolerance):
    result = calculate_bmr(weight_kg, height_cm, age, sex)
    assert result.formula == "mifflin-st-jeor"
    assert result.bmr_kcal == pytest.approx(published, abs=tolerance)


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "age", "sex", "expected"),
    [
        # Roza & Shizgal 1984: 88.362 + 13.397 x 80 + 4.799 x 180 - 5.677 x 30 = 1853.6.
        pytest.param(80, 180, 30, "male", 1854, id="man-1853.6"),
        # 447.593 + 9.247 x 60 + 3.098 x 165 - 4.330 x 30 = 1383.7.
        pytest.param(60, 165, 30, "female", 1384, id="woman-1383.7"),
    ],
)
def test_revised_harris_benedict_follows_roza_and_shizgal(weight_kg, height_cm, age, sex, expected):
    assert calculate_bmr(weight_kg, height_cm, age, sex, "harris-benedict").bmr_kcal == expected


@pytest.mark.parametrize(
    ("weight_kg", "body_fat_percent", "published", "tolerance"),
    [
        # changingshape.com Katch-McArdle example: 170 lb at 20 % body fat -> 136 lb lean -> 1702.47 kcal.
        pytest.param(170 * KILOGRAMS_PER_POUND, 20, 1702.47, 0.6, id="changingshape-170lb-20pc-1702"),
        # 370 + 21.6 x 68 x 0.7 = 1398.2 (hand-computed).
        pytest.param(68, 30, 1398, 0, id="68kg-30pc-1398"),
    ],
)
def test_katch_mcardle_uses_lean_mass_only(weight_kg, body_fat_percent, published, tolerance):
    result = calculate_bmr(weight_kg, 180, 30, "male", "katch-mcardle", body_fat_percent)
    assert result.bmr_kcal == pytest.approx(published, abs=tolerance)
    same_lean_mass_other_person = calculate_bmr(weight_kg, 150, 70, "female", "katch-mcardle", body_fat_percent)
    assert same_lean_mass_other_person.bmr_kcal == result.bmr_kcal


@pytest.mark.parametrize(
    ("activity_level", "factor", "tdee_kcal"),
    [
        pytest.param("sedentary", 1.2, 2136, id="sedentary-1.2"),
        pytest.param("light", 1.375, 2448, id="light-1.375"),
        pytest.param("moderate", 1.55, 2759, id="moderate-1.55"),
        pytest.param("very", 1.725, 3071, id="very-1.725"),
        pytest.param("extra", 1.9, 3382, id="extra-1.9"),
    ],
)
def test_tdee_multiplies_mifflin_bmr_by_the_activity_factor(activity_level, factor, tdee_kcal):
    result = calculate_tdee(80, 180, 30, "male", activity_level)
    assert result.bmr_kcal == 1780
    assert result.activity_factor == factor
    assert result.tdee_kcal == tdee_kcal


@pytest.mark.parametrize(
    ("arguments", "kcal", "met"),
    [
        # Ainsworth et al. 2011: code 12050 running 6 mph is 9.8 MET; 9.8 x 70 kg x 0.5 h = 343 kcal.
        pytest.param({"activity": "running-10-kmh", "duration_min": 30, "weight_kg": 70}, 343, 9.8, id="run-30min"),
        # Code 02150 yoga, Hatha is 2.5 MET; 2.5 x 60 kg x 1 h = 150 kcal.
        pytest.param({"activity": "yoga", "duration_min": "1:00:00", "weight_kg": 60}, 150, 2.5, id="yoga-1h"),
        # A MET given directly: 8 x 75 kg x 0.75 h = 450 kcal.
        pytest.param({"met": 8, "duration_min": 45, "weight_kg": 75}, 450, 8.0, id="met-given"),
    ],
)
def test_calories_burned_are_met_times_weight_times_hours(arguments, kcal, met):
    result = estimate_calories_burned(**arguments)
    assert result.kcal == kcal
    assert result.met == met


def test_an_unknown_activity_is_echoed_cut_short_not_whole():
    with pytest.raises(FitnessInputError) as refused:
        estimate_calories_burned(30, 70, activity="x" * 100_000)
    assert refused.value.field == "activity"
    assert len(str(refused.value)) < 400
