"""The SAM template `make package` writes for each stage: valid for cfn-lint before and after the SAM transform,
SnapStart wired through the published alias, and the stage settings of `.chalice/config.json` in place."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalice_mcp.settings import Settings
from tests.support.lambda_package import PROJECT_ROOT

pytestmark = pytest.mark.e2e

CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))
SNAPSTART_ALIAS = "APIHandlerAliaslive"
# The integration deploy/merge-template.json gives each route: API Gateway invokes the alias, which has the invoke
# permission, not the bare function (which would be refused with a 500).
ALIAS_INVOCATION_URI = {
    "Fn::Sub": [
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AliasArn}/invocations",
        {"AliasArn": {"Ref": "APIHandler.Alias"}},
    ]
}

# Every stage of .chalice/config.json that the package fixtures build.
STAGES = {"dev", "prod", "metered"}


def cfn_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CFN_LINT, *map(str, paths)], capture_output=True, text=True, check=False)


def test_the_sam_templates_of_every_stage_pass_cfn_lint(all_packages):
    assert set(all_packages) == {"dev", "prod", "metered"}
    result = cfn_lint(*(package.directory / "sam.json" for package in all_packages.values()))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sam_transform_of_every_stage_passes_cfn_lint(transformed, tmp_path):
    paths = []
    assert set(transformed) == STAGES
    for stage, template in transformed.items():
        paths.append(tmp_path / f"{stage}-transformed.json")
        paths[-1].write_text(json.dumps(template))
    result = cfn_lint(*paths)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_rejects_snapstart_on_a_runtime_older_than_python_3_12(transformed, tmp_path):
    """The check above can fail: packaging with python3.11 would give SnapStart a runtime it does not support."""
    template = copy.deepcopy(transformed["dev"])
    template["Resources"]["APIHandler"]["Properties"]["Runtime"] = "python3.11"
    path = tmp_path / "python311.json"
    path.write_text(json.dumps(template))
    result = cfn_lint(path)
    assert result.returncode != 0
    assert "SnapStart" in result.stdout


def test_the_function_runs_python_3_12_or_later_with_snapstart_on_its_published_versions(dev_package):
    major, minor = map(int, dev_package.runtime.removeprefix("python").split("."))
    assert (major, minor) >= (3, 12)
    assert dev_package.function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert dev_package.function["AutoPublishAlias"] == "live"


def test_every_route_of_every_stage_invokes_the_snapstart_alias(all_packages):
    """SnapStart applies to published versions, and the invoke permission is the alias's: a route that invoked the
    bare function would answer 500 in AWS. A route added to app.py without an entry in deploy/merge-template.json
    fails here."""
    assert set(all_packages) == STAGES
    for stage, package in all_packages.items():
        paths = package.template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
        routes = {
            f"{method.upper()} {path}": operation["x-amazon-apigateway-integration"]["uri"]
            for path, operations in paths.items()
            for method, operation in operations.items()
        }
        assert {"POST /mcp", "GET /"} <= set(routes), stage
        not_through_the_alias = [route for route, uri in routes.items() if uri != ALIAS_INVOCATION_URI]
        assert not_through_the_alias == [], f"{stage}: routes missing from deploy/merge-template.json"


def test_the_invoke_permission_is_the_snapstart_alias_s_after_the_sam_transform(transformed):
    """`APIHandler.Alias`, which the routes and the permission name, is the alias SAM creates."""
    assert set(transformed) == STAGES
    for template in transformed.values():
        resources = template["Resources"]
        assert resources["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {"Ref": SNAPSTART_ALIAS}
        assert resources[SNAPSTART_ALIAS]["Type"] == "AWS::Lambda::Alias"


def test_the_function_logs_to_the_log_group_that_has_the_stage_retention(transformed):
    """Chalice 1.34 names the log group after `ApiHandler` while the function is `APIHandler` (aws/chalice#2079);
    the merge template points the function at its log group instead."""
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    assert set(transformed) == STAGES
    for stage, template in transformed.items():
        resources = template["Resources"]
        log_group = resources["ApiHandlerLogGroup"]
        assert log_group["Properties"]["RetentionInDays"] == config["stages"][stage]["log_retention_in_days"]
        logging_config = resources["APIHandler"]["Properties"]["LoggingConfig"]
        assert logging_config["LogGroup"] == {"Ref": "ApiHandlerLogGroup"}


def test_dev_is_authless_and_prod_asks_for_oauth_on_a_regional_endpoint(dev_package, prod_package):
    # dev sets no MCP_AUTH (so the shell's reaches `chalice local`): the settings' default, none, applies.
    assert "MCP_AUTH" not in dev_package.environment
    assert Settings.from_environment(dev_package.environment).auth_mode == "none"
    assert prod_package.environment["MCP_AUTH"] == "oauth"
    assert prod_package.environment["MCP_OAUTH_UPSTREAM_ISSUER"]
    assert prod_package.template["Resources"]["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"


def test_metered_is_authless_but_asks_for_api_keys_on_a_regional_endpoint(metered_package):
    assert metered_package.environment["MCP_AUTH"] == "none"
    assert metered_package.environment["MCP_API_KEY_REQUIRED"] == "true"
    assert metered_package.template["Resources"]["RestAPI"]["Properties"]["EndpointConfiguration"] == "REGIONAL"


def test_memory_and_timeout_come_from_the_chalice_config(all_packages):
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    assert set(all_packages) == STAGES
    for package in all_packages.values():
        assert package.function["MemorySize"] == config["lambda_memory_size"]
        assert package.function["Timeout"] == config["lambda_timeout"]


def test_the_stack_outputs_the_mcp_url_to_give_claude(transformed):
    url = transformed["dev"]["Outputs"]["MCPEndpointURL"]["Value"]["Fn::Sub"]
    assert url.startswith("https://${RestAPI}.execute-api.")
    assert url.endswith("/api/mcp")


def test_the_role_may_write_only_to_the_functions_own_log_group(transformed):
    """Chalice's generated policy allows `arn:*:logs:*:*:*`; deploy/stage_template.py narrows it."""
    for stage, template in transformed.items():
        [policy] = template["Resources"]["ApiHandlerRole"]["Properties"]["Policies"]
        statements = policy["PolicyDocument"]["Statement"]
        log_statements = [s for s in statements if any(a.startswith("logs:") for a in s["Action"])]
        assert log_statements, stage
        for statement in log_statements:
            assert statement["Resource"] == {"Fn::GetAtt": ["ApiHandlerLogGroup", "Arn"]}, stage
        assert "arn:*:logs:*:*:*" not in json.dumps(statements), stage


def test_every_stage_throttles_its_api_with_the_rate_and_burst_of_its_config(transformed):
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    for stage, template in transformed.items():
        expected = {**config["api_gateway_throttling"], **config["stages"][stage].get("api_gateway_throttling", {})}
        [deployed_stage] = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::Stage"]
        [settings] = deployed_stage["Properties"]["MethodSettings"]
        assert settings["ThrottlingRateLimit"] == expected["rate_limit"], stage
        assert settings["ThrottlingBurstLimit"] == expected["burst_limit"], stage
        assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")


def test_every_stage_gzips_replies_of_a_kilobyte_or_more_for_clients_that_accept_it(all_packages):
    # A view document is ≈330 KB of HTML and ≈90 KB gzipped, and a tools/list ≈40 KB: API Gateway compresses them for
    # any client that sends `Accept-Encoding: gzip`, at no charge and with nothing for the function to do.
    assert all_packages
    for package in all_packages.values():
        assert package.template["Resources"]["RestAPI"]["Properties"]["MinimumCompressionSize"] == 1024
