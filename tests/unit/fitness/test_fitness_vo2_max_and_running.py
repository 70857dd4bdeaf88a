"""Aerobic calculators against published example values: Cooper, Rockport, Uth-Sørensen, VDOT, Riegel, pace."""

from __future__ import annotations

import pytest

from chalicelib.fitness import (
    calculate_vdot,
    convert_pace,
    estimate_vo2_max_cooper,
    estimate_vo2_max_heart_rate_ratio,
    estimate_vo2_max_rockport,
    predict_race_time,
)
from chalicelib.fitness.durations import parse_duration_s
from chalicelib.fitness.units import KILOGRAMS_PER_POUND
from chalicelib.fitness.vo2_max import rate_cooper_distance, rate_vo2_max


@pytest.mark.parametrize(
    ("distance_m", "expected_vo2_max"),
    [
        # A 2650 m run, and 2700 m -> 49.1. The same equation is published in
        # kilometre form, VO2max = 22.351 x km - 11.288 (topendsports.com, Cooper test): 2.7 km -> 49.06.
        pytest.param(2700, 49.1, id="cooper-2700m-49.1"),
        pytest.param(2650, 48.0, id="cooper-2650m-issue-example"),
        pytest.param(2400, 42.4, id="cooper-2400m-km-form-42.36"),
        pytest.param(3000, 55.8, id="cooper-3000m-km-form-55.77"),
    ],
)
def test_cooper_vo2_max_follows_cooper_1968(distance_m, expected_vo2_max):
    result = estimate_vo2_max_cooper(distance_m, 25, "male")
    assert result.vo2_max == pytest.approx(expected_vo2_max, abs=0.05)
    assert result.vo2_max == pytest.approx(22.351 * distance_m / 1000 - 11.288, abs=0.1)


@pytest.mark.parametrize(
    ("distance_m", "age", "sex", "rating"),
    [
        # Cooper 12-minute-run distance norms (topendsports.com reproduction of Cooper 1968).
        pytest.param(2800, 25, "male", "Above average", id="male-20-29-2800-is-the-top-of-above-average"),
        pytest.param(2801, 25, "male", "Excellent", id="male-20-29-above-2800-is-excellent"),
        pytest.param(2600, 19, "male", "Average", id="male-17-19-2600-average"),
        pytest.param(1600, 25, "male", "Below average", id="male-20-29-1600-below-average"),
        pytest.param(1599, 25, "male", "Poor", id="male-20-29-below-1600-poor"),
        pytest.param(2600, 20, "male", "Above average", id="male-20-29-2600-above-average"),
        pytest.param(2099, 14, "male", "Poor", id="male-13-14-below-2100-poor"),
        pytest.param(2100, 14, "male", "Below average", id="male-13-14-2100-below-average"),
        pytest.param(1450, 45, "female", "Below average", id="female-40-49-1450-below-average"),
        pytest.param(1199, 45, "female", "Poor", id="female-40-49-below-1200-poor"),
        pytest.param(2201, 70, "female", "Excellent", id="female-50-plus-above-2200-excellent"),
        pytest.param(2650, 35, "female", "Excellent", id="female-30-39-above-2500-excellent"),
    ],
)
def test_cooper_rating_reads_the_distance_norm_table_by_age_band_and_sex(distance_m, age, sex, rating):
    assert rate_cooper_distance(distance_m, age, sex)[0] == rating
    assert estimate_vo2_max_cooper(distance_m, age, sex).rating == rating


@pytest.mark.parametrize(
    ("sex", "expected_vo2_max"),
    [
        # JEMS, "January 2009 Fitness Bonus": a 30-year-old 150 lb woman walking the mile in 15:12 with a final heart
        # rate of 128 has a VO2max of "about 40"; "a man with the exact same profile would have ... about 46".
        pytest.param("female", 40.0, id="jems-2009-woman-about-40"),
        pytest.param("male", 46.3, id="jems-2009-man-about-46"),
    ],
)
def test_rockport_vo2_max_follows_kline_1987(sex, expected_vo2_max):
    result = estimate_vo2_max_rockport(150 * KILOGRAMS_PER_POUND, 30, sex, "15:12", 128)
    assert result.vo2_max == pytest.approx(expected_vo2_max, abs=0.05)
    assert round(result.vo2_max) == (40 if sex == "female" else 46)


def test_rockport_hand_worked_equation_matches_for_a_heavier_older_walker():
    # 132.853 - 0.0769 x 200 lb - 0.3877 x 55 + 6.315 - 3.2649 x 17.5 min - 0.1565 x 140 bpm = 23.42
    result = estimate_vo2_max_rockport(200 * KILOGRAMS_PER_POUND, 55, "male", 17.5 * 60, 140)
    assert result.vo2_max == 23.4
    assert result.rating == "Very poor"  # male 50-59 very poor is below 26.1
    assert result.norm_age_band == "50-59"


@pytest.mark.parametrize(
    ("vo2_max", "age", "sex", "rating"),
    [
        # Cooper Institute (1997) norms as printed in Heyward (1998), male 20-29: superior above 52.4.
        pytest.param(52.4, 25, "male", "Excellent", id="male-20-29-52.4-excellent"),
        pytest.param(52.5, 25, "male", "Superior", id="male-20-29-52.5-superior"),
        pytest.param(42.44, 25, "male", "Fair", id="male-rated-after-rounding-to-0.1-42.4-fair"),
        pytest.param(42.46, 25, "male", "Good", id="male-rated-after-rounding-to-0.1-42.5-good"),
        pytest.param(40.0, 30, "female", "Excellent", id="female-30-39-40.0-excellent"),
        pytest.param(17.4, 65, "female", "Very poor", id="female-60-plus-below-17.5-very-poor"),
        pytest.param(38.0, 15, "male", "Poor", id="male-13-19-38.0-poor"),
    ],
)
def test_vo2_max_rating_reads_the_cooper_institute_norm_table(vo2_max, age, sex, rating):
    assert rate_vo2_max(vo2_max, age, sex)[0] == rating


@pytest.mark.parametrize(
    ("max_heart_rate_bpm", "resting_heart_rate_bpm", "expected_vo2_max"),
    [
        # costcalculator.calculator.city worked example: HRmax 190, HRrest 60 -> 48.4 (they round the ratio to 3.16).
        pytest.param(190, 60, 48.4, id="worked-example-190-60-48.4"),
        # 15.3 x 180 / 60 = 45.9 exactly (Uth et al. 2004 equation, hand-computed).
        pytest.param(180, 60, 45.9, id="ratio-3-gives-45.9"),
        # 15.3 x 195 / 45 = 66.3 (hand-computed; a trained athlete's ratio of 4.33).
        pytest.param(195, 45, 66.3, id="ratio-4.33-gives-66.3"),
    ],
)
def test_heart_rate_ratio_vo2_max_follows_uth_2004(max_heart_rate_bpm, resting_heart_rate_bpm, expected_vo2_max):
    result = estimate_vo2_max_heart_rate_ratio(max_heart_rate_bpm, resting_heart_rate_bpm)
    assert result.vo2_max == pytest.approx(expected_vo2_max, abs=0.11)
    assert result.heart_rate_ratio == pytest.approx(max_heart_rate_bpm / resting_heart_rate_bpm, abs=0.005)


@pytest.mark.parametrize(
    ("distance_m", "time_s", "expected_vdot"),
    [
        # Daniels & Gilbert equations, hand-computed: 5 km in 20:00 -> 49.8; 10 km in 40:00 -> 51.9.
        pytest.param(5000, "20:00", 49.8, id="5k-20:00-49.8"),
        pytest.param(10000, 2400, 51.9, id="10k-40:00-51.9"),
        # Daniels' Running Formula VDOT table: 5 km 19:57 is VDOT 50, 5 km 24:08 is VDOT 40.
        pytest.param(5000, "19:57", 50.0, id="daniels-table-vdot-50"),
        pytest.param(5000, "24:08", 40.0, id="daniels-table-vdot-40"),
        # marathonquest.blogspot.com (2007), runworks.com Daniels calculator: 15 km in 1:07:48 -> VDOT 46.4.
        pytest.param(15000, "1:07:48", 46.4, id="15k-1:07:48-46.4-runworks"),
        # karlstutelberg.blogspot.com (2009): half marathon 1:31:04 -> VDOT 50.24.
        pytest.param(21097.5, "1:31:04", 50.24, id="half-1:31:04-50.24"),
    ],
)
def test_vdot_follows_daniels_and_gilbert(distance_m, time_s, expected_vdot):
    assert calculate_vdot(distance_m, time_s).vdot == pytest.approx(expected_vdot, abs=0.11)


@pytest.mark.parametrize(
    ("distance_m", "time_s", "expected"),
    [
        # Daniels' Running Formula VDOT 50 row: 10 km 41:21, half 1:31:35, marathon 3:10:49.
        pytest.param(5000, "19:57", {"10000": "41:21", "21097.5": "1:31:35", "42195": "3:10:49"}, id="vdot-50-row"),
        # VDOT 40 row: 10 km 50:03, half 1:50:59, marathon 3:49:45.
        pytest.param(5000, "24:08", {"10000": "50:03", "21097.5": "1:50:59", "42195": "3:49:45"}, id="vdot-40-row"),
        # marathonquest.blogspot.com (2007), from a 1:07:48 15 km: 5K 21:15.1, 10K 44:03.9, half 1:37:36.7,
        # marathon 3:22:58.7.
        pytest.param(
            15000,
            "1:07:48",
            {"5000": "21:15.1", "10000": "44:03.9", "21097.5": "1:37:36.7", "42195": "3:22:58.7"},
            id="15k-runworks",
        ),
    ],
)
def test_vdot_equivalent_times_match_published_tables_within_two_tenths_of_a_percent(distance_m, time_s, expected):
    equivalent = calculate_vdot(distance_m, time_s).equivalent_times_s
    for distance_key, published in expected.items():
        published_s = parse_duration_s("published", published)
        assert equivalent[distance_key] == pytest.approx(published_s, rel=0.002), distance_key


def test_vdot_short_race_equivalents_match_a_published_calculator_to_the_second():
    # marathonquest.blogspot.com (2007), runworks.com Daniels calculator, from a 1:07:48 15 km: 1500 m 5:46.1,
    # 1 mile 6:14.0, 3000 m 12:19.9. Short races lean on the fast-decaying term of Daniels' %VO2max curve.
    equivalent = calculate_vdot(15000, "1:07:48").equivalent_times_s
    assert equivalent["1500"] == pytest.approx(346.1, abs=0.6)
    assert equivalent["1609.344"] == pytest.approx(374.0, abs=0.6)
    assert equivalent["3000"] == pytest.approx(739.9, abs=0.6)
    assert calculate_vdot(1500, "5:46.1").vdot == 46.4


def test_vdot_lists_every_equivalent_distance_the_issue_names():
    result = calculate_vdot(10000, "40:00")
    assert list(result.equivalent_times_s) == ["1500", "1609.344", "3000", "5000", "10000", "21097.5", "42195"]
    times = list(result.equivalent_times_s.values())
    assert times == sorted(times)
    assert result.equivalent_times_s["10000"] == pytest.approx(2400, abs=1)


def test_vdot_50_training_paces_match_daniels_table():
    # Daniels' Running Formula, VDOT 50: M 4:31/km, T 4:15/km, I 3:55/km, R 88 s per 400 m (3:40/km).
    paces = calculate_vdot(5000, "19:57").training_paces_s_per_km
    assert paces.marathon == pytest.approx(271, abs=2)
    assert paces.threshold == pytest.approx(255, abs=2)
    assert paces.interval == pytest.approx(235, abs=2)
    assert paces.repetition == pytest.approx(220, abs=2)
    assert paces.easy > paces.marathon > paces.threshold > paces.interval > paces.repetition
    # Easy is our stated choice, 67.5 % of VDOT: 33.75 ml/kg/min -> 189.7 m/min -> 5:16 per km (hand-computed).
    assert paces.easy == 316


def test_vdot_marathon_pace_matches_a_published_marathon_result():
    # aifithub.io, "Daniels VDOT Paces for a 3:15 Marathon PR": VDOT 48.7, marathon pace 4:37/km, interval 4:00/km,
    # equivalent 5K 20:24, 10K 42:17, half 1:33:40.
    result = calculate_vdot(42195, "3:15:00")
    assert result.vdot == pytest.approx(48.7, abs=0.05)
    assert result.training_paces_s_per_km.marathon == pytest.approx(277, abs=1)
    assert result.training_paces_s_per_km.interval == pytest.approx(240, abs=1)
    assert result.equivalent_times_s["5000"] == pytest.approx(20 * 60 + 24, abs=1)
    assert result.equivalent_times_s["21097.5"] == pytest.approx(3600 + 33 * 60 + 40, abs=1)


@pytest.mark.parametrize(
    ("distance_m", "time_s", "target_distance_m", "published_s", "tolerance_s"),
    [
        # 10 km in 40:00 -> marathon 2400 x 4.2195^1.06 = 3:04:00.
        pytest.param(10000, "40:00", 42195, 3 * 3600 + 4 * 60, 1, id="10k-40:00-marathon-3:04:00"),
        # calcso.com race-time predictor: 5K 25:00 -> 10K "about 52:08".
        pytest.param(5000, "25:00", 10000, 52 * 60 + 8, 2, id="calcso-5k-25:00-10k-52:08"),
        # theprimecalculator.com: 5K 25:00 -> half marathon 1:55:02 (computed from 13.1 / 3.1 miles).
        pytest.param(5000, "25:00", 21097.5, 3600 + 55 * 60 + 2, 3, id="primecalculator-5k-half-1:55:02"),
    ],
)
def test_riegel_prediction_follows_riegel_1981(distance_m, time_s, target_distance_m, published_s, tolerance_s):
    result = predict_race_time(distance_m, time_s, target_distance_m)
    assert result.predicted_time_s == pytest.approx(published_s, abs=tolerance_s)
    assert result.pace_s_per_km == round(result.predicted_time_s / (target_distance_m / 1000))
    assert result.exponent == 1.06


def test_riegel_exponent_one_keeps_the_pace_constant():
    result = predict_race_time(5000, 1500, 10000, exponent=1.0)
    assert result.predicted_time_s == 3000
    assert result.pace_s_per_km == 300


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # The Compendium of Physical Activities pairs "6 mph (10 min/mile)" and "5 mph (12 min/mile)".
        pytest.param({"speed_mph": 6}, {"pace_s_per_mile": 600.0, "speed_kmh": 9.66}, id="6-mph-is-10-min-mile"),
        pytest.param({"speed_mph": 5}, {"pace_s_per_mile": 720.0, "speed_kmh": 8.05}, id="5-mph-is-12-min-mile"),
        pytest.param(
            {"pace_s_per_km": "5:00"},
            {"pace_s_per_mile": 482.8, "speed_kmh": 12.0, "speed_mph": 7.46},
            id="5:00-per-km-is-12-kmh",
        ),
        pytest.param({"speed_kmh": 10}, {"pace_s_per_km": 360.0, "speed_mph": 6.21}, id="10-kmh-is-6:00-per-km"),
        pytest.param({"pace_s_per_mile": "8:00"}, {"pace_s_per_km": 298.3}, id="8:00-per-mile-is-4:58-per-km"),
    ],
)
def test_pace_conversion_uses_the_international_mile(given, expected):
    result = convert_pace(**given).model_dump()
    for field, value in expected.items():
        assert result[field] == pytest.approx(value, abs=0.051), field
    assert result["finish_time_s"] is None


def test_pace_conversion_gives_a_finish_time_for_a_distance():
    result = convert_pace(pace_s_per_km=300, distance_m=42195)
    assert result.finish_time_s == pytest.approx(12658.5, abs=0.05)
    assert "3:30:59" in result.summary()
