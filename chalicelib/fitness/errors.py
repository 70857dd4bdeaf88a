"""The one error the fitness domain raises, and the checks that raise it, written once for every calculator."""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real
from typing import TypeVar

Choice = TypeVar("Choice", bound=str)


class FitnessInputError(ValueError):
    """An argument is missing, malformed or outside the range its formula covers.

    `field` is the argument's name exactly as the tool spells it (`distance_m`, `age`, ...); the message names it too,
    with the allowed range, so the text alone is enough for a caller to correct the call.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


# A rejected value is echoed so the caller sees what was read, but a 100 kB string is not echoed whole.
MAX_ECHOED_CHARACTERS = 40


def echo(value: object) -> str:
    """`repr(value)` for an error message, cut at MAX_ECHOED_CHARACTERS."""
    shown = repr(value)
    return shown if len(shown) <= MAX_ECHOED_CHARACTERS else shown[: MAX_ECHOED_CHARACTERS - 3] + "..."


def format_number(value: float) -> str:
    """A number as a person writes it: `200`, `0.5`, `21097.5`, never `200.0` or `1e+03`."""
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.0f}"


def require_number(field: str, value: object) -> float:
    """`value` as a finite float; booleans, text, NaN and infinity are refused."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise FitnessInputError(field, f"{field} must be a number (got {echo(value)})")
    try:
        number = float(value)
    except OverflowError:
        # An int past the largest float (10**400, say): Python refuses to convert it rather than give infinity.
        number = math.inf
    if not math.isfinite(number):
        raise FitnessInputError(field, f"{field} must be a finite number (got {echo(value)})")
    return number


def require_range(field: str, value: object, low: float, high: float, unit: str) -> float:
    """`value` as a float within [low, high], else an error such as
    "age must be between 10 and 100 years (got 200)"."""
    allowed = f"between {format_number(low)} and {format_number(high)}" + (f" {unit}" if unit else "")
    if value is None:
        raise FitnessInputError(field, f"{field} is required: {allowed}")
    number = require_number(field, value)
    if not low <= number <= high:
        raise FitnessInputError(field, f"{field} must be {allowed} (got {format_number(number)})")
    return number


def require_whole_number(field: str, value: object, low: int, high: int, unit: str) -> int:
    """`value` as an int within [low, high]; 5.0 is accepted as 5, 5.5 is refused."""
    number = require_range(field, value, low, high, unit)
    if not number.is_integer():
        raise FitnessInputError(
            field, f"{field} must be a whole number between {low} and {high} {unit} (got {format_number(number)})"
        )
    return int(number)


def require_below(field: str, value: float, limit_field: str, limit: float, unit: str) -> float:
    """`value` strictly below another argument, e.g. a resting heart rate below the maximum."""
    if not value < limit:
        raise FitnessInputError(
            field,
            f"{field} must be below {limit_field} ({format_number(limit)} {unit}) (got {format_number(value)})",
        )
    return value


def require_choice(field: str, value: object, choices: Iterable[Choice]) -> Choice:
    """`value` if it is one of `choices`, else an error listing them."""
    allowed = tuple(choices)
    for choice in allowed:
        if value == choice:
            return choice
    listed = ", ".join(repr(choice) for choice in allowed)
    raise FitnessInputError(field, f"{field} must be one of {listed} (got {echo(value)})")
