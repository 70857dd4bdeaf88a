"""Settings read from the environment the Chalice stage sets."""

from __future__ import annotations

import pytest

from chalicelib.settings import DEFAULT_ALLOWED_ORIGINS, DEFAULT_MAX_BODY_BYTES, Settings, SettingsError


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


def test_lambda_initialization_type_is_read_with_the_other_settings():
    assert Settings.from_environment({}).lambda_initialization_type is None
    settings = Settings.from_environment({"AWS_LAMBDA_INITIALIZATION_TYPE": "snap-start"})
    assert settings.lambda_initialization_type == "snap-start"
