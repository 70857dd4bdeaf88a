"""deploy/stage_template.py: each stage's API Gateway throttling from `.chalice/config.json` (stage over top level
over the documented defaults), a role that may write only to the function's own log group, and CORS headers on API
Gateway's own refusals that fit the stage's allowed origins."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import deploy.stage_template as stage_template_module
from deploy.stage_template import (
    API_KEY_HEADER,
    CORS_ALLOWED_HEADERS,
    CORS_EXPOSED_HEADERS,
    DEFAULT_BURST_LIMIT,
    DEFAULT_RATE_LIMIT,
    XRAY_STATEMENT,
    request_state_keys_to_add,
    stage_template,
)
from tests.support.lambda_package import PROJECT_ROOT

REQUEST_STATE_KEY = "a-request-state-key-of-this-test-0123456789"

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
            [sys.executable, str(STAGE_TEMPLATE), stage, str(output)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "MCP_REQUEST_STATE_KEYS": REQUEST_STATE_KEY},
            check=False,
        )
        assert result.returncode == 0
        added = request_state_keys_to_add(config, stage, {"MCP_REQUEST_STATE_KEYS": REQUEST_STATE_KEY})
        assert json.loads(output.read_text()) == stage_template(config, stage, added)
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


def gateway_response_headers(template: dict, response_type: str) -> dict[str, str]:
    responses = template["Resources"]["RestAPI"]["Properties"]["GatewayResponses"]
    assert set(responses) == {"DEFAULT_4XX", "DEFAULT_5XX"}
    return responses[response_type]["ResponseParameters"]["Headers"]


def quoted(values: tuple[str, ...]) -> str:
    """A static value of a gateway response header: in single quotes, as API Gateway's mapping syntax wants."""
    return "'" + ", ".join(values) + "'"


@pytest.mark.parametrize(
    ("origins", "allow_origin"),
    [
        ("https://app.example", "'https://app.example'"),
        ("https://app.example/", "'https://app.example'"),
        # A gateway response cannot pick one origin of several per request: see ALLOW_ANY_ORIGIN's comment.
        ("https://a.example, https://b.example", "'*'"),
        ("https://app.example:*", "'*'"),
        ("*", "'*'"),
        (None, "'*'"),
    ],
)
@pytest.mark.parametrize("response_type", ["DEFAULT_4XX", "DEFAULT_5XX"])
def test_api_gateway_s_own_refusals_carry_cors_headers_for_the_stage_s_origins(origins, allow_origin, response_type):
    environment = {"MCP_ALLOWED_ORIGINS": origins} if origins is not None else {}
    template = stage_template({"stages": {"dev": {"environment_variables": environment}}}, "dev")
    headers = gateway_response_headers(template, response_type)
    assert headers["Access-Control-Allow-Origin"] == allow_origin
    assert headers["Access-Control-Expose-Headers"] == quoted(CORS_EXPOSED_HEADERS)
    assert headers["Access-Control-Allow-Headers"] == quoted(CORS_ALLOWED_HEADERS)


def test_the_stage_s_origins_win_over_the_top_level_ones_as_chalice_combines_them():
    config = {
        "environment_variables": {"MCP_ALLOWED_ORIGINS": "https://top.example"},
        "stages": {"dev": {}, "prod": {"environment_variables": {"MCP_ALLOWED_ORIGINS": "https://prod.example"}}},
    }
    assert gateway_response_headers(stage_template(config, "dev"), "DEFAULT_4XX")["Access-Control-Allow-Origin"] == (
        "'https://top.example'"
    )
    assert gateway_response_headers(stage_template(config, "prod"), "DEFAULT_4XX")["Access-Control-Allow-Origin"] == (
        "'https://prod.example'"
    )


def test_a_stage_that_requires_api_keys_lets_browsers_send_the_key_header():
    config = {"stages": {"metered": {"environment_variables": {"MCP_API_KEY_REQUIRED": "true"}}, "dev": {}}}
    metered = gateway_response_headers(stage_template(config, "metered"), "DEFAULT_4XX")
    assert metered["Access-Control-Allow-Headers"] == quoted((*CORS_ALLOWED_HEADERS, API_KEY_HEADER))
    dev = gateway_response_headers(stage_template(config, "dev"), "DEFAULT_4XX")
    assert API_KEY_HEADER not in dev["Access-Control-Allow-Headers"]


def test_the_gateway_responses_name_the_headers_and_origins_the_function_uses():
    # deploy/ runs under any Python without the app's packages, so it keeps its own copies of these.
    from chalice_mcp.bridge import edge
    from chalice_mcp.settings import DEFAULT_ALLOWED_ORIGINS, Settings

    assert CORS_ALLOWED_HEADERS == edge.CORS_ALLOWED_HEADERS
    assert CORS_EXPOSED_HEADERS == edge.CORS_EXPOSED_HEADERS
    assert API_KEY_HEADER == edge.API_KEY_HEADER
    assert stage_template_module.DEFAULT_ALLOWED_ORIGINS == DEFAULT_ALLOWED_ORIGINS
    for value in stage_template_module.TRUE_VALUES:
        assert Settings.from_environment({"MCP_API_KEY_REQUIRED": value.upper()}).api_key_required is True


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


def test_a_stage_without_request_state_keys_is_refused_before_anything_is_packaged(tmp_path, capsys):
    """On Lambda the function would refuse every start without them: `make package` says so first."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"stages": {"dev": {}}}))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MCP_REQUEST_STATE_KEYS", raising=False)
        assert stage_template_module.main(["dev", str(tmp_path / "out.json"), str(config)]) == 2
    assert "MCP_REQUEST_STATE_KEYS" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()


def test_the_keys_given_to_make_package_go_into_the_function_s_environment(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"stages": {"dev": {}}}))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MCP_REQUEST_STATE_KEYS", REQUEST_STATE_KEY)
        assert stage_template_module.main(["dev", str(tmp_path / "out.json"), str(config)]) == 0
    template = json.loads((tmp_path / "out.json").read_text())
    variables = template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]
    assert variables == {"MCP_REQUEST_STATE_KEYS": REQUEST_STATE_KEY}


def test_a_stage_that_sets_its_own_request_state_keys_keeps_them(tmp_path):
    config = {"stages": {"prod": {"environment_variables": {"MCP_REQUEST_STATE_KEYS": REQUEST_STATE_KEY}}}}
    assert request_state_keys_to_add(config, "prod", {"MCP_REQUEST_STATE_KEYS": "other"}) is None
