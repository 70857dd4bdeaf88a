"""Duration parsing and formatting, and the rounding every result uses."""

from __future__ import annotations

import pytest

from chalicelib.fitness import FitnessInputError, format_duration, parse_duration_min, parse_duration_s
from chalicelib.fitness.units import round_half_up


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (1200, 1200.0),
        (1197.5, 1197.5),
        ("1200", 1200.0),
        ("19:57", 1197.0),
        ("19:57.5", 1197.5),
        ("1:02:03", 3723.0),
        ("3:10:49", 11449.0),
        ("75:30", 4530.0),
        (" 40:00 ", 2400.0),
    ],
)
def test_durations_are_read_as_seconds_or_clock_text(value, seconds):
    assert parse_duration_s("time_s", value) == seconds


def test_minute_durations_read_numbers_as_minutes_and_clock_text_as_a_clock():
    assert parse_duration_min("duration_min", 45) == 45
    assert parse_duration_min("duration_min", "45") == 45
    assert parse_duration_min("duration_min", "45:00") == 45
    assert parse_duration_min("duration_min", "1:30:00") == 90


@pytest.mark.parametrize("value", ["1:75:00", "12:60", "abc", "", "-5", "1::00", "5:5:5:5", -5, True, None, [1]])
def test_malformed_durations_name_the_field(value):
    with pytest.raises(FitnessInputError) as raised:
        parse_duration_s("time_s", value)
    assert raised.value.field == "time_s"
    assert "time_s" in str(raised.value)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(11449, "3:10:49"), (1197, "19:57"), (59.6, "1:00"), (3600, "1:00:00"), (0, "0:00")],
)
def test_durations_format_as_clock_text(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize(("value", "digits", "rounded"), [(183.5, 0, 184), (182.5, 0, 183), (2.675, 2, 2.68)])
def test_rounding_is_half_up_as_people_round(value, digits, rounded):
    assert round_half_up(value, digits) == rounded


@pytest.mark.parametrize(
    "value",
    [
        "9" * 400 + ":00:00",  # OverflowError before: hours × 3600 past the largest float
        "9" * 5000 + ":00",  # ValueError before: past Python's 4300-digit int() limit
        "1:" + "9" * 5000 + ":00",
        "9" * 5000,  # read as infinity before
        "1" * 20 + ":00:00",
        "1:00:00." + "5" * 400,
        "٣:00",  # Arabic-Indic digits: `\d` admitted them
    ],
    ids=[
        "400-digit hours",
        "5000-digit minutes",
        "5000-digit minutes after hours",
        "5000-digit number",
        "20 digits",
        "400-digit fraction",
        "non-ascii digits",
    ],
)
def test_absurdly_long_or_non_ascii_durations_are_input_errors_naming_the_field(value):
    for parse, field in ((parse_duration_s, "time_s"), (parse_duration_min, "duration_min")):
        with pytest.raises(FitnessInputError) as raised:
            parse(field, value)
        assert raised.value.field == field
        message = str(raised.value)
        assert message.startswith(f"{field} must be") and len(message) < 200
