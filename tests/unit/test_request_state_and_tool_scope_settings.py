"""MCP_REQUEST_STATE_KEYS (the keys that seal multi-round request state) and MCP_OAUTH_TOOL_SCOPES (scopes some
tools need beyond MCP_OAUTH_SCOPES), as read from the environment."""

from __future__ import annotations

import pytest

from chalice_mcp.settings import Settings, SettingsError

OLD_KEY = "old-request-state-key-0123456789abcdef"
NEW_KEY = "new-request-state-key-0123456789abcdef"
OAUTH = {
    "MCP_AUTH": "oauth",
    "MCP_OAUTH_ISSUER": "https://issuer.example",
    "MCP_PUBLIC_URL": "https://mcp.example",
    "MCP_SUBJECT_HASH_KEY": "k" * 32,
    "MCP_OAUTH_SCOPES": "fitness:calculate",
}


def test_request_state_keys_are_read_comma_separated_in_order_and_never_shown():
    settings = Settings.from_environment({"MCP_REQUEST_STATE_KEYS": f" {NEW_KEY} , {OLD_KEY} "})
    assert settings.request_state_key_bytes == (NEW_KEY.encode(), OLD_KEY.encode())
    assert NEW_KEY not in repr(settings) and OLD_KEY not in repr(settings)
    assert NEW_KEY not in str(settings.startup_facts())
    assert Settings.from_environment({}).request_state_key_bytes == ()


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("too-short", "at least 32 bytes"),
        (f"{NEW_KEY},short", "at least 32 bytes"),
        (f"{NEW_KEY},{NEW_KEY}", "listed twice"),
    ],
)
def test_a_bad_request_state_key_is_an_error_naming_the_variable_not_the_value(value, problem):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({"MCP_REQUEST_STATE_KEYS": value})
    assert "MCP_REQUEST_STATE_KEYS" in str(raised.value) and problem in str(raised.value)
    assert NEW_KEY not in str(raised.value) and "too-short" not in str(raised.value)


def test_lambda_is_recognised_by_its_function_name_or_its_initialization_type():
    assert not Settings.from_environment({}).on_lambda
    assert Settings.from_environment({"AWS_LAMBDA_FUNCTION_NAME": "fitness-mcp-dev"}).on_lambda
    assert Settings.from_environment({"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"}).on_lambda


def test_tool_scopes_are_a_json_object_from_tool_name_to_scope():
    settings = Settings.from_environment(
        {**OAUTH, "MCP_OAUTH_TOOL_SCOPES": '{"calculate-vdot": "fitness:premium", "calculate-bmr": "fitness:energy"}'}
    )
    assert settings.oauth_tool_scopes == {"calculate-vdot": "fitness:premium", "calculate-bmr": "fitness:energy"}
    assert Settings.from_environment(OAUTH).oauth_tool_scopes == {}


def test_every_scope_is_the_required_ones_then_each_tool_scope_once():
    settings = Settings.from_environment(
        {**OAUTH, "MCP_OAUTH_TOOL_SCOPES": '{"a": "fitness:premium", "b": "fitness:premium", "c": "fitness:calculate"}'}
    )
    assert settings.all_scopes == ("fitness:calculate", "fitness:premium")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("calculate-vdot=fitness:premium", "must be a JSON object"),
        ('["fitness:premium"]', "must be a JSON object"),
        ('{"calculate-vdot": 3}', "calculate-vdot"),
        ('{"calculate-vdot": ""}', "calculate-vdot"),
        ('{"calculate-vdot": "two scopes"}', "calculate-vdot"),
        ('{"calculate-vdot": "bad\\"quote"}', "calculate-vdot"),
        ('{"": "fitness:premium"}', "tool name"),
        ('{"calculate-vdot": "a:b", "calculate-vdot": "fitness:calculate"}', 'names "calculate-vdot" twice'),
    ],
)
def test_a_malformed_tool_scope_setting_is_an_error_naming_it(value, problem):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({**OAUTH, "MCP_OAUTH_TOOL_SCOPES": value})
    assert "MCP_OAUTH_TOOL_SCOPES" in str(raised.value) and problem in str(raised.value)


def test_tool_scopes_without_oauth_are_refused_rather_than_left_unchecked():
    with pytest.raises(SettingsError, match="MCP_OAUTH_TOOL_SCOPES needs MCP_AUTH=oauth"):
        Settings.from_environment({"MCP_OAUTH_TOOL_SCOPES": '{"calculate-vdot": "fitness:premium"}'})


def test_the_startup_facts_count_the_request_state_keys_and_name_the_gated_tools():
    environment = {**OAUTH, "MCP_REQUEST_STATE_KEYS": f"{NEW_KEY},{OLD_KEY}", "MCP_OAUTH_TOOL_SCOPES": '{"a": "b"}'}
    facts = Settings.from_environment(environment).startup_facts()
    assert facts["request_state_keys"] == 2
    assert facts["tool_scopes"] == {"a": "b"}
    assert "request_state_keys" not in Settings.from_environment({}).startup_facts()
