"""Running: Daniels' VDOT with equivalent race times and training paces, Riegel's race-time prediction, and
pace/speed conversion."""

from __future__ import annotations

import math

from pydantic import Field

from chalicelib.fitness.durations import format_duration, parse_duration_s
from chalicelib.fitness.errors import (
    FitnessInputError,
    format_number,
    require_range,
)
from chalicelib.fitness.results import FitnessResult, FrozenModel
from chalicelib.fitness.units import (
    METRES_PER_MILE,
    Bounds,
    round_half_up,
    round_to_int,
)

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


class TrainingPaces(FrozenModel):
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
