"""Settings read from the environment the Chalice stage sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalice_mcp.settings import DEFAULT_ALLOWED_ORIGINS, DEFAULT_MAX_BODY_BYTES, Settings, SettingsError


def test_defaults_allow_local_browser_origins_and_one_mebibyte_bodies():
    settings = Settings.from_environment({})
    assert settings.allowed_origins == DEFAULT_ALLOWED_ORIGINS
    assert settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 1024 * 1024
    assert settings.auth_mode == "none"


def test_allowed_origins_are_read_comma_separated():
    settings = Settings.from_environment({"MCP_ALLOWED_ORIGINS": "https://a.example, https://b.example:*"})
    assert settings.allowed_origins == ("https://a.example", "https://b.example:*")


def test_max_body_bytes_is_read_as_a_number():
    assert Settings.from_environment({"MCP_MAX_BODY_BYTES": "2048"}).max_body_bytes == 2048


@pytest.mark.parametrize(
    ("variable", "value"),
    [("MCP_MAX_BODY_BYTES", "lots"), ("MCP_MAX_BODY_BYTES", "-1"), ("MCP_AUTH", "basic")],
)
def test_a_bad_setting_names_what_is_wrong(variable, value):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({variable: value})
    assert "invalid MCP_* environment setting" in str(raised.value)


OAUTH = {"MCP_AUTH": "oauth", "MCP_OAUTH_ISSUER": "https://issuer.example", "MCP_SUBJECT_HASH_KEY": "k" * 32}


def test_oauth_without_a_public_url_or_an_audience_is_an_error_naming_both():
    with pytest.raises(SettingsError, match="MCP_PUBLIC_URL or MCP_OAUTH_AUDIENCE"):
        Settings.from_environment(OAUTH)


@pytest.mark.parametrize(
    ("environment", "resource"),
    [
        ({"MCP_PUBLIC_URL": "https://mcp.example/api/"}, "https://mcp.example/api/mcp"),
        ({"MCP_OAUTH_AUDIENCE": "https://fitness.example/mcp"}, "https://fitness.example/mcp"),
        (
            {"MCP_PUBLIC_URL": "https://mcp.example", "MCP_OAUTH_AUDIENCE": "https://fitness.example/mcp"},
            "https://fitness.example/mcp",
        ),
    ],
)
def test_the_resource_comes_from_the_audience_or_else_the_public_url(environment, resource):
    assert Settings.from_environment({**OAUTH, **environment}).resource_url == resource


def test_oauth_with_a_remote_issuer_needs_a_subject_hash_key_of_at_least_32_characters():
    environment = {**OAUTH, "MCP_PUBLIC_URL": "https://mcp.example"}
    del environment["MCP_SUBJECT_HASH_KEY"]
    with pytest.raises(SettingsError, match="MCP_SUBJECT_HASH_KEY"):
        Settings.from_environment(environment)
    with pytest.raises(SettingsError, match="MCP_SUBJECT_HASH_KEY: must be at least 32 characters"):
        Settings.from_environment({**environment, "MCP_SUBJECT_HASH_KEY": "short"})
    local = {**environment, "MCP_OAUTH_ISSUER": "http://localhost:8080"}
    assert Settings.from_environment(local).subject_hash_key is None


def test_the_subject_hash_key_is_never_shown():
    settings = Settings.from_environment({**OAUTH, "MCP_PUBLIC_URL": "https://mcp.example"})
    assert "k" * 32 not in repr(settings)
    assert "k" * 32 not in str(settings.startup_facts())
    assert settings.subject_hash_key_bytes == b"k" * 32


@pytest.mark.parametrize(
    "variable", ["MCP_OAUTH_ISSUER", "MCP_OAUTH_CLIENT_IDS", "MCP_PUBLIC_URL", "MCP_SUBJECT_HASH_KEY"]
)
def test_a_placeholder_left_in_a_stage_is_an_error_naming_the_variable_not_its_value(variable):
    environment = {**OAUTH, "MCP_PUBLIC_URL": "https://mcp.example", variable: "https://REPLACE-REGION.example/x"}
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment(environment)
    assert f"{variable} still holds a placeholder" in str(raised.value)
    assert "REPLACE-REGION" not in str(raised.value)


def test_the_prod_stage_as_shipped_is_refused_until_its_placeholders_are_filled_in():
    config = json.loads((Path(__file__).parents[2] / ".chalice" / "config.json").read_text())
    prod = {**config["environment_variables"], **config["stages"]["prod"]["environment_variables"]}
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment(prod)
    for variable in (
        "MCP_PUBLIC_URL",
        "MCP_OAUTH_UPSTREAM_ISSUER",
        "MCP_OAUTH_UPSTREAM_CLIENT_ID",
        "MCP_OAUTH_UPSTREAM_CLIENT_SECRET",
        "MCP_OAUTH_SIGNING_KEY",
        "MCP_OAUTH_SEALING_KEY",
        "MCP_SUBJECT_HASH_KEY",
    ):
        assert variable in str(raised.value)


def test_no_stage_pins_the_auth_mode_for_every_stage():
    # A top-level MCP_AUTH beats the shell's under `chalice local`: `MCP_AUTH=oauth chalice local` served authless.
    config = json.loads((Path(__file__).parents[2] / ".chalice" / "config.json").read_text())
    assert "MCP_AUTH" not in config.get("environment_variables", {})
    assert "MCP_AUTH" not in config["stages"]["dev"].get("environment_variables", {})
    local = {**config["environment_variables"], **config["stages"]["oauth-local"]["environment_variables"]}
    assert Settings.from_environment(local).auth_mode == "oauth"


def test_the_key_set_max_age_defaults_to_an_hour_and_must_be_positive():
    assert Settings.from_environment({}).oauth_jwks_max_age_seconds == 3600
    assert Settings.from_environment({"MCP_OAUTH_JWKS_MAX_AGE_SECONDS": "300"}).oauth_jwks_max_age_seconds == 300
    with pytest.raises(SettingsError, match="MCP_OAUTH_JWKS_MAX_AGE_SECONDS"):
        Settings.from_environment({"MCP_OAUTH_JWKS_MAX_AGE_SECONDS": "0"})


def test_lambda_initialization_type_is_read_with_the_other_settings():
    assert Settings.from_environment({}).lambda_initialization_type is None
    settings = Settings.from_environment({"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"})
    assert settings.lambda_initialization_type == "snap-start"


def test_the_startup_facts_say_who_may_call_and_warn_when_anyone_may():
    assert Settings.from_environment({}).startup_facts() == {
        "auth": "none",
        "api_key_required": False,
        "warning": "no authentication: anyone who can reach this server may call its tools",
    }
    assert "warning" not in Settings.from_environment({"MCP_API_KEY_REQUIRED": "true"}).startup_facts()
    oauth = Settings.from_environment({**OAUTH, "MCP_PUBLIC_URL": "https://mcp.example", "MCP_OAUTH_SCOPES": "a b"})
    assert oauth.startup_facts() == {
        "auth": "oauth",
        "api_key_required": False,
        "oauth_issuer": "https://issuer.example",
        "resource": "https://mcp.example/mcp",
        "scopes": "a b",
    }
