"""Durations: seconds or "h:mm:ss" / "mm:ss" text in, float seconds or minutes out, clock text for summaries."""

from __future__ import annotations

import math
import re

from chalicelib.fitness.errors import FitnessInputError, echo, require_number
from chalicelib.fitness.units import round_to_int

# ASCII digits only (`\d` also matches other scripts' digits), and few of them: no duration a person means has more,
# and hundreds of digits would overflow the float conversion (or pass Python's 4300-digit int() limit).
MAX_WHOLE_DIGITS = 6
MAX_FRACTION_DIGITS = 6
_WHOLE = f"[0-9]{{1,{MAX_WHOLE_DIGITS}}}"
_FRACTION = f"(?:\\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?"
_CLOCK = re.compile(f"(?:(?P<hours>{_WHOLE}):)?(?P<minutes>{_WHOLE}):(?P<seconds>{_WHOLE}{_FRACTION})")
_PLAIN_NUMBER = re.compile(f"{_WHOLE}{_FRACTION}")


def _malformed(field: str, value: object, unit: str) -> FitnessInputError:
    return FitnessInputError(
        field,
        f'{field} must be {unit} as a number, or a duration "h:mm:ss" or "mm:ss" (got {echo(value)})',
    )


def _clock_seconds(field: str, text: str, unit: str) -> float:
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise _malformed(field, text, unit)
    hours = int(match["hours"]) if match["hours"] is not None else 0
    minutes = int(match["minutes"])
    seconds = float(match["seconds"])
    # "75:30" is a fair way to write 75.5 minutes, but in "1:75:30" the minutes must be a clock's minutes.
    if seconds >= 60 or (match["hours"] is not None and minutes >= 60):
        raise _malformed(field, text, unit)
    return hours * 3600 + minutes * 60 + seconds


def _parse(field: str, value: float | int | str, unit: str, seconds_per_unit: float) -> float:
    if isinstance(value, str):
        text = value.strip()
        if _PLAIN_NUMBER.fullmatch(text):
            return float(text)
        return _clock_seconds(field, text, unit) / seconds_per_unit
    number = require_number(field, value)
    if number < 0:
        raise _malformed(field, value, unit)
    return number


def parse_duration_s(field: str, value: float | int | str) -> float:
    """Seconds from a number of seconds, a numeric string, or a clock string "h:mm:ss" / "mm:ss" (fractional seconds
    allowed: "19:57.3"). Raises FitnessInputError naming `field` for anything else, including negative values."""
    return _parse(field, value, "seconds", 1.0)


def parse_duration_min(field: str, value: float | int | str) -> float:
    """Minutes from a number of minutes, a numeric string, or a clock string "h:mm:ss" / "mm:ss" ("45:00" is 45
    minutes). Raises FitnessInputError naming `field` for anything else."""
    return _parse(field, value, "minutes", 60.0)


def format_duration(seconds: float) -> str:
    """Whole seconds as clock text: "3:10:49" from an hour up, "19:57" below an hour."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a duration")
    hours, remainder = divmod(round_to_int(seconds), 3600)
    minutes, whole_seconds = divmod(remainder, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{whole_seconds:02d}"
    return f"{minutes}:{whole_seconds:02d}"
