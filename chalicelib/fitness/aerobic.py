"""Aerobic fitness: VO2max from field tests (Cooper, Rockport, heart-rate ratio), Daniels' VDOT with equivalent race
times and training paces, Riegel's race-time prediction, and pace/speed conversion."""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.fitness.durations import format_duration, parse_duration_s
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
    METRES_PER_MILE,
    RESTING_HEART_RATE_BPM,
    SEXES,
    Bounds,
    Sex,
    round_half_up,
    round_to_int,
)

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

# Daniels' tables cover the 1500 m to the marathon.
VDOT_DISTANCE_M = Bounds(1500, 42195, "m")
# 1:40 per km is faster than any world-record pace from 400 m up; 20:00 per km is a slow walk.
RACE_PACE_S_PER_KM = Bounds(100, 1200, "s/km")
RACE_DISTANCE_M = Bounds(400, 100000, "m")
# Riegel's exponent: 1.0 would be a constant pace at every distance; ultra-distance fits reach about 1.15.
RIEGEL_EXPONENT = Bounds(1.0, 1.2, "")
RIEGEL_DEFAULT_EXPONENT = 1.06

# From a stroll to a fast bike ride; the four pace and speed arguments share these limits.
SPEED_KMH = Bounds(1, 100, "km/h")
FINISH_DISTANCE_M = Bounds(1, 1_000_000, "m")

EQUIVALENT_RACE_DISTANCES_M = (1500.0, 1609.344, 3000.0, 5000.0, 10000.0, 21097.5, 42195.0)
MARATHON_M = 42195.0


def race_distance_key(distance_m: float) -> str:
    """The `equivalent_times_s` key for a distance: metres without a trailing ".0" ("1500", "1609.344", "21097.5")."""
    return f"{distance_m:.10g}"


# Fractions of VDOT (Daniels treats VDOT as a pseudo-VO2max) used for the training paces (Daniels J, "Daniels'
# Running Formula", 3rd ed., 2014): easy running is 59-74 % of VO2max and we report the middle of the 65-70 % band
# most runners use; threshold is 88 %; interval ("I") pace is 95-100 % and 97.5 % reproduces his table's I paces.
EASY_FRACTION_OF_VDOT = 0.675
THRESHOLD_FRACTION_OF_VDOT = 0.88
INTERVAL_FRACTION_OF_VDOT = 0.975
# Daniels: repetition ("R") pace is about 6 seconds per 400 m faster than interval pace, i.e. 15 s per km.
REPETITION_SECONDS_FASTER_PER_KM = 6 * 1000 / 400


def _age_band(age: float, bands: tuple[tuple[int, int, object], ...]) -> tuple[str, object]:
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


def _oxygen_cost_ml_kg_min(velocity_m_per_min: float) -> float:
    # Daniels & Gilbert (1979): oxygen cost of running at a velocity in m/min.
    return -4.60 + 0.182258 * velocity_m_per_min + 0.000104 * velocity_m_per_min**2


def _sustainable_fraction(minutes: float) -> float:
    # Daniels & Gilbert (1979): fraction of VO2max a runner can hold for a race lasting `minutes`.
    return 0.8 + 0.1894393 * math.exp(-0.012778 * minutes) + 0.2989558 * math.exp(-0.1932605 * minutes)


def _vdot(distance_m: float, seconds: float) -> float:
    minutes = seconds / 60
    return _oxygen_cost_ml_kg_min(distance_m / minutes) / _sustainable_fraction(minutes)


def _equivalent_time_s(distance_m: float, vdot: float) -> float:
    """The race time at `distance_m` with the same VDOT, by bisection: VDOT falls steadily as time grows."""
    fastest, slowest = distance_m * 0.05, distance_m * 3.0  # 0.05-3 s per metre brackets every VDOT from 1 to 200
    for _ in range(100):
        middle = (fastest + slowest) / 2
        if _vdot(distance_m, middle) > vdot:
            fastest = middle
        else:
            slowest = middle
    return (fastest + slowest) / 2


def _pace_at_oxygen_uptake_s_per_km(oxygen_uptake: float) -> float:
    """Seconds per km of the velocity whose Daniels-Gilbert oxygen cost is `oxygen_uptake` (positive root)."""
    a, b, c = 0.000104, 0.182258, -4.60 - oxygen_uptake
    velocity_m_per_min = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return 60_000 / velocity_m_per_min


class TrainingPaces(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    easy: int = Field(description="Easy/long-run pace, s/km: 67.5 % of VDOT (middle of the 65-70 % band).")
    marathon: int = Field(description="Marathon pace, s/km: the VDOT's equivalent marathon time over 42.195 km.")
    threshold: int = Field(description="Threshold (T) pace, s/km: 88 % of VDOT.")
    interval: int = Field(description="Interval (I) pace, s/km: 97.5 % of VDOT.")
    repetition: int = Field(description="Repetition (R) pace, s/km: interval pace minus 6 s per 400 m.")


class VdotResult(FitnessResult):
    vdot: float = Field(description="Daniels' VDOT (a pseudo-VO2max in ml/kg/min), rounded to 0.1.")
    equivalent_times_s: dict[str, int] = Field(
        description="Race times with the same VDOT in whole seconds, keyed by distance in metres: "
        "1500, 1609.344 (mile), 3000, 5000, 10000, 21097.5 (half marathon), 42195 (marathon)."
    )
    training_paces_s_per_km: TrainingPaces = Field(description="Daniels training paces in whole seconds per km.")

    def summary(self) -> str:
        marathon = self.equivalent_times_s[race_distance_key(MARATHON_M)]
        paces = self.training_paces_s_per_km
        return (
            f"VDOT {self.vdot}: equivalent marathon {format_duration(marathon)}; training paces per km easy "
            f"{format_duration(paces.easy)}, marathon {format_duration(paces.marathon)}, threshold "
            f"{format_duration(paces.threshold)}, interval {format_duration(paces.interval)}, repetition "
            f"{format_duration(paces.repetition)}."
        )


def _require_race_time_s(time_s: float | str, distance_m: float) -> float:
    seconds = parse_duration_s("time_s", time_s)
    low = distance_m / 1000 * RACE_PACE_S_PER_KM.low
    high = distance_m / 1000 * RACE_PACE_S_PER_KM.high
    if not low <= seconds <= high:
        raise FitnessInputError(
            "time_s",
            f"time_s must be between {format_number(round_half_up(low, 1))} and {format_number(round_half_up(high, 1))}"
            f" s for distance_m {format_number(distance_m)} (a pace of {format_duration(RACE_PACE_S_PER_KM.low)} to "
            f"{format_duration(RACE_PACE_S_PER_KM.high)} per km) (got {format_number(seconds)})",
        )
    return seconds


def calculate_vdot(distance_m: float, time_s: float | str) -> VdotResult:
    """Daniels' VDOT from one race (Daniels & Gilbert 1979, "Oxygen Power"):

        v = distance_m / t (m/min), t in minutes
        VO2 = -4.60 + 0.182258 v + 0.000104 v^2
        fraction = 0.8 + 0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t)
        VDOT = VO2 / fraction

    Equivalent times solve the same equations for the time that gives this VDOT at each distance. Training paces
    (Daniels' Running Formula, 2014): easy at 67.5 % of VDOT, marathon at the equivalent marathon pace, threshold at
    88 %, interval at 97.5 %, repetition 6 s per 400 m faster than interval; each % is converted back to a velocity
    through the oxygen-cost equation. Raises FitnessInputError for a distance outside 1500-42195 m or a time whose pace
    is outside 1:40-20:00 per km.
    """
    distance = require_range("distance_m", distance_m, *VDOT_DISTANCE_M)
    seconds = _require_race_time_s(time_s, distance)
    vdot = _vdot(distance, seconds)
    equivalent_times = {
        race_distance_key(race_m): round_to_int(_equivalent_time_s(race_m, vdot))
        for race_m in EQUIVALENT_RACE_DISTANCES_M
    }
    interval_pace = _pace_at_oxygen_uptake_s_per_km(vdot * INTERVAL_FRACTION_OF_VDOT)
    paces = TrainingPaces(
        easy=round_to_int(_pace_at_oxygen_uptake_s_per_km(vdot * EASY_FRACTION_OF_VDOT)),
        marathon=round_to_int(_equivalent_time_s(MARATHON_M, vdot) / (MARATHON_M / 1000)),
        threshold=round_to_int(_pace_at_oxygen_uptake_s_per_km(vdot * THRESHOLD_FRACTION_OF_VDOT)),
        interval=round_to_int(interval_pace),
        repetition=round_to_int(interval_pace - REPETITION_SECONDS_FASTER_PER_KM),
    )
    return VdotResult(vdot=round_half_up(vdot, 1), equivalent_times_s=equivalent_times, training_paces_s_per_km=paces)


class RaceTimePrediction(FitnessResult):
    predicted_time_s: int = Field(description="Predicted time at target_distance_m, in whole seconds.")
    pace_s_per_km: int = Field(description="Average pace of the predicted race, in whole seconds per km.")
    target_distance_m: float = Field(description="Distance of the predicted race, in metres.")
    exponent: float = Field(description="Riegel fatigue exponent used (dimensionless).")

    def summary(self) -> str:
        return (
            f"Predicted {format_number(self.target_distance_m)} m time: {format_duration(self.predicted_time_s)} "
            f"({format_duration(self.pace_s_per_km)} per km), Riegel exponent {format_number(self.exponent)}."
        )


def predict_race_time(
    distance_m: float,
    time_s: float | str,
    target_distance_m: float,
    exponent: float = RIEGEL_DEFAULT_EXPONENT,
) -> RaceTimePrediction:
    """Riegel's endurance equation T2 = T1 * (D2 / D1) ** exponent, exponent 1.06 by default (Riegel 1981, American
    Scientist 69:285-290). Riegel fitted it to events of roughly 3.5 to 230 minutes.

    Raises FitnessInputError for a distance outside 400-100000 m, a time whose pace is outside 1:40-20:00 per km, or
    an exponent outside 1.0-1.2.
    """
    distance = require_range("distance_m", distance_m, *RACE_DISTANCE_M)
    seconds = _require_race_time_s(time_s, distance)
    target = require_range("target_distance_m", target_distance_m, *RACE_DISTANCE_M)
    fatigue_exponent = require_range("exponent", exponent, *RIEGEL_EXPONENT)
    predicted = seconds * (target / distance) ** fatigue_exponent
    return RaceTimePrediction(
        predicted_time_s=round_to_int(predicted),
        pace_s_per_km=round_to_int(predicted / (target / 1000)),
        target_distance_m=target,
        exponent=fatigue_exponent,
    )


class PaceConversion(FitnessResult):
    pace_s_per_km: float = Field(description="Pace in seconds per kilometre, rounded to 0.1.")
    pace_s_per_mile: float = Field(description="Pace in seconds per mile (1609.344 m), rounded to 0.1.")
    speed_kmh: float = Field(description="Speed in km/h, rounded to 0.01.")
    speed_mph: float = Field(description="Speed in miles per hour, rounded to 0.01.")
    distance_m: float | None = Field(default=None, description="Distance given for a finish time, in metres.")
    finish_time_s: float | None = Field(
        default=None, description="Time to cover distance_m at this pace, in seconds rounded to 0.1; null without one."
    )

    def summary(self) -> str:
        text = (
            f"{format_duration(self.pace_s_per_km)} per km = {format_duration(self.pace_s_per_mile)} per mile = "
            f"{self.speed_kmh} km/h = {self.speed_mph} mph"
        )
        if self.finish_time_s is not None and self.distance_m is not None:
            text += f"; {format_number(self.distance_m)} m takes {format_duration(self.finish_time_s)}"
        return text + "."


_KM_PER_MILE = METRES_PER_MILE / 1000
PACE_CONVERSION_BOUNDS = {
    "pace_s_per_km": Bounds(3600 / SPEED_KMH.high, 3600 / SPEED_KMH.low, "s/km"),
    "pace_s_per_mile": Bounds(3600 * _KM_PER_MILE / SPEED_KMH.high, 3600 * _KM_PER_MILE / SPEED_KMH.low, "s/mile"),
    "speed_kmh": SPEED_KMH,
    "speed_mph": Bounds(SPEED_KMH.low / _KM_PER_MILE, SPEED_KMH.high / _KM_PER_MILE, "mph"),
}


def convert_pace(
    *,
    pace_s_per_km: float | str | None = None,
    pace_s_per_mile: float | str | None = None,
    speed_kmh: float | None = None,
    speed_mph: float | None = None,
    distance_m: float | None = None,
) -> PaceConversion:
    """Convert exactly one of a pace per km, a pace per mile, km/h or mph into all four (1 mile = 1609.344 m), plus the
    finish time over `distance_m` when one is given. Paces also accept "mm:ss" text.

    Raises FitnessInputError when not exactly one of the four is given, or a value is outside 1-100 km/h (or the
    same speeds expressed in the other units), or distance_m is outside 1-1000000 m.
    """
    given = {
        name: value
        for name, value in (
            ("pace_s_per_km", pace_s_per_km),
            ("pace_s_per_mile", pace_s_per_mile),
            ("speed_kmh", speed_kmh),
            ("speed_mph", speed_mph),
        )
        if value is not None
    }
    if len(given) != 1:
        names = ", ".join(PACE_CONVERSION_BOUNDS)
        raise FitnessInputError("pace_s_per_km", f"give exactly one of {names} (got {len(given)})")
    [(name, value)] = given.items()
    if name.startswith("pace"):
        value = parse_duration_s(name, value)
    number = require_range(name, value, *PACE_CONVERSION_BOUNDS[name])
    if name == "pace_s_per_km":
        kilometres_per_hour = 3600 / number
    elif name == "pace_s_per_mile":
        kilometres_per_hour = 3600 * _KM_PER_MILE / number
    elif name == "speed_kmh":
        kilometres_per_hour = number
    else:
        kilometres_per_hour = number * _KM_PER_MILE
    seconds_per_km = 3600 / kilometres_per_hour
    distance = None if distance_m is None else require_range("distance_m", distance_m, *FINISH_DISTANCE_M)
    return PaceConversion(
        pace_s_per_km=round_half_up(seconds_per_km, 1),
        pace_s_per_mile=round_half_up(seconds_per_km * _KM_PER_MILE, 1),
        speed_kmh=round_half_up(kilometres_per_hour, 2),
        speed_mph=round_half_up(kilometres_per_hour / _KM_PER_MILE, 2),
        distance_m=distance,
        finish_time_s=None if distance is None else round_half_up(seconds_per_km * distance / 1000, 1),
    )
