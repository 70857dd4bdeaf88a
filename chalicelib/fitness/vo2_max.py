"""VO2max from field tests — Cooper's 12-minute run, the Rockport 1-mile walk, the heart-rate ratio — with the
norm tables that rate the result."""

from __future__ import annotations

from typing import TypeVar

from pydantic import Field

from chalicelib.fitness.durations import parse_duration_s
from chalicelib.fitness.errors import (
    FitnessInputError,
    format_number,
    require_below,
    require_choice,
    require_range,
)
from chalicelib.fitness.results import FitnessResult
from chalicelib.fitness.units import (
    BODY_WEIGHT_KG,
    KILOGRAMS_PER_POUND,
    MAX_HEART_RATE_BPM,
    RESTING_HEART_RATE_BPM,
    SEXES,
    Bounds,
    Sex,
    round_half_up,
)

Thresholds = TypeVar("Thresholds")

# The norm tables below start at 13 years.
NORMED_AGE_YEARS = Bounds(13, 100, "years")

# Walking 12 minutes covers about 1000 m; the Cooper equation falls below resting oxygen uptake (3.5 ml/kg/min)
# under about 660 m. Nobody has run 5000 m in 12 minutes (the 5000 m world record is over 12:35).
COOPER_DISTANCE_M = Bounds(700, 5000, "m")

# Cooper 12-minute run distance norms (Cooper 1968, JAMA 203:201-204), as reproduced widely, e.g. by
# topendsports.com ("Cooper 12 minute run test norms") with the 13-19 rows. Per age band:
# (distance above which "Excellent", lower bounds of "Above average", "Average", "Below average"); below the last
# bound is "Poor". The 17-19 band is the table's "17-19"/"17-20" row; 20 falls in 20-29.
COOPER_DISTANCE_NORMS_M: dict[Sex, tuple[tuple[int, int, tuple[int, int, int, int]], ...]] = {
    "male": (
        (13, 14, (2700, 2400, 2200, 2100)),
        (15, 16, (2800, 2500, 2300, 2200)),
        (17, 19, (3000, 2700, 2500, 2300)),
        (20, 29, (2800, 2400, 2200, 1600)),
        (30, 39, (2700, 2300, 1900, 1500)),
        (40, 49, (2500, 2100, 1700, 1400)),
        (50, 100, (2400, 2000, 1600, 1300)),
    ),
    "female": (
        (13, 14, (2000, 1900, 1600, 1500)),
        (15, 16, (2100, 2000, 1700, 1600)),
        (17, 19, (2300, 2100, 1800, 1700)),
        (20, 29, (2700, 2200, 1800, 1500)),
        (30, 39, (2500, 2000, 1700, 1400)),
        (40, 49, (2300, 1900, 1500, 1200)),
        (50, 100, (2200, 1700, 1400, 1100)),
    ),
}
COOPER_RATINGS = ("Excellent", "Above average", "Average", "Below average", "Poor")

# VO2max norms in ml/kg/min from The Cooper Institute, "The Physical Fitness Specialist Certification Manual"
# (revised 1997), as printed in Heyward VH, "Advanced Fitness Assessment and Exercise Prescription" (3rd ed., 1998,
# p. 48). Per age band: (lower bounds of "Poor", "Fair", "Good", "Excellent", value above which "Superior"); below
# the first bound is "Very poor". The table is given to 0.1, so the VO2max is rated after rounding to 0.1.
VO2_MAX_NORMS: dict[Sex, tuple[tuple[int, int, tuple[float, float, float, float, float]], ...]] = {
    "male": (
        (13, 19, (35.0, 38.4, 45.2, 51.0, 55.9)),
        (20, 29, (33.0, 36.5, 42.5, 46.5, 52.4)),
        (30, 39, (31.5, 35.5, 41.0, 45.0, 49.4)),
        (40, 49, (30.2, 33.6, 39.0, 43.8, 48.0)),
        (50, 59, (26.1, 31.0, 35.8, 41.0, 45.3)),
        (60, 100, (20.5, 26.1, 32.3, 36.5, 44.2)),
    ),
    "female": (
        (13, 19, (25.0, 31.0, 35.0, 39.0, 41.9)),
        (20, 29, (23.6, 29.0, 33.0, 37.0, 41.0)),
        (30, 39, (22.8, 27.0, 31.5, 35.7, 40.0)),
        (40, 49, (21.0, 24.5, 29.0, 32.9, 36.9)),
        (50, 59, (20.2, 22.8, 27.0, 31.5, 35.7)),
        (60, 100, (17.5, 20.2, 24.5, 30.3, 31.4)),
    ),
}
VO2_MAX_RATINGS = ("Superior", "Excellent", "Good", "Fair", "Poor", "Very poor")
VO2_MAX_NORMS_SOURCE = "Cooper Institute (1997) norms as printed in Heyward (1998)"

# One MET: an oxygen uptake below this is below rest, so an equation that yields it has been pushed past its data.
RESTING_OXYGEN_UPTAKE_ML_KG_MIN = 3.5

# A brisk race-walker covers a mile in about 6 minutes; 40 minutes is a slow stroll.
ROCKPORT_TIME_S = Bounds(360, 2400, "s")
# Heart rate at the end of a brisk mile walk.
ROCKPORT_HEART_RATE_BPM = Bounds(40, 220, "bpm")


def _age_band(age: float, bands: tuple[tuple[int, int, Thresholds], ...]) -> tuple[str, Thresholds]:
    whole_years = int(age)
    for low, high, thresholds in bands:
        if low <= whole_years <= high:
            label = f"{low}+" if high == 100 else f"{low}-{high}"
            return label, thresholds
    raise AssertionError(f"age {age} outside the norm table; the caller validates the range")


def rate_cooper_distance(distance_m: float, age: float, sex: Sex) -> tuple[str, str]:
    """The Cooper 12-minute-run rating for `distance_m` and the age band it was read from."""
    band, thresholds = _age_band(age, COOPER_DISTANCE_NORMS_M[sex])
    excellent_above, above_average, average, below_average = thresholds
    if distance_m > excellent_above:
        return "Excellent", band
    for rating, lower_bound in zip(COOPER_RATINGS[1:-1], (above_average, average, below_average), strict=True):
        if distance_m >= lower_bound:
            return rating, band
    return "Poor", band


def rate_vo2_max(vo2_max: float, age: float, sex: Sex) -> tuple[str, str]:
    """The VO2max rating (Cooper Institute 1997 / Heyward 1998) for a VO2max and the age band it was read from."""
    band, thresholds = _age_band(age, VO2_MAX_NORMS[sex])
    poor, fair, good, excellent, superior_above = thresholds
    rounded = round_half_up(vo2_max, 1)
    if rounded > superior_above:
        return "Superior", band
    for rating, lower_bound in zip(VO2_MAX_RATINGS[1:-1], (excellent, good, fair, poor), strict=True):
        if rounded >= lower_bound:
            return rating, band
    return "Very poor", band


class CooperResult(FitnessResult):
    vo2_max: float = Field(description="Estimated VO2max in ml/kg/min, rounded to 0.1.")
    rating: str = Field(
        description="Cooper 12-minute-run distance norm for the age band and sex: Excellent, Above average, "
        "Average, Below average or Poor."
    )
    norm_age_band: str = Field(description="The norm table's age band the rating was read from, in years.")
    distance_m: float = Field(description="Distance covered in 12 minutes, in metres.")
    sex: Sex = Field(description="Sex whose norms were used.")

    def summary(self) -> str:
        return (
            f"A {format_number(self.distance_m)} m Cooper 12-minute run estimates VO2max at {self.vo2_max} ml/kg/min; "
            f"the distance rates {self.rating} for a {self.sex} aged {self.norm_age_band}."
        )


def estimate_vo2_max_cooper(distance_m: float, age: float, sex: Sex) -> CooperResult:
    """VO2max from the Cooper 12-minute run: VO2max = (distance_m - 504.9) / 44.73 (Cooper 1968, JAMA).

    The rating comes from Cooper's 12-minute-run distance norms by age band and sex (COOPER_DISTANCE_NORMS_M), so it
    rates the distance itself, not the VO2max. Raises FitnessInputError for a distance outside 700-5000 m, an age
    outside 13-100 years, or a sex other than "male"/"female".
    """
    distance = require_range("distance_m", distance_m, *COOPER_DISTANCE_M)
    years = require_range("age", age, *NORMED_AGE_YEARS)
    chosen_sex = require_choice("sex", sex, SEXES)
    vo2_max = (distance - 504.9) / 44.73
    rating, band = rate_cooper_distance(distance, years, chosen_sex)
    return CooperResult(
        vo2_max=round_half_up(vo2_max, 1), rating=rating, norm_age_band=band, distance_m=distance, sex=chosen_sex
    )


class RockportResult(FitnessResult):
    vo2_max: float = Field(description="Estimated VO2max in ml/kg/min, rounded to 0.1.")
    rating: str = Field(
        description="VO2max rating for the age band and sex (Superior, Excellent, Good, Fair, Poor, Very poor) "
        f"from the {VO2_MAX_NORMS_SOURCE} table."
    )
    rating_source: str = Field(description="The norm table the rating comes from.")
    norm_age_band: str = Field(description="The norm table's age band the rating was read from, in years.")
    sex: Sex = Field(description="Sex used in the equation and the norms.")

    def summary(self) -> str:
        return (
            f"The Rockport 1-mile walk test estimates VO2max at {self.vo2_max} ml/kg/min, rated {self.rating} for a "
            f"{self.sex} aged {self.norm_age_band} ({self.rating_source})."
        )


def _require_above_resting_uptake(vo2_max: float, field: str, fields_to_check: str) -> None:
    if vo2_max < RESTING_OXYGEN_UPTAKE_ML_KG_MIN:
        raise FitnessInputError(
            field,
            f"these inputs give a VO2max of {format_number(round_half_up(vo2_max, 1))} ml/kg/min, below resting "
            f"oxygen uptake ({RESTING_OXYGEN_UPTAKE_ML_KG_MIN} ml/kg/min), outside what the equation can estimate; "
            f"check {fields_to_check}",
        )


def estimate_vo2_max_rockport(
    weight_kg: float, age: float, sex: Sex, time_s: float | str, heart_rate_bpm: float
) -> RockportResult:
    """VO2max from the Rockport 1-mile walk test (Kline et al. 1987, Med Sci Sports Exerc 19:253-259):

        VO2max = 132.853 - 0.0769 * weight_lb - 0.3877 * age + 6.315 * sex - 3.2649 * time_min - 0.1565 * heart_rate

    with sex = 1 for men and 0 for women, weight converted from kilograms to pounds, and the heart rate taken at the
    end of the walk. Kline's sample was 30-69 years; ages 13-100 are accepted because the norm table covers them.
    The rating comes from the Cooper Institute VO2max norms (VO2_MAX_NORMS). Raises FitnessInputError for an input
    outside its range, or for a combination that extrapolates below resting oxygen uptake.
    """
    weight = require_range("weight_kg", weight_kg, *BODY_WEIGHT_KG)
    years = require_range("age", age, *NORMED_AGE_YEARS)
    chosen_sex = require_choice("sex", sex, SEXES)
    seconds = require_range("time_s", parse_duration_s("time_s", time_s), *ROCKPORT_TIME_S)
    heart_rate = require_range("heart_rate_bpm", heart_rate_bpm, *ROCKPORT_HEART_RATE_BPM)
    weight_lb = weight / KILOGRAMS_PER_POUND
    sex_term = 1.0 if chosen_sex == "male" else 0.0
    vo2_max = (
        132.853 - 0.0769 * weight_lb - 0.3877 * years + 6.315 * sex_term - 3.2649 * (seconds / 60) - 0.1565 * heart_rate
    )
    _require_above_resting_uptake(vo2_max, "time_s", "time_s, heart_rate_bpm, weight_kg and age")
    rating, band = rate_vo2_max(vo2_max, years, chosen_sex)
    return RockportResult(
        vo2_max=round_half_up(vo2_max, 1),
        rating=rating,
        rating_source=VO2_MAX_NORMS_SOURCE,
        norm_age_band=band,
        sex=chosen_sex,
    )


class HeartRateRatioResult(FitnessResult):
    vo2_max: float = Field(description="Estimated VO2max in ml/kg/min, rounded to 0.1.")
    heart_rate_ratio: float = Field(description="Maximum over resting heart rate (dimensionless), rounded to 0.01.")

    def summary(self) -> str:
        return (
            f"A maximum-to-resting heart rate ratio of {self.heart_rate_ratio} estimates VO2max at "
            f"{self.vo2_max} ml/kg/min (Uth-Sørensen)."
        )


def estimate_vo2_max_heart_rate_ratio(max_heart_rate_bpm: float, resting_heart_rate_bpm: float) -> HeartRateRatioResult:
    """VO2max = 15.3 * HRmax / HRrest (Uth, Sørensen, Overgaard & Pedersen 2004, Eur J Appl Physiol 91:111-115).

    Raises FitnessInputError when a heart rate is outside its range or the resting rate is not below the maximum.
    """
    maximum = require_range("max_heart_rate_bpm", max_heart_rate_bpm, *MAX_HEART_RATE_BPM)
    resting = require_range("resting_heart_rate_bpm", resting_heart_rate_bpm, *RESTING_HEART_RATE_BPM)
    require_below("resting_heart_rate_bpm", resting, "max_heart_rate_bpm", maximum, "bpm")
    ratio = maximum / resting
    return HeartRateRatioResult(vo2_max=round_half_up(15.3 * ratio, 1), heart_rate_ratio=round_half_up(ratio, 2))
