"""Tool arguments the schema refuses, described in the domain's own words: one line per bad argument, naming it and
what it allows ("distance_m must be between 700 and 5000 m (got -5)"), never pydantic's report or its URLs."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from chalicelib.fitness.errors import (
    FitnessInputError,
    echo,
    format_number,
    require_number,
    require_range,
    require_whole_number,
)
from chalicelib.fitness.units import Bounds

RANGE_ERRORS = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})
NUMBER_ERRORS = frozenset(
    {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float", "finite_number", "bool_type"}
)


def describe_argument_errors(tool: Callable[..., Any], error: ValidationError) -> str:
    """One line per argument of `tool` that `error` refuses, in the order the caller's arguments were checked."""
    hints = typing.get_type_hints(tool, include_extras=True)
    problems_by_argument: dict[str, list[dict[str, Any]]] = {}
    for problem in error.errors(include_url=False):
        argument = str(problem["loc"][0]) if problem["loc"] else "arguments"
        problems_by_argument.setdefault(argument, []).append(dict(problem))
    return "\n".join(
        _describe(argument, problems, hints.get(argument)) for argument, problems in problems_by_argument.items()
    )


def _describe(argument: str, problems: list[dict[str, Any]], annotation: Any) -> str:
    problem = problems[0]
    value = problem.get("input")
    bounds = _bounds_of(annotation)
    if problem["type"] == "missing":
        allowed = f": between {bounds.low:g} and {bounds.high:g} {bounds.unit}".rstrip() if bounds else ""
        return f"{argument} is required{allowed}"
    if len(problems) > 1:
        # A value that fits no member of a union: a duration that is neither a number nor text, say.
        return f"{argument} must be a number or text (got {echo(value)})"
    if problem["type"] == "literal_error":
        return f"{argument} must be {problem['ctx']['expected']} (got {echo(value)})"
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    try:
        # The domain's own checks word a refused number exactly as the calculators do.
        if is_number and bounds is not None and typing.get_args(annotation)[:1] == (int,):
            require_whole_number(argument, value, int(bounds.low), int(bounds.high), bounds.unit)
        elif is_number and bounds is not None:
            require_range(argument, value, *bounds)
        elif is_number:
            require_number(argument, value)
    except FitnessInputError as domain_error:
        return str(domain_error)
    if bounds is not None and problem["type"] in RANGE_ERRORS:
        # Text or a boolean that pydantic read as a number, then found out of range.
        allowed = f"between {format_number(bounds.low)} and {format_number(bounds.high)} {bounds.unit}".rstrip()
        return f"{argument} must be {allowed} (got {echo(value)})"
    if problem["type"] == "int_from_float":
        return f"{argument} must be a whole number (got {echo(value)})"
    if problem["type"] in NUMBER_ERRORS:
        return f"{argument} must be a number (got {echo(value)})"
    # pydantic's one-line reason, without its type code, its echo of the input or its URL.
    return f"{argument} is not valid: {problem['msg']} (got {echo(value)})"


def _bounds_of(annotation: Any) -> Bounds | None:
    """The domain range `within()` put on a parameter's `Field`, if it has one."""
    for metadata in typing.get_args(annotation)[1:]:
        if isinstance(metadata, FieldInfo):
            return next((item for item in metadata.metadata if isinstance(item, Bounds)), None)
    return None
