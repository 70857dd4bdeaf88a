"""Where the person knows what the model does not, the fitness server asks (2026-07-28, a client that declared
elicitation): `calculate-heart-rate-zones` without age or maximum asks for the age (and, optionally, the measured
maximum and resting rates); `estimate-calories-burned` with an activity not in the MET table asks which one it was.
Declining or cancelling is a plain tool error; handshake-era clients and clients without elicitation get exactly
the tool error they got before. Through the SDK's in-memory `mcp.Client`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from mcp import Client
from mcp_types import ElicitRequestFormParams, ElicitResult

from chalicelib import fitness
from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue

ZONES = "calculate-heart-rate-zones"
CALORIES = "estimate-calories-burned"
ZONES_REFUSAL = "give age (10-100 years) or max_heart_rate_bpm (100-230 bpm) to calculate heart-rate zones"
UNKNOWN_ACTIVITY = {"duration_min": 30, "weight_kg": 70, "activity": "zumba-aquatic"}


class Person:
    """An elicitation callback that answers each form as a person would, and remembers what it was asked."""

    def __init__(self, action: str = "accept", content: dict[str, Any] | None = None) -> None:
        self.action = action
        self.content = content
        self.asked: list[ElicitRequestFormParams] = []

    async def __call__(self, context: Any, params: Any) -> ElicitResult:
        assert isinstance(params, ElicitRequestFormParams)
        self.asked.append(params)
        return ElicitResult(action=self.action, content=self.content if self.action == "accept" else None)


def call(tool: str, arguments: dict[str, Any], *, mode: str = "2026-07-28", person: Person | None = None) -> Any:
    server = build_fitness_server()
    register_catalogue(server)

    async def run() -> Any:
        async with Client(server, mode=mode, elicitation_callback=person) as client:
            return await client.call_tool(tool, arguments)

    return asyncio.run(run())


def test_zones_without_age_or_maximum_ask_in_one_form_then_answer():
    person = Person(content={"age": 40, "resting_heart_rate_bpm": 60})
    result = call(ZONES, {}, person=person)
    assert not result.is_error, result.content
    assert len(person.asked) == 1
    schema = person.asked[0].requested_schema
    assert set(schema["properties"]) == {"age", "max_heart_rate_bpm", "resting_heart_rate_bpm"}
    assert schema["required"] == ["age"]
    expected = fitness.calculate_heart_rate_zones(age=40, resting_heart_rate_bpm=60)
    assert result.structured_content == expected.model_dump(mode="json")


def test_a_measured_maximum_given_in_the_form_is_used():
    result = call(ZONES, {}, person=Person(content={"age": 40, "max_heart_rate_bpm": 190}))
    assert result.structured_content == fitness.calculate_heart_rate_zones(40, 190).model_dump(mode="json")


def test_a_resting_rate_given_as_an_argument_is_kept_when_the_form_leaves_it_out():
    result = call(ZONES, {"resting_heart_rate_bpm": 55}, person=Person(content={"age": 30}))
    assert result.structured_content["method"] == "karvonen"
    assert result.structured_content == fitness.calculate_heart_rate_zones(30, None, 55).model_dump(mode="json")


def test_an_answer_out_of_range_is_the_domain_s_own_tool_error():
    result = call(ZONES, {}, person=Person(content={"age": 5}))
    assert result.is_error
    assert "age must be between 10 and 100" in result.content[0].text


@pytest.mark.parametrize("action", ["decline", "cancel"])
def test_declining_or_cancelling_is_the_plain_tool_error(action):
    result = call(ZONES, {}, person=Person(action=action))
    assert result.is_error
    assert result.content[0].text == ZONES_REFUSAL


@pytest.mark.parametrize(
    ("mode", "person"), [("legacy", Person(content={"age": 40})), ("2026-07-28", None)], ids=["2025", "no-elicitation"]
)
def test_older_clients_and_clients_without_elicitation_get_today_s_tool_error(mode, person):
    result = call(ZONES, {}, mode=mode, person=person)
    assert result.is_error
    assert result.content[0].text == ZONES_REFUSAL
    assert person is None or person.asked == []


def test_zones_with_an_age_ask_nothing():
    person = Person(content={"age": 99})
    result = call(ZONES, {"age": 40}, person=person)
    assert result.structured_content == fitness.calculate_heart_rate_zones(40).model_dump(mode="json")
    assert person.asked == []


def test_an_unknown_activity_asks_which_one_of_the_met_table_it_was():
    person = Person(content={"activity": "swimming-breaststroke"})
    result = call(CALORIES, UNKNOWN_ACTIVITY, person=person)
    assert not result.is_error, result.content
    (asked,) = person.asked
    choices = asked.requested_schema["properties"]["activity"]["oneOf"]
    assert [choice["const"] for choice in choices] == sorted(fitness.energy.MET_ACTIVITIES)
    expected = fitness.estimate_calories_burned(30, 70, "swimming-breaststroke")
    assert result.structured_content == expected.model_dump(mode="json")


def test_an_activity_chosen_outside_the_table_is_the_domain_s_own_tool_error():
    result = call(CALORIES, UNKNOWN_ACTIVITY, person=Person(content={"activity": "not-an-activity"}))
    assert result.is_error


@pytest.mark.parametrize(("mode", "action"), [("legacy", "accept"), ("2026-07-28", "decline")])
def test_an_unknown_activity_without_an_answer_is_today_s_tool_error(mode, action):
    today = call(CALORIES, UNKNOWN_ACTIVITY, mode="legacy")
    assert today.is_error and "activity must be a name from the MET table" in today.content[0].text
    person = Person(action=action, content={"activity": "swimming-breaststroke"})
    result = call(CALORIES, UNKNOWN_ACTIVITY, mode=mode, person=person)
    assert result.is_error
    assert result.content[0].text == today.content[0].text


def test_a_known_activity_or_a_met_value_asks_nothing():
    person = Person(content={"activity": "yoga"})
    assert not call(CALORIES, {**UNKNOWN_ACTIVITY, "activity": "running-10-kmh"}, person=person).is_error
    assert not call(CALORIES, {"duration_min": 30, "weight_kg": 70, "met": 5}, person=person).is_error
    assert person.asked == []


@pytest.mark.parametrize(
    ("tool", "arguments", "content"),
    [(ZONES, {}, {"age": "forty"}), (ZONES, {}, {}), (CALORIES, UNKNOWN_ACTIVITY, {"activity": 5})],
    ids=["zones-age-not-a-number", "zones-age-missing", "calories-activity-not-text"],
)
def test_an_answer_that_does_not_fit_the_form_is_a_plain_tool_error_naming_no_code(tool, arguments, content):
    """The SDK names the resolver by its module path ("Resolver 'chalicelib.mcp_server.questions:ask_for_...'"):
    the caller reads that the answer did not fit the question, nothing of the server's code."""
    result = call(tool, arguments, person=Person(content=content))
    assert result.is_error
    (text,) = [block.text for block in result.content]
    assert text == "the answer to the server's question was not usable: its content does not match the requested form"
    assert "chalicelib" not in text and "Resolver" not in text
