"""Unit conversions, the shared input vocabulary (sex, physiological ranges) and the rounding every result uses."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, NamedTuple

Sex = Literal["male", "female"]
SEXES: tuple[Sex, ...] = ("male", "female")

# Exact by definition (International Yard and Pound Agreement, 1959).
KILOGRAMS_PER_POUND = 0.45359237
CENTIMETRES_PER_INCH = 2.54
METRES_PER_MILE = 1609.344


class Bounds(NamedTuple):
    """An inclusive range an argument must fall in, with the unit its error message names."""

    low: float
    high: float
    unit: str


# Wide enough for any living adult or adolescent, narrow enough to catch a unit mix-up (pounds for kilograms,
# inches for centimetres, a birth year for an age). Calculators with narrower published ranges define their own.
AGE_YEARS = Bounds(10, 100, "years")
BODY_WEIGHT_KG = Bounds(20, 300, "kg")
HEIGHT_CM = Bounds(100, 250, "cm")
# Endurance athletes rest in the high 20s to 30s; above 120 bpm is not a resting rate.
RESTING_HEART_RATE_BPM = Bounds(25, 120, "bpm")
MAX_HEART_RATE_BPM = Bounds(100, 230, "bpm")
# Essential fat alone is about 2-5 % in men (ACE); no measured adult exceeds about 75 %.
BODY_FAT_PERCENT = Bounds(2, 75, "%")


def round_half_up(value: float, digits: int = 0) -> float:
    """`value` rounded the way a person rounds (183.5 -> 184, 2.675 -> 2.68), not Python's round-half-even."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def round_to_int(value: float) -> int:
    """`value` rounded half up to a whole number."""
    return int(round_half_up(value))
