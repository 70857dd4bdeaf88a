"""API keys in the SAM template: the `metered` stage (MCP_API_KEY_REQUIRED=true) gets a usage plan with throttle and
quota on its API stage, a first key in it and the ids an operator needs; /mcp asks API Gateway for `x-api-key`. The
other stages get none of it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.lambda_package import PROJECT_ROOT

pytestmark = pytest.mark.e2e

API_KEY_RESOURCE_TYPES = {"AWS::ApiGateway::UsagePlan", "AWS::ApiGateway::ApiKey", "AWS::ApiGateway::UsagePlanKey"}
API_KEY_SECURITY = [{"api_key": []}]


def resources_of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: resource for name, resource in template["Resources"].items() if resource["Type"] == resource_type}


def swagger(template: dict[str, Any]) -> dict[str, Any]:
    """The API definition API Gateway imports (`Body` once the SAM transform has run)."""
    return template["Resources"]["RestAPI"]["Properties"]["Body"]


def test_the_metered_usage_plan_throttles_and_caps_each_key_on_the_api_stage(transformed):
    template = transformed["metered"]
    (usage_plan,) = resources_of_type(template, "AWS::ApiGateway::UsagePlan").values()
    properties = usage_plan["Properties"]
    throttle, quota = properties["Throttle"], properties["Quota"]
    assert 0 < throttle["RateLimit"] <= throttle["BurstLimit"]
    assert quota["Limit"] > 0
    assert quota["Period"] == "MONTH"

    (api_stage,) = properties["ApiStages"]
    assert api_stage["ApiId"] == {"Ref": "RestAPI"}
    stage = template["Resources"][api_stage["Stage"]["Ref"]]
    assert stage["Type"] == "AWS::ApiGateway::Stage"
    assert stage["Properties"]["RestApiId"] == {"Ref": "RestAPI"}
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    assert stage["Properties"]["StageName"] == config["stages"]["metered"]["api_gateway_stage"]


def test_the_metered_stack_puts_its_own_enabled_api_key_in_the_usage_plan(transformed):
    template = transformed["metered"]
    (usage_plan_name,) = resources_of_type(template, "AWS::ApiGateway::UsagePlan")
    ((api_key_name, api_key),) = resources_of_type(template, "AWS::ApiGateway::ApiKey").items()
    assert api_key["Properties"]["Enabled"] is True
    assert api_key["Properties"]["Name"] == {"Ref": "AWS::StackName"}
    (usage_plan_key,) = resources_of_type(template, "AWS::ApiGateway::UsagePlanKey").values()
    assert usage_plan_key["Properties"] == {
        "KeyId": {"Ref": api_key_name},
        "KeyType": "API_KEY",
        "UsagePlanId": {"Ref": usage_plan_name},
    }


def test_the_metered_stack_outputs_the_api_key_id_and_the_usage_plan_id(transformed):
    outputs = transformed["metered"]["Outputs"]
    assert outputs["ApiKeyId"]["Value"] == {"Ref": "ApiKey"}
    assert outputs["UsagePlanId"]["Value"] == {"Ref": "UsagePlan"}
    assert outputs["MCPEndpointURL"] == transformed["dev"]["Outputs"]["MCPEndpointURL"]


def test_metered_mcp_asks_api_gateway_for_an_x_api_key_header_and_discovery_stays_open(transformed):
    definition = swagger(transformed["metered"])
    assert definition["securityDefinitions"]["api_key"] == {"type": "apiKey", "name": "x-api-key", "in": "header"}
    assert definition["paths"]["/mcp"]["post"]["security"] == API_KEY_SECURITY
    for path in ("/", "/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"):
        assert "security" not in definition["paths"][path]["get"], path


@pytest.mark.parametrize("stage", ["dev", "prod"])
def test_a_stage_without_api_keys_has_no_usage_plan_and_no_api_key_on_mcp(transformed, stage):
    template = transformed[stage]
    assert {resource["Type"] for resource in template["Resources"].values()}.isdisjoint(API_KEY_RESOURCE_TYPES)
    assert {"ApiKeyId", "UsagePlanId"}.isdisjoint(template["Outputs"])
    definition = swagger(template)
    assert "api_key" not in definition.get("securityDefinitions", {})
    assert definition["paths"]["/mcp"]
    for method, operation in definition["paths"]["/mcp"].items():
        assert "security" not in operation, method
