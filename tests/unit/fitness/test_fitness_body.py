"""Body-composition calculators against published examples: BMI, Navy body fat, waist-to-height, ideal weight, LBM."""

from __future__ import annotations

import math

import pytest

from chalicelib.fitness import (
    calculate_bmi,
    calculate_ideal_body_weight,
    calculate_lean_body_mass,
    calculate_waist_to_height_ratio,
    estimate_body_fat_navy,
)
from chalicelib.fitness.body import body_fat_category
from chalicelib.fitness.units import CENTIMETRES_PER_INCH, KILOGRAMS_PER_POUND


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "bmi", "category"),
    [
        # The brief's example: 70 kg, 175 cm -> 22.9.
        pytest.param(70, 175, 22.9, "Normal weight", id="70kg-175cm-22.9"),
        # CDC "About adult BMI" worked example: 150 lb at 5'5" -> 24.96. WHO cut-offs are 18.50-24.99, so the
        # unrounded value is classified: still Normal weight although it displays as 25.0.
        pytest.param(
            150 * KILOGRAMS_PER_POUND, 65 * CENTIMETRES_PER_INCH, 25.0, "Normal weight", id="cdc-150lb-5ft5-24.96"
        ),
        # At 200 cm, BMI = weight / 4, which puts the WHO cut-offs on round weights.
        pytest.param(73.96, 200, 18.5, "Underweight", id="18.49-underweight"),
        pytest.param(74, 200, 18.5, "Normal weight", id="18.50-normal"),
        pytest.param(100, 200, 25.0, "Pre-obesity", id="25.00-pre-obesity"),
        pytest.param(120, 200, 30.0, "Obesity class I", id="30-obesity-class-I"),
        pytest.param(140, 200, 35.0, "Obesity class II", id="35-obesity-class-II"),
        pytest.param(160, 200, 40.0, "Obesity class III", id="40-obesity-class-III"),
    ],
)
def test_bmi_uses_the_who_adult_classification(weight_kg, height_cm, bmi, category):
    result = calculate_bmi(weight_kg, height_cm)
    assert result.bmi == bmi
    assert result.category == category


def _navy_inches_male(height_in, waist_in, neck_in):
    # The inch form of the same equations, as used in DoD Instruction 1308.3 and most US calculators.
    return 86.010 * math.log10(waist_in - neck_in) - 70.041 * math.log10(height_in) + 36.76


def _navy_inches_female(height_in, waist_in, hip_in, neck_in):
    return 163.205 * math.log10(waist_in + hip_in - neck_in) - 97.684 * math.log10(height_in) - 78.387


def test_navy_body_fat_matches_a_published_worked_example():
    # qcalculator.pages.dev body-fat calculator: a man 70 in tall, waist 34 in, neck 15 in -> about 17.5 %, Fitness.
    result = estimate_body_fat_navy(
        "male", 70 * CENTIMETRES_PER_INCH, 15 * CENTIMETRES_PER_INCH, 34 * CENTIMETRES_PER_INCH
    )
    assert result.body_fat_percent == pytest.approx(17.5, abs=0.15)
    assert result.category == "Fitness"


@pytest.mark.parametrize(
    ("height_in", "waist_in", "neck_in"),
    [(70, 34, 15), (72, 38, 16), (68, 30, 14.5), (74, 44, 17)],
)
def test_navy_centimetre_form_agrees_with_the_published_inch_form_for_men(height_in, waist_in, neck_in):
    # Hodgdon & Beckett's centimetre and inch equations are separately rounded fits; they agree within a few tenths.
    result = estimate_body_fat_navy(
        "male", height_in * CENTIMETRES_PER_INCH, neck_in * CENTIMETRES_PER_INCH, waist_in * CENTIMETRES_PER_INCH
    )
    assert result.body_fat_percent == pytest.approx(_navy_inches_male(height_in, waist_in, neck_in), abs=0.5)


@pytest.mark.parametrize(
    ("height_in", "waist_in", "hip_in", "neck_in"),
    [(65, 30, 38, 13), (63, 34, 42, 13.5), (67, 28, 36, 12.5)],
)
def test_navy_centimetre_form_agrees_with_the_published_inch_form_for_women(height_in, waist_in, hip_in, neck_in):
    result = estimate_body_fat_navy(
        "female",
        height_in * CENTIMETRES_PER_INCH,
        neck_in * CENTIMETRES_PER_INCH,
        waist_in * CENTIMETRES_PER_INCH,
        hip_in * CENTIMETRES_PER_INCH,
    )
    assert result.body_fat_percent == pytest.approx(_navy_inches_female(height_in, waist_in, hip_in, neck_in), abs=0.5)


def test_navy_formula_ignores_the_hip_for_men():
    without_hip = estimate_body_fat_navy("male", 180, 40, 90)
    with_hip = estimate_body_fat_navy("male", 180, 40, 90, hip_cm=100)
    assert without_hip == with_hip
    # 495 / (1.0324 - 0.19077 log10(50) + 0.15456 log10(180)) - 450 = 18.37 (hand-computed)
    assert without_hip.body_fat_percent == 18.4


@pytest.mark.parametrize(
    ("body_fat_percent", "sex", "category"),
    [
        # American Council on Exercise: men essential 2-5, athletes 6-13, fitness 14-17, average 18-24, obese 25+;
        # women essential 10-13, athletes 14-20, fitness 21-24, average 25-31, obese 32+.
        pytest.param(5.9, "male", "Essential fat", id="male-5.9-essential"),
        pytest.param(6.0, "male", "Athletes", id="male-6-athletes"),
        pytest.param(17.9, "male", "Fitness", id="male-17.9-fitness"),
        pytest.param(24.9, "male", "Average", id="male-24.9-average"),
        pytest.param(25.0, "male", "Obese", id="male-25-obese"),
        pytest.param(9.0, "female", "Below essential fat", id="female-9-below-essential"),
        pytest.param(13.9, "female", "Essential fat", id="female-13.9-essential"),
        pytest.param(21.0, "female", "Fitness", id="female-21-fitness"),
        pytest.param(31.9, "female", "Average", id="female-31.9-average"),
        pytest.param(32.0, "female", "Obese", id="female-32-obese"),
    ],
)
def test_body_fat_categories_follow_ace(body_fat_percent, sex, category):
    assert body_fat_category(body_fat_percent, sex) == category


@pytest.mark.parametrize(
    ("waist_cm", "height_cm", "ratio", "category"),
    [
        # Ashwell & Gibson 2016 boundaries: < 0.4 take care, 0.4-0.5 healthy, 0.5-0.6 increased, >= 0.6 high.
        pytest.param(65, 170, 0.38, "Take care", id="0.38-take-care"),
        pytest.param(80, 170, 0.47, "Healthy", id="0.47-healthy"),
        pytest.param(85, 170, 0.5, "Increased risk", id="0.50-increased-risk"),
        pytest.param(102, 170, 0.6, "High risk", id="0.60-high-risk"),
    ],
)
def test_waist_to_height_ratio_uses_ashwell_boundaries(waist_cm, height_cm, ratio, category):
    result = calculate_waist_to_height_ratio(waist_cm, height_cm)
    assert result.ratio == ratio
    assert result.category == category


@pytest.mark.parametrize(
    ("height_in", "sex", "expected"),
    [
        # ajdesigner.com ideal-weight worked example, a 5'10" man: Hamwi 75, Devine 73, Robinson 71, Miller 70.3 kg.
        pytest.param(
            70, "male", {"hamwi": 75.0, "devine": 73.0, "robinson": 71.0, "miller": 70.3}, id="ajdesigner-5ft10-man"
        ),
        # A 5'5" woman (basicfreetools.com: "roughly 55-62 kg" across the four): 45.5 + 2.3 x 5, 49 + 1.7 x 5,
        # 53.1 + 1.36 x 5, 45.5 + 2.2 x 5.
        pytest.param(65, "female", {"devine": 57.0, "robinson": 57.5, "miller": 59.9, "hamwi": 56.5}, id="5ft5-woman"),
        # calculators.org: the formulas are "kg per inch over 5 feet"; at exactly 5 ft they give the base weights.
        pytest.param(
            60, "male", {"devine": 50.0, "robinson": 52.0, "miller": 56.2, "hamwi": 48.0}, id="5ft-man-base-weights"
        ),
    ],
)
def test_ideal_body_weight_follows_the_four_published_formulas(height_in, sex, expected):
    result = calculate_ideal_body_weight(height_in * CENTIMETRES_PER_INCH, sex)
    assert result.by_formula.model_dump() == pytest.approx(expected, abs=0.051)
    assert result.extrapolated_below_five_feet is False


def test_ideal_body_weight_extends_the_line_below_five_feet_and_says_so():
    # ajdesigner.com: each formula "adds (or subtracts) a per-inch increment for every inch above (or below) 5 ft".
    result = calculate_ideal_body_weight(58 * CENTIMETRES_PER_INCH, "female")
    assert result.extrapolated_below_five_feet is True
    assert result.by_formula.devine == pytest.approx(45.5 - 2 * 2.3, abs=0.051)
    assert result.by_formula.hamwi == pytest.approx(45.5 - 2 * 2.2, abs=0.051)
    assert "extrapolated below 5 ft" in result.summary()


@pytest.mark.parametrize(
    ("weight_kg", "height_cm", "sex", "expected"),
    [
        # Hand-computed from the published coefficients: Boer 0.407 x 80 + 0.267 x 180 - 19.2 = 61.42; James
        # 1.1 x 80 - 128 (80/180)^2 = 62.72; Hume 0.32810 x 80 + 0.33929 x 180 - 29.5336 = 57.79.
        pytest.param(80, 180, "male", {"boer": 61.4, "james": 62.7, "hume": 57.8}, id="man-80kg-180cm"),
        # Boer 0.252 x 60 + 0.473 x 165 - 48.3 = 44.87; James 1.07 x 60 - 148 (60/165)^2 = 44.63;
        # Hume 0.29569 x 60 + 0.41813 x 165 - 43.2933 = 43.44.
        pytest.param(60, 165, "female", {"boer": 44.9, "james": 44.6, "hume": 43.4}, id="woman-60kg-165cm"),
    ],
)
def test_lean_body_mass_follows_boer_james_and_hume(weight_kg, height_cm, sex, expected):
    result = calculate_lean_body_mass(weight_kg, height_cm, sex)
    assert result.by_formula.model_dump() == pytest.approx(expected, abs=0.051)


@pytest.mark.parametrize(
    ("sex", "published_peak_bmi", "tolerance"),
    [
        # Nyman 2016 (Radiology 278:956-957): James's lean mass plateaus at a BMI of about 43 (men) and 37 (women).
        pytest.param("male", 43, 0.6, id="men-plateau-bmi-43"),
        pytest.param("female", 37, 1.0, id="women-plateau-bmi-37"),
    ],
)
def test_james_lean_mass_peaks_where_nyman_2016_reports(sex, published_peak_bmi, tolerance):
    height_cm = 170
    james_by_weight = {
        weight / 2: calculate_lean_body_mass(weight / 2, height_cm, sex).by_formula.james
        for weight in range(2 * 47, 2 * 170)
    }
    highest = max(james_by_weight.values())
    # Results are rounded to 0.1 kg, so the peak is a short plateau: take its middle.
    plateau = [weight for weight, james in james_by_weight.items() if james == highest]
    peak_weight = (plateau[0] + plateau[-1]) / 2
    assert peak_weight / (height_cm / 100) ** 2 == pytest.approx(published_peak_bmi, abs=tolerance)
