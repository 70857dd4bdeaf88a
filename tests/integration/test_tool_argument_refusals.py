"""Arguments the tool schemas refuse are reported as the domain reports its own refusals: one line per bad argument,
naming it and what it allows, with no pydantic report or URL, in both protocol eras."""

from __future__ import annotations

import json

import pytest

from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_request, request_body

COOPER = "estimate-vo2-max-cooper"


def tool_error_text(http, tool: str, arguments: dict, *, modern: bool) -> str:
    params = {"name": tool, "arguments": arguments}
    if modern:
        response = http.post(
            "/mcp", headers=modern_headers("tools/call", tool), body=encode(modern_request("tools/call", params))
        )
    else:
        response = http.post("/mcp", headers=handshake_headers(), body=encode(request_body("tools/call", params)))
    assert response.status_code == 200
    result = json.loads(response.body)["result"]
    assert result["isError"] is True, result
    [content] = result["content"]
    return content["text"]


ERAS = pytest.mark.parametrize("modern", [False, True], ids=["handshake", "per-request"])


@ERAS
def test_a_value_out_of_the_schema_range_is_refused_in_the_domain_words(http, modern):
    # Before: "1 validation error for estimate_vo2_max_cooperArguments ... For further information visit
    # https://errors.pydantic.dev/...".
    text = tool_error_text(http, COOPER, {"distance_m": -5, "age": 25, "sex": "male"}, modern=modern)
    assert text == "distance_m must be between 700 and 5000 m (got -5)"


@ERAS
def test_each_bad_argument_gets_one_line(http, modern):
    arguments = {"distance_m": 99999, "age": "old", "sex": "other"}
    text = tool_error_text(http, COOPER, arguments, modern=modern)
    assert text.splitlines() == [
        "distance_m must be between 700 and 5000 m (got 99999)",
        "age must be a number (got 'old')",
        "sex must be 'male' or 'female' (got 'other')",
    ]


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        (COOPER, {"age": 25, "sex": "male"}, "distance_m is required: between 700 and 5000 m"),
        ("estimate-one-rep-max", {"weight_kg": 100, "reps": 5.5}, "reps must be a whole number"),
        ("estimate-one-rep-max", {"weight_kg": 100, "reps": 50}, "reps must be between 1 and 10"),
        ("calculate-vdot", {"distance_m": 5000, "time_s": [1, 2]}, "time_s must be a number or text (got [1, 2])"),
        ("calculate-bmi", {"weight_kg": True, "height_cm": 175}, "weight_kg must be between 20 and 300 kg (got True)"),
        ("calculate-bmi", {"weight_kg": "x" * 5000, "height_cm": 175}, "weight_kg must be a number (got 'xxxx"),
    ],
)
@ERAS
def test_refusals_name_the_argument_and_never_carry_library_text(http, tool, arguments, expected, modern):
    text = tool_error_text(http, tool, arguments, modern=modern)
    assert text.startswith(expected), text
    assert len(text) < 200
    for library_text in ("pydantic", "validation error", "type=", "input_value", "https://"):
        assert library_text not in text


@ERAS
def test_a_domain_refusal_has_the_same_plain_form_without_the_sdk_prefix(http, modern):
    # hip_cm is optional in the schema; the domain requires it for women. Before: "Error executing tool ...: hip_cm".
    arguments = {"sex": "female", "height_cm": 165, "neck_cm": 34, "waist_cm": 75}
    text = tool_error_text(http, "estimate-body-fat-navy", arguments, modern=modern)
    assert text.startswith("hip_cm ")
    assert "Error executing tool" not in text
