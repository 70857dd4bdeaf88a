"""MCP_OAUTH_SCOPE_GRANTS: who gets a scope, decided from the upstream's ID token claims when the server issues its own
tokens; read from the environment, and applied to requested scopes."""

from __future__ import annotations

import json

import pytest

from chalice_mcp.auth.authorization_server.scope_grants import ScopeGrants
from chalice_mcp.settings import Settings, SettingsError

AS_MODE = {
    "MCP_AUTH": "oauth",
    "MCP_PUBLIC_URL": "http://127.0.0.1:8000",
    "MCP_OAUTH_SCOPES": "fitness:calculate",
    "MCP_OAUTH_TOOL_SCOPES": '{"calculate-vdot": "fitness:premium", "calculate-bmr": "fitness:energy"}',
    "MCP_OAUTH_UPSTREAM_ISSUER": "http://127.0.0.1:8081",
    "MCP_OAUTH_UPSTREAM_CLIENT_ID": "upstream-client",
    "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": "upstream-secret",
}
PREMIUM = {"fitness:premium": {"claim": "cognito:groups", "contains": "premium"}}


def grants_from(rules: object) -> Settings:
    return Settings.from_environment({**AS_MODE, "MCP_OAUTH_SCOPE_GRANTS": json.dumps(rules)})


def test_grants_are_read_as_a_json_object_from_scope_to_rule():
    settings = grants_from({**PREMIUM, "fitness:energy": {"claim": "plan", "equals": "gold"}})
    assert set(settings.oauth_scope_grants) == {"fitness:premium", "fitness:energy"}
    assert Settings.from_environment(AS_MODE).oauth_scope_grants == {}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not json", "JSON object"),
        ('["fitness:premium"]', "JSON object"),
        ('{"fitness:premium": "premium"}', "claim"),
        ('{"fitness:premium": {"claim": "cognito:groups"}}', "contains"),
        ('{"fitness:premium": {"claim": "g", "contains": "a", "equals": "b"}}', "contains"),
        ('{"fitness:premium": {"claim": "", "contains": "premium"}}', "claim"),
        ('{"fitness:premium": {"claim": "g", "contains": 3}}', "contains"),
        ('{"fitness:unknown": {"claim": "g", "contains": "premium"}}', "fitness:unknown"),
        ('{"fitness:premium": {"claim": "g", "contains": "a"}, "fitness:premium": 1}', 'names "fitness:premium" twice'),
        ('{"fitness:premium": {"claim": "g", "claim": "h", "contains": "a"}}', 'names "claim" twice'),
    ],
)
def test_a_malformed_grant_setting_is_an_error_naming_the_variable(value, problem):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({**AS_MODE, "MCP_OAUTH_SCOPE_GRANTS": value})
    assert "MCP_OAUTH_SCOPE_GRANTS" in str(raised.value)
    assert problem in str(raised.value)


def test_grants_without_the_authorization_server_are_refused():
    environment = {key: value for key, value in AS_MODE.items() if "UPSTREAM" not in key}
    environment["MCP_SUBJECT_HASH_KEY"] = "k" * 32
    environment["MCP_OAUTH_ISSUER"] = "https://issuer.example"
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({**environment, "MCP_OAUTH_SCOPE_GRANTS": json.dumps(PREMIUM)})
    assert "MCP_OAUTH_SCOPE_GRANTS" in str(raised.value) and "MCP_OAUTH_UPSTREAM_ISSUER" in str(raised.value)


def test_a_scope_with_a_rule_is_granted_only_when_the_claim_holds():
    grants = ScopeGrants(grants_from({**PREMIUM, "fitness:energy": {"claim": "plan", "equals": "gold"}}))
    requested = ["fitness:calculate", "fitness:premium", "fitness:energy"]
    assert grants.granted(requested, {"cognito:groups": ["premium"], "plan": "gold"}) == requested
    assert grants.granted(requested, {"cognito:groups": ["athletes"], "plan": "silver"}) == ["fitness:calculate"]
    assert grants.granted(requested, {}) == ["fitness:calculate"]
    # No claims at all (a refresh whose answer has no ID token): only the scopes without a rule.
    assert grants.granted(requested, None) == ["fitness:calculate"]


def test_contains_reads_a_list_or_a_space_separated_string():
    grants = ScopeGrants(grants_from(PREMIUM))
    assert grants.granted(["fitness:premium"], {"cognito:groups": "athletes premium"}) == ["fitness:premium"]
    assert grants.granted(["fitness:premium"], {"cognito:groups": "premiumish"}) == []
    assert grants.granted(["fitness:premium"], {"cognito:groups": {"premium": True}}) == []


def test_only_the_claims_the_rules_read_are_kept():
    grants = ScopeGrants(grants_from(PREMIUM))
    kept = grants.claims_to_keep({"sub": "a", "email": "a@example.com", "cognito:groups": ["premium"]})
    assert kept == {"cognito:groups": ["premium"]}


def test_without_rules_every_requested_scope_is_granted():
    grants = ScopeGrants(Settings.from_environment(AS_MODE))
    assert grants.granted(["fitness:calculate", "fitness:premium"], None) == ["fitness:calculate", "fitness:premium"]


def test_equals_matches_the_value_and_its_type():
    grants = ScopeGrants(grants_from({"fitness:premium": {"claim": "email_verified", "equals": True}}))
    assert grants.granted(["fitness:premium"], {"email_verified": True}) == ["fitness:premium"]
    assert grants.granted(["fitness:premium"], {"email_verified": 1}) == []
    assert grants.granted(["fitness:premium"], {"email_verified": "true"}) == []


def test_the_startup_facts_name_the_scopes_with_a_rule_and_the_claim_it_reads():
    facts = grants_from(PREMIUM).startup_facts()
    assert facts["scope_grants"] == {"fitness:premium": "cognito:groups"}
