"""The fitness server's catalogue and behaviour through the SDK's in-memory `mcp.Client`: names, schemas,
annotations, structured results, resources, prompts and completion."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, PromptReference, ResourceTemplateReference

from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue
from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE, TOOL_NAMES
from tests.support.tool_contract import TOOL_ARGUMENTS

# Claude truncates a tool result above 150 000 characters; ours must stay far below.
RESULT_SIZE_LIMIT = 150_000


def with_client(action: Callable[[Client], Awaitable[Any]]) -> Any:
    server = build_fitness_server()
    register_catalogue(server)

    async def run() -> Any:
        async with Client(server, mode="legacy") as client:
            return await action(client)

    return asyncio.run(run())


@pytest.fixture(scope="module")
def tools() -> dict[str, Any]:
    listed = with_client(lambda client: client.list_tools())
    return {tool.name: tool for tool in listed.tools}


def test_exactly_the_nineteen_contract_tools_are_listed_in_catalogue_order(tools):
    assert set(tools) == set(TOOL_ARGUMENTS)
    assert len(tools) == 19
    assert tuple(tools) == TOOL_NAMES


def test_each_tool_is_registered_with_its_catalogue_title_and_description(tools):
    assert len(TOOL_CATALOGUE) == 19
    for entry in TOOL_CATALOGUE:
        assert tools[entry.name].annotations.title == entry.title
        assert tools[entry.name].description == entry.description


@pytest.mark.parametrize("name", sorted(TOOL_ARGUMENTS))
def test_each_tool_offers_the_contract_argument_names(tools, name):
    schema = tools[name].input_schema
    required, optional = TOOL_ARGUMENTS[name]
    assert set(schema.get("required", [])) == required
    assert set(schema["properties"]) == required | optional


@pytest.mark.parametrize("name", sorted(TOOL_NAMES))
def test_each_tool_has_a_title_a_description_read_only_annotations_and_an_output_schema(tools, name):
    tool = tools[name]
    assert tool.annotations.title
    assert tool.description and len(tool.description) < 400
    assert tool.annotations.read_only_hint is True
    assert tool.annotations.idempotent_hint is True
    assert tool.annotations.destructive_hint is False
    assert tool.annotations.open_world_hint is False
    assert tool.output_schema["type"] == "object"


@pytest.mark.parametrize("entry", TOOL_CATALOGUE, ids=TOOL_NAMES)
def test_each_tool_answers_its_example_call_with_structured_content_and_a_short_summary(tools, entry):
    name, arguments, fields = entry.name, dict(entry.example.arguments), entry.example.result_fields
    result = with_client(lambda client: client.call_tool(name, arguments))
    assert result.is_error is False, result.content
    assert fields <= set(result.structured_content)
    assert set(result.structured_content) <= set(tools[name].output_schema["properties"])
    assert result.content[0].type == "text" and 0 < len(result.content[0].text) < 600
    size = len(json.dumps(result.structured_content)) + len(result.content[0].text)
    assert size < RESULT_SIZE_LIMIT


@pytest.mark.parametrize(
    ("name", "arguments", "field"),
    [
        ("estimate-vo2-max-cooper", {"distance_m": -100, "age": 30, "sex": "male"}, "distance_m"),
        ("estimate-max-heart-rate", {"age": 200}, "age"),
        ("estimate-max-heart-rate", {"age": 0}, "age"),
        ("estimate-one-rep-max", {"weight_kg": 100, "reps": 30}, "reps"),
        (
            "calculate-heart-rate-zones",
            {"max_heart_rate_bpm": 110, "resting_heart_rate_bpm": 115},
            "resting_heart_rate_bpm",
        ),
        ("estimate-body-fat-navy", {"sex": "female", "height_cm": 165, "neck_cm": 33, "waist_cm": 75}, "hip_cm"),
        ("calculate-vdot", {"distance_m": 5000, "time_s": "twenty minutes"}, "time_s"),
        ("convert-pace", {"pace_s_per_km": 300, "speed_kmh": 12}, "exactly one"),
        ("estimate-calories-burned", {"activity": "underwater-chess", "duration_min": 30, "weight_kg": 70}, "activity"),
        (
            "calculate-bmr",
            {"weight_kg": 70, "height_cm": 175, "age": 30, "sex": "male", "formula": "katch-mcardle"},
            "body_fat_percent",
        ),
    ],
)
def test_impossible_input_is_a_tool_error_naming_the_field(name, arguments, field):
    result = with_client(lambda client: client.call_tool(name, arguments))
    assert result.is_error is True
    assert field in result.content[0].text
    assert "Traceback" not in result.content[0].text


def test_durations_accept_clock_strings_as_well_as_seconds():
    as_text = with_client(lambda client: client.call_tool("calculate-vdot", {"distance_m": 10000, "time_s": "40:00"}))
    as_number = with_client(lambda client: client.call_tool("calculate-vdot", {"distance_m": 10000, "time_s": 2400}))
    assert as_text.structured_content == as_number.structured_content


def test_resources_list_the_formula_index_a_page_per_tool_and_the_met_table():
    listed = with_client(lambda client: client.list_resources())
    uris = {str(resource.uri) for resource in listed.resources}
    assert "fitness://formulas" in uris
    assert "fitness://activities" in uris
    assert {entry.formula_uri for entry in TOOL_CATALOGUE} <= uris
    assert {f"fitness://formulas/{name}" for name in TOOL_ARGUMENTS} <= uris


def test_formula_index_cites_every_tool():
    read = with_client(lambda client: client.read_resource("fitness://formulas"))
    text = read.contents[0].text
    assert read.contents[0].mime_type == "text/markdown"
    assert len(TOOL_NAMES) == 19
    for name in TOOL_NAMES:
        assert name in text
    assert "Cooper" in text and "Riegel" in text and "Mifflin" in text


def test_each_formula_page_is_the_catalogue_tool_formula_and_an_unknown_page_is_an_error():
    for entry in TOOL_CATALOGUE:
        read = with_client(lambda client, uri=entry.formula_uri: client.read_resource(uri))
        assert read.contents[0].mime_type == "text/markdown"
        assert entry.formula.formula in read.contents[0].text

    async def unknown(client: Client) -> str:
        try:
            await client.read_resource("fitness://formulas/estimate-everything")
        except MCPError as error:
            return str(error)
        return "no error"

    assert "estimate-everything" in with_client(unknown)


def test_met_table_is_json_with_the_activities_the_calorie_tool_takes():
    read = with_client(lambda client: client.read_resource("fitness://activities"))
    table = json.loads(read.contents[0].text)
    names = {row["activity"] for row in table["activities"]}
    assert "yoga" in names
    assert all(isinstance(row["met"], float | int) and row["met"] > 0 for row in table["activities"])


def test_one_activity_reads_through_the_template_and_an_unknown_one_is_invalid_params():
    read = with_client(lambda client: client.read_resource("fitness://activities/yoga"))
    assert json.loads(read.contents[0].text)["activity"] == "yoga"

    async def unknown(client: Client) -> tuple[int, str]:
        try:
            await client.read_resource("fitness://activities/underwater-chess")
        except MCPError as error:
            return error.error.code, error.error.message
        return 0, "no error"

    # The caller's typo, not the server's fault (it was -32603, internal error).
    code, message = with_client(unknown)
    assert code == INVALID_PARAMS
    assert "underwater-chess" in message


def test_prompts_guide_the_model_to_the_tools():
    listed = with_client(lambda client: client.list_prompts())
    assert {prompt.name for prompt in listed.prompts} == {"fitness-assessment", "race-plan"}
    assessment = with_client(
        lambda client: client.get_prompt("fitness-assessment", {"age": "34", "sex": "female", "goal": "endurance"})
    )
    text = assessment.messages[0].content.text
    assert "calculate-heart-rate-zones" in text and "estimate-vo2-max-cooper" in text
    plan = with_client(lambda client: client.get_prompt("race-plan", {"race_distance": "10k", "goal_time": "45:00"}))
    assert "calculate-vdot" in plan.messages[0].content.text and "45:00" in plan.messages[0].content.text


@pytest.mark.parametrize(
    ("reference", "argument", "prefix", "expected"),
    [
        (PromptReference(type="ref/prompt", name="fitness-assessment"), "sex", "f", ["female"]),
        (PromptReference(type="ref/prompt", name="race-plan"), "race_distance", "half", ["half-marathon"]),
        (
            ResourceTemplateReference(type="ref/resource", uri="fitness://activities/{activity}"),
            "activity",
            "yog",
            ["yoga", "yoga-power"],
        ),
    ],
)
def test_enumerated_arguments_complete(reference, argument, prefix, expected):
    completed = with_client(lambda client: client.complete(reference, {"name": argument, "value": prefix}))
    assert completed.completion.values == expected
