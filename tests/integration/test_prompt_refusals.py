"""A prompt the caller gets wrong (unknown name, missing arguments) is invalid params naming what is wrong, in both
protocol eras, and no ERROR log record: the SDK alone answers error code 0 and logs a traceback."""

from __future__ import annotations

import json
import logging

import pytest
from mcp_types import INVALID_PARAMS

from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_request, request_body

ERAS = pytest.mark.parametrize("modern", [False, True], ids=["handshake", "per-request"])


def prompt_error(http, name: str, arguments: dict[str, str], *, modern: bool) -> dict:
    params = {"name": name, "arguments": arguments}
    if modern:
        response = http.post(
            "/mcp", headers=modern_headers("prompts/get", name), body=encode(modern_request("prompts/get", params))
        )
    else:
        response = http.post("/mcp", headers=handshake_headers(), body=encode(request_body("prompts/get", params)))
    # The 2026-07-28 transport carries a JSON-RPC error on an HTTP 400 as well; a 2025 reply is a 200.
    assert response.status_code == (400 if modern else 200)
    return json.loads(response.body)["error"]


@ERAS
@pytest.mark.parametrize(
    ("name", "arguments", "named"),
    [
        ("no-such-prompt", {}, "Unknown prompt: no-such-prompt"),
        ("race-plan", {"race_distance": "10k"}, "goal_time"),
    ],
    ids=["unknown-prompt", "missing-argument"],
)
def test_a_prompt_the_caller_gets_wrong_is_invalid_params_without_an_error_log(
    http, caplog, modern, name, arguments, named
):
    with caplog.at_level(logging.DEBUG):
        error = prompt_error(http, name, arguments, modern=modern)
    assert error["code"] == INVALID_PARAMS
    assert named in error["message"]
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
