"""Heart rate: age-predicted maximum heart rate, five training zones (Karvonen or % of maximum), and Banister's
training impulse (TRIMP) for one session."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from chalicelib.fitness.durations import parse_duration_min
from chalicelib.fitness.errors import (
    FitnessInputError,
    format_number,
    require_below,
    require_choice,
    require_range,
)
from chalicelib.fitness.results import FitnessResult, FrozenModel
from chalicelib.fitness.units import (
    AGE_YEARS,
    MAX_HEART_RATE_BPM,
    RESTING_HEART_RATE_BPM,
    SEXES,
    Bounds,
    Sex,
    round_half_up,
    round_to_int,
)

# Conventional five 10 %-wide zones from 50 % to 100 %, with the "very light ... maximum" names used by most heart
# rate monitors (e.g. Polar). The same percentages apply to the maximum (percent_max) or the reserve (karvonen).
HEART_RATE_ZONES: tuple[tuple[int, str, float, float], ...] = (
    (1, "Very light", 0.50, 0.60),
    (2, "Light", 0.60, 0.70),
    (3, "Moderate", 0.70, 0.80),
    (4, "Hard", 0.80, 0.90),
    (5, "Maximum", 0.90, 1.00),
)

# A session from one minute to a full day.
SESSION_DURATION_MIN = Bounds(1, 1440, "min")
AVERAGE_HEART_RATE_BPM = Bounds(30, 230, "bpm")

# Banister (1991) weighting: TRIMP = minutes x fraction x a e^(b fraction), fitted to the blood lactate response.
TRIMP_WEIGHTING: dict[Sex, tuple[float, float]] = {"male": (0.64, 1.92), "female": (0.86, 1.67)}


def _tanaka(age: float) -> float:
    return 208 - 0.7 * age


class MaxHeartRateByFormula(FrozenModel):
    tanaka: int = Field(description="208 - 0.7 x age (Tanaka et al. 2001), bpm.")
    fox: int = Field(description="220 - age (Fox et al. 1971), bpm.")
    gellish: int = Field(description="207 - 0.7 x age (Gellish et al. 2007), bpm.")
    gulati: int | None = Field(
        default=None, description="206 - 0.88 x age (Gulati et al. 2010), bpm; women only, null otherwise."
    )


class MaxHeartRateResult(FitnessResult):
    max_heart_rate_bpm: int = Field(description="Estimated maximum heart rate in whole bpm (Tanaka et al. 2001).")
    by_formula: MaxHeartRateByFormula = Field(description="The estimate from each formula, whole bpm.")
    age: float = Field(description="Age in years the estimate is for.")

    def summary(self) -> str:
        others = f"Fox {self.by_formula.fox}, Gellish {self.by_formula.gellish}"
        if self.by_formula.gulati is not None:
            others += f", Gulati {self.by_formula.gulati}"
        return (
            f"Estimated maximum heart rate at age {format_number(self.age)}: {self.max_heart_rate_bpm} bpm "
            f"(Tanaka); {others} bpm."
        )


def estimate_max_heart_rate(age: float, sex: Sex | None = None) -> MaxHeartRateResult:
    """Age-predicted maximum heart rate, each rounded half up to whole bpm:

    - tanaka: 208 - 0.7 x age (Tanaka, Monahan & Seals 2001, J Am Coll Cardiol 37:153-156), the headline value;
    - fox: 220 - age (Fox, Naughton & Haskell 1971);
    - gellish: 207 - 0.7 x age (Gellish et al. 2007, Med Sci Sports Exerc 39:822-829);
    - gulati: 206 - 0.88 x age (Gulati et al. 2010, Circulation 122:130-137), derived in women, given only when sex
      is "female".

    Raises FitnessInputError for an age outside 10-100 years or a sex other than "male"/"female".
    """
    years = require_range("age", age, *AGE_YEARS)
    chosen_sex = None if sex is None else require_choice("sex", sex, SEXES)
    by_formula = MaxHeartRateByFormula(
        tanaka=round_to_int(_tanaka(years)),
        fox=round_to_int(220 - years),
        gellish=round_to_int(207 - 0.7 * years),
        gulati=round_to_int(206 - 0.88 * years) if chosen_sex == "female" else None,
    )
    return MaxHeartRateResult(max_heart_rate_bpm=by_formula.tanaka, by_formula=by_formula, age=years)


class HeartRateZone(FrozenModel):
    zone: int = Field(description="Zone number, 1 (easiest) to 5.")
    name: str = Field(description="Zone name: Very light, Light, Moderate, Hard or Maximum.")
    low_bpm: int = Field(description="Lower bound in whole bpm.")
    high_bpm: int = Field(description="Upper bound in whole bpm.")


class HeartRateZonesResult(FitnessResult):
    method: Literal["karvonen", "percent_max"] = Field(
        description="karvonen: % of heart-rate reserve plus resting rate; percent_max: % of maximum heart rate."
    )
    max_heart_rate_bpm: int = Field(description="Maximum heart rate the zones are built on, whole bpm.")
    max_heart_rate_source: Literal["given", "tanaka"] = Field(
        description="given: max_heart_rate_bpm was supplied; tanaka: estimated from age as 208 - 0.7 x age."
    )
    resting_heart_rate_bpm: float | None = Field(
        default=None, description="Resting heart rate used by the karvonen method, bpm; null for percent_max."
    )
    zones: list[HeartRateZone] = Field(description="Five zones at 50-60, 60-70, 70-80, 80-90 and 90-100 %.")

    def summary(self) -> str:
        bands = "; ".join(f"{zone.zone} {zone.name} {zone.low_bpm}-{zone.high_bpm}" for zone in self.zones)
        basis = "heart-rate reserve (Karvonen)" if self.method == "karvonen" else "maximum heart rate"
        return f"Heart-rate zones from {basis}, maximum {self.max_heart_rate_bpm} bpm: {bands} bpm."


def calculate_heart_rate_zones(
    age: float | None = None,
    max_heart_rate_bpm: float | None = None,
    resting_heart_rate_bpm: float | None = None,
) -> HeartRateZonesResult:
    """Five heart-rate zones at 50-60, 60-70, 70-80, 80-90 and 90-100 %.

    The maximum is `max_heart_rate_bpm` when given (a measured maximum beats any estimate), else Tanaka's
    208 - 0.7 x age rounded to whole bpm. With `resting_heart_rate_bpm` the zones use Karvonen's heart-rate reserve
    (Karvonen, Kentala & Mustala 1957): bound = resting + % x (maximum - resting); without it, bound = % x maximum.
    Bounds are rounded half up to whole bpm. Raises FitnessInputError when neither age nor max_heart_rate_bpm is given,
    a value is out of range, or the resting rate is not below the maximum.
    """
    years = None if age is None else require_range("age", age, *AGE_YEARS)
    source: Literal["given", "tanaka"]
    if max_heart_rate_bpm is not None:
        maximum = float(round_to_int(require_range("max_heart_rate_bpm", max_heart_rate_bpm, *MAX_HEART_RATE_BPM)))
        source = "given"
    elif years is not None:
        maximum = float(round_to_int(_tanaka(years)))
        source = "tanaka"
    else:
        raise FitnessInputError(
            "age", "give age (10-100 years) or max_heart_rate_bpm (100-230 bpm) to calculate heart-rate zones"
        )
    resting = None
    if resting_heart_rate_bpm is not None:
        resting = require_range("resting_heart_rate_bpm", resting_heart_rate_bpm, *RESTING_HEART_RATE_BPM)
        require_below("resting_heart_rate_bpm", resting, "max_heart_rate_bpm", maximum, "bpm")
    floor = 0.0 if resting is None else resting
    zones = [
        HeartRateZone(
            zone=number,
            name=name,
            low_bpm=round_to_int(floor + low * (maximum - floor)),
            high_bpm=round_to_int(floor + high * (maximum - floor)),
        )
        for number, name, low, high in HEART_RATE_ZONES
    ]
    return HeartRateZonesResult(
        method="percent_max" if resting is None else "karvonen",
        max_heart_rate_bpm=int(maximum),
        max_heart_rate_source=source,
        resting_heart_rate_bpm=resting,
        zones=zones,
    )


class TrimpResult(FitnessResult):
    trimp: float = Field(description="Banister training impulse (arbitrary units), rounded to 0.1.")
    heart_rate_reserve_fraction: float = Field(
        description="(average - resting) / (max - resting), dimensionless, rounded to 0.001."
    )
    duration_min: float = Field(description="Session duration in minutes.")

    def summary(self) -> str:
        return (
            f"{format_number(self.duration_min)} min at {round_half_up(self.heart_rate_reserve_fraction * 100, 1)} % "
            f"of heart-rate reserve: Banister TRIMP {self.trimp}."
        )


def calculate_trimp(
    duration_min: float | str,
    average_heart_rate_bpm: float,
    resting_heart_rate_bpm: float,
    max_heart_rate_bpm: float,
    sex: Sex,
) -> TrimpResult:
    """Banister's training impulse for one session (Banister 1991, in MacDougall, Wenger & Green, "Physiological
    Testing of the High-Performance Athlete"; Morton, Fitz-Clarke & Banister 1990):

        fraction = (average - resting) / (max - resting)
        TRIMP = duration_min x fraction x 0.64 e^(1.92 fraction)   (men)
        TRIMP = duration_min x fraction x 0.86 e^(1.67 fraction)   (women)

    `duration_min` also accepts "h:mm:ss" text. Raises FitnessInputError for values out of range, a resting rate not
    below the maximum, or an average not above the resting rate and at most the maximum.
    """
    minutes = require_range("duration_min", parse_duration_min("duration_min", duration_min), *SESSION_DURATION_MIN)
    maximum = require_range("max_heart_rate_bpm", max_heart_rate_bpm, *MAX_HEART_RATE_BPM)
    resting = require_range("resting_heart_rate_bpm", resting_heart_rate_bpm, *RESTING_HEART_RATE_BPM)
    require_below("resting_heart_rate_bpm", resting, "max_heart_rate_bpm", maximum, "bpm")
    average = require_range("average_heart_rate_bpm", average_heart_rate_bpm, *AVERAGE_HEART_RATE_BPM)
    if not resting < average <= maximum:
        raise FitnessInputError(
            "average_heart_rate_bpm",
            f"average_heart_rate_bpm must be above resting_heart_rate_bpm ({format_number(resting)} bpm) and at most "
            f"max_heart_rate_bpm ({format_number(maximum)} bpm) (got {format_number(average)})",
        )
    chosen_sex = require_choice("sex", sex, SEXES)
    fraction = (average - resting) / (maximum - resting)
    scale, exponent = TRIMP_WEIGHTING[chosen_sex]
    trimp = minutes * fraction * scale * math.exp(exponent * fraction)
    return TrimpResult(
        trimp=round_half_up(trimp, 1),
        heart_rate_reserve_fraction=round_half_up(fraction, 3),
        duration_min=minutes,
    )
