"""The SnapStart rewrite of the SAM template `chalice package` writes, for any app: every function gets SnapStart on
its published versions and an alias, and everything that invokes a function invokes the alias instead (SnapStart
applies only to published versions, and the invoke permission becomes the alias's)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chalice_mcp.packaging.snapstart_template import (
    ALIAS_NAME,
    SnapStartTemplateError,
    with_snapstart,
)

INVOKE_ARN = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/%s/invocations"


def integration(function: str) -> dict[str, Any]:
    return {
        "x-amazon-apigateway-integration": {
            "type": "aws_proxy",
            "uri": {"Fn::Sub": INVOKE_ARN % f"${{{function}.Arn}}"},
        }
    }


def chalice_template(runtime: str = "python3.12") -> dict[str, Any]:
    """The shape of Chalice 1.34's SAM template: an API handler under a prefix, a built-in authorizer, a scheduled
    function, the invoke permissions, and a log group with `log_retention_in_days` (named after a resource that does
    not exist, aws/chalice#2079)."""

    def function(handler: str) -> dict[str, Any]:
        return {
            "Type": "AWS::Serverless::Function",
            "Properties": {"Runtime": runtime, "Handler": handler, "CodeUri": "./deployment.zip", "MemorySize": 1024},
        }

    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "APIHandler": function("app.app"),
            "ShopAuth": function("app.shop_auth"),
            "NightlyReport": {
                **function("app.nightly_report"),
                "Properties": {
                    **function("app.nightly_report")["Properties"],
                    "Events": {"Schedule": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 day)"}}},
                },
            },
            "ApiHandlerLogGroup": {
                "Type": "AWS::Logs::LogGroup",
                "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${ApiHandler}"}, "RetentionInDays": 14},
            },
            "RestAPI": {
                "Type": "AWS::Serverless::Api",
                "Properties": {
                    "StageName": "api",
                    "DefinitionBody": {
                        "securityDefinitions": {
                            "ShopAuth": {
                                "x-amazon-apigateway-authorizer": {
                                    "authorizerUri": {"Fn::Sub": INVOKE_ARN % "${ShopAuth.Arn}"},
                                }
                            }
                        },
                        "paths": {
                            "/": {"get": integration("APIHandler")},
                            "/tools/mcp": {"post": integration("APIHandler"), "options": integration("APIHandler")},
                        },
                    },
                },
            },
            "APIHandlerInvokePermission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": {"Ref": "APIHandler"},
                    "Action": "lambda:InvokeFunction",
                    "Principal": "apigateway.amazonaws.com",
                },
            },
            "ShopAuthInvokePermission": {
                "Type": "AWS::Lambda::Permission",
                "Properties": {"FunctionName": {"Fn::GetAtt": ["ShopAuth", "Arn"]}, "Action": "lambda:InvokeFunction"},
            },
        },
        "Outputs": {
            "APIHandlerArn": {"Value": {"Fn::GetAtt": ["APIHandler", "Arn"]}},
            "EndpointURL": {
                "Value": {"Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}
            },
        },
    }


def alias_uri(function: str) -> dict[str, Any]:
    return {"Fn::Sub": [INVOKE_ARN % "${AliasArn}", {"AliasArn": {"Ref": f"{function}.Alias"}}]}


FUNCTIONS = ("APIHandler", "ShopAuth", "NightlyReport")


def test_every_function_gets_snapstart_on_its_published_versions_and_an_alias():
    resources = with_snapstart(chalice_template())["Resources"]
    for name in FUNCTIONS:
        properties = resources[name]["Properties"]
        assert properties["SnapStart"] == {"ApplyOn": "PublishedVersions"}, name
        assert properties["AutoPublishAlias"] == ALIAS_NAME, name


def test_every_route_and_the_authorizer_invoke_the_alias():
    body = with_snapstart(chalice_template())["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    uris = [
        operation["x-amazon-apigateway-integration"]["uri"]
        for ops in body["paths"].values()
        for operation in ops.values()
    ]
    assert len(uris) == 3
    assert all(uri == alias_uri("APIHandler") for uri in uris)
    authorizer = body["securityDefinitions"]["ShopAuth"]["x-amazon-apigateway-authorizer"]
    assert authorizer["authorizerUri"] == alias_uri("ShopAuth")


def test_the_invoke_permissions_are_the_aliases():
    resources = with_snapstart(chalice_template())["Resources"]
    assert resources["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {"Ref": "APIHandler.Alias"}
    assert resources["ShopAuthInvokePermission"]["Properties"]["FunctionName"] == {"Ref": "ShopAuth.Alias"}


def test_a_sub_that_already_names_its_variables_keeps_them():
    template = chalice_template()
    operation = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]["/"]["get"]
    operation["x-amazon-apigateway-integration"]["uri"] = {
        "Fn::Sub": [INVOKE_ARN % "${APIHandler.Arn}", {"Unused": "x"}]
    }
    rewritten = with_snapstart(template)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]["/"]["get"]
    assert rewritten["x-amazon-apigateway-integration"]["uri"] == {
        "Fn::Sub": [INVOKE_ARN % "${AliasArn}", {"Unused": "x", "AliasArn": {"Ref": "APIHandler.Alias"}}]
    }


def test_the_stack_outputs_each_alias_and_the_mcp_url_under_its_prefix():
    outputs = with_snapstart(chalice_template())["Outputs"]
    assert {name: outputs[f"{name}AliasArn"]["Value"] for name in FUNCTIONS} == {
        name: {"Ref": f"{name}.Alias"} for name in FUNCTIONS
    }
    assert outputs["MCPEndpointURL"]["Value"] == {
        "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/tools/mcp"
    }
    # Chalice's own outputs stay: the bare function's ARN is still the function's.
    assert outputs["APIHandlerArn"]["Value"] == {"Fn::GetAtt": ["APIHandler", "Arn"]}


def test_the_log_group_chalice_names_after_a_missing_resource_becomes_the_functions_own():
    resources = with_snapstart(chalice_template())["Resources"]
    assert resources["ApiHandlerLogGroup"]["Properties"]["LogGroupName"] == {
        "Fn::Sub": "/aws/lambda/${AWS::StackName}-APIHandler"
    }
    assert resources["ApiHandlerLogGroup"]["Properties"]["RetentionInDays"] == 14
    assert resources["APIHandler"]["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": "ApiHandlerLogGroup"}}


def test_a_log_group_the_app_already_points_its_function_at_is_left_alone():
    template = chalice_template()
    template["Resources"]["ApiHandlerLogGroup"]["Properties"]["LogGroupName"] = {
        "Fn::Sub": "/aws/lambda/${AWS::StackName}"
    }
    template["Resources"]["APIHandler"]["Properties"]["LoggingConfig"] = {"LogGroup": {"Ref": "ApiHandlerLogGroup"}}
    resources = with_snapstart(template)["Resources"]
    assert resources["ApiHandlerLogGroup"]["Properties"]["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${AWS::StackName}"}


def test_rewriting_twice_gives_what_rewriting_once_gives_and_the_input_is_unchanged():
    template = chalice_template()
    before = copy.deepcopy(template)
    once = with_snapstart(template)
    assert with_snapstart(once) == once
    assert template == before


def test_an_alias_the_app_named_itself_is_kept():
    template = chalice_template()
    template["Resources"]["APIHandler"]["Properties"]["AutoPublishAlias"] = "prod"
    assert with_snapstart(template)["Resources"]["APIHandler"]["Properties"]["AutoPublishAlias"] == "prod"


@pytest.mark.parametrize("runtime", ["python3.11", "python3.9", "nodejs22.x"])
def test_a_runtime_without_snapstart_for_python_is_refused_by_name(runtime):
    with pytest.raises(SnapStartTemplateError, match=runtime):
        with_snapstart(chalice_template(runtime))


def test_a_template_without_a_function_is_refused():
    template = chalice_template()
    template["Resources"] = {"RestAPI": template["Resources"]["RestAPI"]}
    with pytest.raises(SnapStartTemplateError, match="no AWS::Serverless::Function"):
        with_snapstart(template)
