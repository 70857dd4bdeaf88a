"""`describe_argument_errors` alone: pydantic's refusal of a tool's arguments in the domain's words."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationError, validate_call

from chalicelib.fitness.units import Bounds
from chalicelib.mcp_server.argument_errors import describe_argument_errors
from chalicelib.mcp_server.argument_schemas import within


def example_tool(
    distance_m: Annotated[float, within(Bounds(700, 5000, "m"), "Distance")],
    reps: Annotated[int, within(Bounds(1, 10, "reps"), "Repetitions")],
    note: Annotated[str | None, Field(max_length=3)] = None,
) -> None:
    """Stands in for a registered tool."""


def refusal(**arguments: object) -> ValidationError:
    try:
        validate_call(example_tool)(**arguments)
    except ValidationError as error:
        return error
    raise AssertionError("the arguments were accepted")


def test_each_refused_argument_is_one_line_in_the_order_checked():
    error = refusal(distance_m=1e9, reps=0)
    assert describe_argument_errors(example_tool, error).splitlines() == [
        "distance_m must be between 700 and 5000 m (got 1000000000)",
        "reps must be between 1 and 10 reps (got 0)",
    ]


def test_a_refusal_without_a_domain_range_keeps_only_pydantic_one_line_reason():
    error = refusal(distance_m=1000, reps=3, note="long")
    assert describe_argument_errors(example_tool, error) == (
        "note is not valid: String should have at most 3 characters (got 'long')"
    )


def test_a_long_refused_value_is_echoed_cut_short():
    error = refusal(distance_m="9" * 10_000, reps=3)
    text = describe_argument_errors(example_tool, error)
    assert text.startswith("distance_m must be ") and len(text) < 120
