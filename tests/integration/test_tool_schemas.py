"""What `tools/list` tells a model about each argument: its description, unit and range, with none of the JSON Schema
generator's repetitions (name-derived titles, `null` branches and defaults, ranges repeated in prose)."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import annotated_types
import pytest
from mcp import Client
from pydantic.fields import FieldInfo

from chalicelib.fitness import body, energy, heart, running, strength, units, vo2_max
from chalicelib.fitness.units import Bounds
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE, TOOL_NAMES
from chalicelib.mcp_server.tools import WRAPPERS

DOMAIN_UNITS = {
    value.unit
    for module in (units, body, energy, heart, running, strength, vo2_max)
    for value in vars(module).values()
    if isinstance(value, Bounds) and value.unit
}
# What a model read of `tools/list` before the generator's repetitions were cut (bench/catalogue_size.py, 81fa3a9),
# and the share of it the catalogue may use now.
MODEL_VISIBLE_BYTES_BEFORE = 14_722
MODEL_VISIBLE_BUDGET = 0.80


def tools_listed() -> list[dict[str, Any]]:
    server = build_fitness_server()
    register_catalogue(server)

    async def run() -> list[dict[str, Any]]:
        async with Client(server, mode="legacy") as client:
            listed = await client.list_tools()
        return [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in listed.tools]

    return asyncio.run(run())


@pytest.fixture(scope="module")
def tools() -> dict[str, dict[str, Any]]:
    return {tool["name"]: tool for tool in tools_listed()}


def arguments(tools: dict[str, dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    listed = [
        (tool_name, name, schema)
        for tool_name, tool in tools.items()
        for name, schema in tool["inputSchema"]["properties"].items()
    ]
    assert len(listed) > 60
    return listed


def declared_ranges() -> dict[tuple[str, str], tuple[float, float]]:
    """Each tool argument's `ge`/`le` as the validating pydantic model sees them, read from the wrappers."""
    ranges = {}
    for tool in TOOL_CATALOGUE:
        hints = get_type_hints(WRAPPERS[tool.calculator.__name__], include_extras=True)
        for name, hint in hints.items():
            if get_origin(hint) is not Annotated:
                continue
            constraints = [
                item for field in get_args(hint)[1:] if isinstance(field, FieldInfo) for item in field.metadata
            ]
            low = [item.ge for item in constraints if isinstance(item, annotated_types.Ge)]
            high = [item.le for item in constraints if isinstance(item, annotated_types.Le)]
            if low or high:
                ranges[(tool.name, name)] = (low[0], high[0])
    return ranges


def test_every_argument_has_a_description_and_no_title_made_from_its_name(tools):
    for tool_name, name, schema in arguments(tools):
        assert schema.get("description"), (tool_name, name)
        assert "title" not in schema, (tool_name, name)
    assert all("title" not in tool["inputSchema"] for tool in tools.values())


def test_every_range_the_model_validates_is_advertised_with_its_unit_and_not_repeated_in_prose(tools):
    ranges = declared_ranges()
    assert len(ranges) > 30
    advertised = {
        (tool_name, name): (schema["minimum"], schema["maximum"])
        for tool_name, name, schema in arguments(tools)
        if "minimum" in schema or "maximum" in schema
    }
    assert advertised == ranges
    for (tool_name, name), (low, high) in ranges.items():
        description = tools[tool_name]["inputSchema"]["properties"][name]["description"]
        assert f"{low:g}–{high:g}" not in description, (tool_name, name)
        if name != "exponent":  # Riegel's exponent has no unit
            assert description.rsplit(", ", 1)[-1] in DOMAIN_UNITS, (tool_name, name, description)


def test_an_optional_argument_is_left_out_of_required_without_a_null_branch_or_a_null_default(tools):
    optional = [
        (tool_name, name, schema)
        for tool_name, name, schema in arguments(tools)
        if name not in tools[tool_name]["inputSchema"].get("required", [])
    ]
    assert len(optional) >= 15
    for tool_name, name, schema in optional:
        assert {"type": "null"} not in schema.get("anyOf", []), (tool_name, name)
        assert schema.get("type") != "null"
        assert schema.get("default", "absent") is not None, (tool_name, name)
    pace = tools["convert-pace"]["inputSchema"]["properties"]
    assert pace["speed_kmh"] == {"type": "number", "description": "Speed in km/h."}
    assert pace["pace_s_per_km"]["anyOf"] == [{"type": "number"}, {"type": "string"}]
    assert tools["predict-race-time"]["inputSchema"]["properties"]["exponent"]["default"] == 1.06


def test_a_bounded_argument_reads_as_its_type_range_and_described_unit(tools):
    assert tools["calculate-bmi"]["inputSchema"] == {
        "type": "object",
        "properties": {
            "weight_kg": {"type": "number", "minimum": 20, "maximum": 300, "description": "Body weight, kg"},
            "height_cm": {"type": "number", "minimum": 100, "maximum": 250, "description": "Height, cm"},
        },
        "required": ["weight_kg", "height_cm"],
    }


def test_what_a_model_reads_of_the_catalogue_stays_within_its_budget(tools):
    visible = [
        {key: tool[key] for key in ("name", "title", "description", "inputSchema") if key in tool}
        for tool in tools.values()
    ]
    assert len(visible) == len(TOOL_NAMES) == 19
    size = len(json.dumps(visible, separators=(",", ":"), ensure_ascii=False).encode())
    assert size <= MODEL_VISIBLE_BYTES_BEFORE * MODEL_VISIBLE_BUDGET


@pytest.mark.parametrize(
    "arguments",
    [{"speed_kmh": 12}, {"speed_kmh": 12, "pace_s_per_km": None, "distance_m": None}],
    ids=["left out", "explicit null"],
)
def test_optional_arguments_may_still_be_left_out_or_null(arguments):
    server = build_fitness_server()
    register_catalogue(server)

    async def run() -> Any:
        async with Client(server, mode="legacy") as client:
            return await client.call_tool("convert-pace", arguments)

    result = asyncio.run(run())
    assert result.is_error is False, result.content
    assert result.structured_content["pace_s_per_km"] == pytest.approx(300)
