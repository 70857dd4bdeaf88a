"""deploy/stage_template.py: each stage's API Gateway throttling from `.chalice/config.json` (stage over top level
over the documented defaults) and a role that may write only to the function's own log group."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from deploy.stage_template import DEFAULT_BURST_LIMIT, DEFAULT_RATE_LIMIT, XRAY_STATEMENT, stage_template
from tests.support.lambda_package import PROJECT_ROOT

STAGE_TEMPLATE = PROJECT_ROOT / "deploy" / "stage_template.py"


def throttling(template: dict) -> tuple[float, int]:
    [settings] = template["Resources"]["RestAPI"]["Properties"]["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    return settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]


def statements(template: dict) -> list[dict]:
    [policy] = template["Resources"]["ApiHandlerRole"]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def test_a_stage_without_throttling_gets_the_top_level_values_and_else_the_defaults():
    assert throttling(stage_template({"stages": {"dev": {}}}, "dev")) == (DEFAULT_RATE_LIMIT, DEFAULT_BURST_LIMIT)
    top_level = {"api_gateway_throttling": {"rate_limit": 7}, "stages": {"dev": {}}}
    assert throttling(stage_template(top_level, "dev")) == (7, DEFAULT_BURST_LIMIT)
    staged = {**top_level, "stages": {"dev": {"api_gateway_throttling": {"rate_limit": 3, "burst_limit": 4}}}}
    assert throttling(stage_template(staged, "dev")) == (3, 4)


@pytest.mark.parametrize("value", [0, -1, "10", True, None])
def test_a_throttling_value_that_is_not_a_positive_number_is_refused(value):
    config = {"stages": {"dev": {"api_gateway_throttling": {"rate_limit": value}}}}
    with pytest.raises(ValueError, match="rate_limit"):
        stage_template(config, "dev")


def test_the_role_writes_only_to_the_functions_log_group_and_to_x_ray_only_when_traced():
    [logs] = statements(stage_template({"stages": {"dev": {"xray": False}}}, "dev"))
    assert logs["Resource"] == {"Fn::GetAtt": ["ApiHandlerLogGroup", "Arn"]}
    assert sorted(logs["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statements(stage_template({"stages": {"prod": {"xray": True}}}, "prod"))[1] == XRAY_STATEMENT


def test_the_script_writes_the_template_of_a_configured_stage_and_refuses_an_unknown_one(tmp_path):
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    assert set(config["stages"]) >= {"dev", "prod", "metered"}
    for stage in config["stages"]:
        output = tmp_path / f"{stage}.json"
        result = subprocess.run(
            [sys.executable, str(STAGE_TEMPLATE), stage, str(output)], cwd=PROJECT_ROOT, check=False
        )
        assert result.returncode == 0
        assert json.loads(output.read_text()) == stage_template(config, stage)
    unknown = subprocess.run(
        [sys.executable, str(STAGE_TEMPLATE), "nope", str(tmp_path / "nope.json")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_every_stage_has_a_policy_file_that_writes_only_to_its_functions_log_group():
    # `chalice deploy` uses these (autogen_policy is off): Chalice's generated policy may write to every log group.
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    assert config["autogen_policy"] is False
    assert config["stages"]
    for stage, stage_config in config["stages"].items():
        document = json.loads((PROJECT_ROOT / ".chalice" / f"policy-{stage}.json").read_text())
        group = f"arn:*:logs:*:*:log-group:/aws/lambda/{config['app_name']}-{stage}"
        resources = {statement["Resource"] for statement in document["Statement"]}
        traced = bool(stage_config.get("xray", config.get("xray", False)))
        assert resources == ({group, group + ":*", "*"} if traced else {group, group + ":*"})
        for statement in document["Statement"]:
            if statement["Resource"] == "*":
                assert all(action.startswith("xray:") for action in statement["Action"])


UPSTREAM_STAGE = {
    "environment_variables": {"MCP_OAUTH_UPSTREAM_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/x"}
}


def test_an_authorization_server_stage_gets_its_table_with_ttl_and_a_role_limited_to_its_items():
    template = stage_template({"stages": {"prod": UPSTREAM_STAGE}}, "prod")
    table = template["Resources"]["OAuthGrantsTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    variables = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables == {"MCP_OAUTH_TABLE": {"Ref": "OAuthGrantsTable"}}
    [table_statement] = [each for each in statements(template) if "dynamodb:GetItem" in each["Action"]]
    assert sorted(table_statement["Action"]) == ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    assert table_statement["Resource"] == {"Fn::GetAtt": ["OAuthGrantsTable", "Arn"]}


def test_a_stage_without_an_upstream_gets_no_table_and_no_table_permission():
    template = stage_template({"stages": {"dev": {"environment_variables": {"MCP_AUTH": "oauth"}}}}, "dev")
    assert "OAuthGrantsTable" not in template["Resources"]
    assert "APIHandler" not in template["Resources"]
    assert all("dynamodb:GetItem" not in each["Action"] for each in statements(template))


def test_the_authorization_server_routes_invoke_the_alias_and_match_the_blueprints():
    from chalice_mcp.auth.authorization_server.paths import ROUTE_METHODS
    from deploy.stage_template import ALIAS_INTEGRATION, AUTHORIZATION_SERVER_ROUTES

    assert AUTHORIZATION_SERVER_ROUTES == ROUTE_METHODS
    paths = stage_template({"stages": {"prod": UPSTREAM_STAGE}}, "prod")["Resources"]["RestAPI"]["Properties"]
    assert paths["DefinitionBody"]["paths"]["/token"] == {"post": ALIAS_INTEGRATION, "options": ALIAS_INTEGRATION}
    assert set(paths["DefinitionBody"]["paths"]) == set(ROUTE_METHODS)
