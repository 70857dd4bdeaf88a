"""Body composition and size: BMI, US Navy body fat, waist-to-height ratio, ideal body weight and lean body mass."""

from __future__ import annotations

import math

from pydantic import Field

from chalicelib.fitness.errors import FitnessInputError, format_number, require_choice, require_range
from chalicelib.fitness.results import FitnessResult, FrozenModel
from chalicelib.fitness.units import (
    BODY_FAT_PERCENT,
    BODY_WEIGHT_KG,
    CENTIMETRES_PER_INCH,
    HEIGHT_CM,
    SEXES,
    Bounds,
    Sex,
    round_half_up,
)

# WHO adult BMI classification (WHO Technical Report Series 894, 2000; WHO Europe "A healthy lifestyle - WHO
# recommendations"). WHO writes the cut-offs to two decimals (18.50, 24.99, ...), so the unrounded BMI is classified.
BMI_CATEGORIES: tuple[tuple[float, str], ...] = (
    (18.5, "Underweight"),
    (25.0, "Normal weight"),
    (30.0, "Pre-obesity"),
    (35.0, "Obesity class I"),
    (40.0, "Obesity class II"),
)
BMI_HIGHEST_CATEGORY = "Obesity class III"

NECK_CM = Bounds(20, 80, "cm")
WAIST_CM = Bounds(40, 200, "cm")
HIP_CM = Bounds(50, 200, "cm")

# American Council on Exercise body fat categories by sex: upper bounds (exclusive) of Essential fat, Athletes,
# Fitness and Average; at or above the last bound is Obese. Below ACE's essential-fat minimum (2 % men, 10 % women)
# is its own category.
BODY_FAT_CATEGORIES: dict[Sex, tuple[float, tuple[tuple[float, str], ...]]] = {
    "male": (2.0, ((6.0, "Essential fat"), (14.0, "Athletes"), (18.0, "Fitness"), (25.0, "Average"))),
    "female": (10.0, ((14.0, "Essential fat"), (21.0, "Athletes"), (25.0, "Fitness"), (32.0, "Average"))),
}

# Ashwell's waist-to-height boundaries (Ashwell & Hsieh 2005, Int J Food Sci Nutr 56:303-307; Ashwell & Gibson 2016,
# BMJ Open 6:e010159): upper bounds (exclusive) of each category; 0.6 and above is high risk.
WAIST_TO_HEIGHT_CATEGORIES: tuple[tuple[float, str], ...] = (
    (0.4, "Take care"),
    (0.5, "Healthy"),
    (0.6, "Increased risk"),
)
WAIST_TO_HEIGHT_HIGHEST_CATEGORY = "High risk"

# The ideal-weight formulas start at 5 ft (60 in). Below that we extrapolate the same slope, as clinical practice does
# (subtract the per-inch increment for each inch under 5 ft); from 130 cm down the female results approach 25 kg and
# stop meaning anything.
IDEAL_WEIGHT_HEIGHT_CM = Bounds(130, 250, "cm")
FIVE_FEET_IN_INCHES = 60
# (kg at 5 ft, kg per inch over 5 ft) per formula and sex.
IDEAL_WEIGHT_FORMULAS: dict[str, dict[Sex, tuple[float, float]]] = {
    # Devine BJ (1974), Drug Intell Clin Pharm 8:650-655.
    "devine": {"male": (50.0, 2.3), "female": (45.5, 2.3)},
    # Robinson JD et al. (1983), Am J Hosp Pharm 40:1016-1019.
    "robinson": {"male": (52.0, 1.9), "female": (49.0, 1.7)},
    # Miller DR et al. (1983), Am J Hosp Pharm 40:1622.
    "miller": {"male": (56.2, 1.41), "female": (53.1, 1.36)},
    # Hamwi GJ (1964), in "Diabetes mellitus: diagnosis and treatment"; 106 lb + 6 lb/in (men), 100 lb + 5 lb/in
    # (women), in the kilogram form calculators use.
    "hamwi": {"male": (48.0, 2.7), "female": (45.5, 2.2)},
}

# The lean-mass equations were fitted to adults of ordinary build. James's quadratic term peaks at a BMI near 43
# (men) and 36 (women) and then falls (Nyman 2016, Radiology 278:956-957), and Boer's exceeds body weight for very
# thin men, so the weight-for-height they are asked about is bounded.
LEAN_MASS_BMI = Bounds(16, 60, "kg/m²")


def _bmi(weight_kg: float, height_cm: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


def _categorise(value: float, upper_bounds: tuple[tuple[float, str], ...], highest: str) -> str:
    for upper_bound, category in upper_bounds:
        if value < upper_bound:
            return category
    return highest


class BmiResult(FitnessResult):
    bmi: float = Field(description="Body mass index in kg/m², rounded to 0.1.")
    category: str = Field(
        description="WHO adult category: Underweight, Normal weight, Pre-obesity, Obesity class I, II or III."
    )

    def summary(self) -> str:
        return f"BMI {self.bmi} kg/m², WHO adult category {self.category}."


def calculate_bmi(weight_kg: float, height_cm: float) -> BmiResult:
    """BMI = weight_kg / (height_cm / 100)^2 (Quetelet), classified with the WHO adult cut-offs (WHO 2000):
    < 18.5 Underweight, 18.5-24.99 Normal weight, 25-29.99 Pre-obesity, 30-34.99 / 35-39.99 / >= 40 Obesity class
    I / II / III. The category is read from the unrounded BMI. Raises FitnessInputError for a weight outside 20-300 kg
    or a height outside 100-250 cm.
    """
    weight = require_range("weight_kg", weight_kg, *BODY_WEIGHT_KG)
    height = require_range("height_cm", height_cm, *HEIGHT_CM)
    bmi = _bmi(weight, height)
    return BmiResult(bmi=round_half_up(bmi, 1), category=_categorise(bmi, BMI_CATEGORIES, BMI_HIGHEST_CATEGORY))


class NavyBodyFatResult(FitnessResult):
    body_fat_percent: float = Field(description="Estimated body fat as a percentage of body weight, rounded to 0.1.")
    category: str = Field(
        description="American Council on Exercise category for the sex: Essential fat, Athletes, Fitness, Average, "
        "Obese (or Below essential fat)."
    )
    sex: Sex = Field(description="Sex whose equation and categories were used.")

    def summary(self) -> str:
        return (
            f"US Navy circumference method: {self.body_fat_percent} % body fat, ACE category {self.category} "
            f"for a {self.sex}."
        )


def body_fat_category(body_fat_percent: float, sex: Sex) -> str:
    essential_minimum, upper_bounds = BODY_FAT_CATEGORIES[sex]
    if body_fat_percent < essential_minimum:
        return "Below essential fat"
    return _categorise(body_fat_percent, upper_bounds, "Obese")


def estimate_body_fat_navy(
    sex: Sex, height_cm: float, neck_cm: float, waist_cm: float, hip_cm: float | None = None
) -> NavyBodyFatResult:
    """US Navy circumference body fat (Hodgdon & Beckett 1984, NHRC reports 84-11 and 84-29), centimetre form:

        men:   495 / (1.0324 - 0.19077 log10(waist - neck) + 0.15456 log10(height)) - 450
        women: 495 / (1.29579 - 0.35004 log10(waist + hip - neck) + 0.22100 log10(height)) - 450

    `hip_cm` is required for women and ignored for men. The category follows the American Council on Exercise ranges,
    read from the unrounded value. Raises FitnessInputError for a missing hip (women), a waist not larger than the
    neck (men), a measurement out of range, or measurements that give a body fat outside 2-75 %.
    """
    chosen_sex = require_choice("sex", sex, SEXES)
    height = require_range("height_cm", height_cm, *HEIGHT_CM)
    neck = require_range("neck_cm", neck_cm, *NECK_CM)
    waist = require_range("waist_cm", waist_cm, *WAIST_CM)
    if chosen_sex == "male":
        if not waist > neck:
            raise FitnessInputError(
                "waist_cm",
                f"waist_cm must be greater than neck_cm ({format_number(neck)} cm) for the Navy equation "
                f"(got {format_number(waist)})",
            )
        density_term = 1.0324 - 0.19077 * math.log10(waist - neck) + 0.15456 * math.log10(height)
    else:
        if hip_cm is None:
            raise FitnessInputError(
                "hip_cm",
                f"hip_cm is required for women: between {format_number(HIP_CM.low)} and "
                f"{format_number(HIP_CM.high)} cm",
            )
        hip = require_range("hip_cm", hip_cm, *HIP_CM)
        density_term = 1.29579 - 0.35004 * math.log10(waist + hip - neck) + 0.22100 * math.log10(height)
    body_fat = 495 / density_term - 450
    if not BODY_FAT_PERCENT.low <= body_fat <= BODY_FAT_PERCENT.high:
        measured = "neck_cm, waist_cm" + ("" if chosen_sex == "male" else ", hip_cm") + " and height_cm"
        raise FitnessInputError(
            "waist_cm",
            f"these measurements give {format_number(round_half_up(body_fat, 1))} % body fat, outside the "
            f"{format_number(BODY_FAT_PERCENT.low)}-{format_number(BODY_FAT_PERCENT.high)} % the Navy equation can "
            f"estimate; check {measured}",
        )
    return NavyBodyFatResult(
        body_fat_percent=round_half_up(body_fat, 1),
        category=body_fat_category(body_fat, chosen_sex),
        sex=chosen_sex,
    )


class WaistToHeightResult(FitnessResult):
    ratio: float = Field(description="Waist circumference over height (dimensionless), rounded to 0.01.")
    category: str = Field(description="Ashwell category: Take care, Healthy, Increased risk or High risk.")

    def summary(self) -> str:
        return f"Waist-to-height ratio {self.ratio}, Ashwell category {self.category}."


def calculate_waist_to_height_ratio(waist_cm: float, height_cm: float) -> WaistToHeightResult:
    """ratio = waist_cm / height_cm, with Ashwell's boundaries (Ashwell & Hsieh 2005; Ashwell & Gibson 2016):
    < 0.4 Take care, 0.4-0.5 Healthy, 0.5-0.6 Increased risk, >= 0.6 High risk, read from the unrounded ratio.
    Raises FitnessInputError for a waist outside 40-200 cm or a height outside 100-250 cm.
    """
    waist = require_range("waist_cm", waist_cm, *WAIST_CM)
    height = require_range("height_cm", height_cm, *HEIGHT_CM)
    ratio = waist / height
    return WaistToHeightResult(
        ratio=round_half_up(ratio, 2),
        category=_categorise(ratio, WAIST_TO_HEIGHT_CATEGORIES, WAIST_TO_HEIGHT_HIGHEST_CATEGORY),
    )


class IdealBodyWeightByFormula(FrozenModel):
    devine: float = Field(description="Devine (1974), kg, rounded to 0.1.")
    robinson: float = Field(description="Robinson et al. (1983), kg, rounded to 0.1.")
    miller: float = Field(description="Miller et al. (1983), kg, rounded to 0.1.")
    hamwi: float = Field(description="Hamwi (1964), kg, rounded to 0.1.")


class IdealBodyWeightResult(FitnessResult):
    by_formula: IdealBodyWeightByFormula = Field(description="Ideal body weight by formula, kg.")
    extrapolated_below_five_feet: bool = Field(
        description="True when the height is under 152.4 cm (5 ft), where the formulas are extended downwards."
    )
    sex: Sex = Field(description="Sex whose coefficients were used.")

    def summary(self) -> str:
        weights = self.by_formula
        text = (
            f"Ideal body weight for a {self.sex}: Devine {weights.devine} kg, Robinson {weights.robinson} kg, "
            f"Miller {weights.miller} kg, Hamwi {weights.hamwi} kg"
        )
        if self.extrapolated_below_five_feet:
            text += " (extrapolated below 5 ft)"
        return text + "."


def calculate_ideal_body_weight(height_cm: float, sex: Sex) -> IdealBodyWeightResult:
    """Ideal body weight in kg = base + increment x (height in inches - 60), per formula and sex:

    devine 50 + 2.3 (men) / 45.5 + 2.3 (women) (Devine 1974); robinson 52 + 1.9 / 49 + 1.7 (Robinson 1983);
    miller 56.2 + 1.41 / 53.1 + 1.36 (Miller 1983); hamwi 48 + 2.7 / 45.5 + 2.2 (Hamwi 1964).

    Below 5 ft (152.4 cm) the same line is extended downwards, subtracting the increment per inch under 5 ft as
    clinical practice does, and `extrapolated_below_five_feet` says so; heights under 130 cm are refused. Raises
    FitnessInputError for a height outside 130-250 cm or a sex other than "male"/"female".
    """
    height = require_range("height_cm", height_cm, *IDEAL_WEIGHT_HEIGHT_CM)
    chosen_sex = require_choice("sex", sex, SEXES)
    inches_over_five_feet = height / CENTIMETRES_PER_INCH - FIVE_FEET_IN_INCHES
    weights = {
        name: round_half_up(base + per_inch * inches_over_five_feet, 1)
        for name, coefficients in IDEAL_WEIGHT_FORMULAS.items()
        for base, per_inch in (coefficients[chosen_sex],)
    }
    return IdealBodyWeightResult(
        by_formula=IdealBodyWeightByFormula(**weights),
        extrapolated_below_five_feet=inches_over_five_feet < 0,
        sex=chosen_sex,
    )


class LeanBodyMassByFormula(FrozenModel):
    boer: float = Field(description="Boer (1984), kg, rounded to 0.1.")
    james: float = Field(description="James (1976), kg, rounded to 0.1.")
    hume: float = Field(description="Hume (1966), kg, rounded to 0.1.")


class LeanBodyMassResult(FitnessResult):
    by_formula: LeanBodyMassByFormula = Field(description="Lean body mass by formula, kg.")
    weight_kg: float = Field(description="Body weight the estimates are for, kg.")
    sex: Sex = Field(description="Sex whose coefficients were used.")

    def summary(self) -> str:
        masses = self.by_formula
        return (
            f"Lean body mass for a {format_number(self.weight_kg)} kg {self.sex}: Boer {masses.boer} kg, "
            f"James {masses.james} kg, Hume {masses.hume} kg."
        )


def calculate_lean_body_mass(weight_kg: float, height_cm: float, sex: Sex) -> LeanBodyMassResult:
    """Lean body mass in kg (W = weight_kg, H = height_cm):

    - boer: men 0.407 W + 0.267 H - 19.2; women 0.252 W + 0.473 H - 48.3 (Boer 1984, Am J Physiol 247:F632-F636);
    - james: men 1.1 W - 128 (W/H)^2; women 1.07 W - 148 (W/H)^2 (James 1976, "Research on Obesity", HMSO);
    - hume: men 0.32810 W + 0.33929 H - 29.5336; women 0.29569 W + 0.41813 H - 43.2933 (Hume 1966, J Clin Pathol
      19:389-391).

    Raises FitnessInputError for a weight outside 20-300 kg, a height outside 100-250 cm, or a weight-for-height
    (BMI) outside 16-60 kg/m², where the equations give lean masses above body weight or (James) fall with weight.
    """
    weight = require_range("weight_kg", weight_kg, *BODY_WEIGHT_KG)
    height = require_range("height_cm", height_cm, *HEIGHT_CM)
    chosen_sex = require_choice("sex", sex, SEXES)
    bmi = _bmi(weight, height)
    if not LEAN_MASS_BMI.low <= bmi <= LEAN_MASS_BMI.high:
        raise FitnessInputError(
            "weight_kg",
            f"weight_kg and height_cm give a BMI of {format_number(round_half_up(bmi, 1))} kg/m²; the lean-mass "
            f"equations need a BMI between {format_number(LEAN_MASS_BMI.low)} and {format_number(LEAN_MASS_BMI.high)}"
            " kg/m²",
        )
    if chosen_sex == "male":
        boer = 0.407 * weight + 0.267 * height - 19.2
        james = 1.1 * weight - 128 * (weight / height) ** 2
        hume = 0.32810 * weight + 0.33929 * height - 29.5336
    else:
        boer = 0.252 * weight + 0.473 * height - 48.3
        james = 1.07 * weight - 148 * (weight / height) ** 2
        hume = 0.29569 * weight + 0.41813 * height - 43.2933
    return LeanBodyMassResult(
        by_formula=LeanBodyMassByFormula(
            boer=round_half_up(boer, 1), james=round_half_up(james, 1), hume=round_half_up(hume, 1)
        ),
        weight_kg=weight,
        sex=chosen_sex,
    )
