"""Write the merge template of one stage's edge limits and role, from `.chalice/config.json`.

- API Gateway stage throttling: every method of the stage's REST API is capped at `rate_limit` requests per second
  with bursts of `burst_limit`, so a flood (unauthenticated or not) is refused with 429 before it runs the function.
  The stage's `api_gateway_throttling` wins over the top-level one, which wins over the defaults below. Chalice itself
  ignores the key.
- A stage that is its own OAuth authorization server (`MCP_OAUTH_UPSTREAM_ISSUER` in its environment) gets the
  DynamoDB table of its clients, codes and refresh tokens (on demand, encrypted, with `expires_at` as its TTL), the
  function's MCP_OAUTH_TABLE naming it, and a role that may get, put and delete items of that table only.
- The function's role may write only to the function's own log group (`ApiHandlerLogGroup` in
  deploy/merge-template.json), not to every log group of the account as Chalice's generated policy allows
  (`arn:*:logs:*:*:*`); X-Ray's two actions are kept for a stage with `xray: true`.

Usage: python deploy/stage_template.py STAGE OUTPUT [CONFIG]
  CONFIG defaults to .chalice/config.json. Standard library only: runs under any Python 3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

USAGE = "usage: python deploy/stage_template.py STAGE OUTPUT [CONFIG]"

# API Gateway's own account default is 10,000 requests/s with bursts of 5,000, far beyond what one function should
# take. 50/s keeps a handful of warm containers busy; a stage sets its own under `api_gateway_throttling`.
DEFAULT_RATE_LIMIT = 50
DEFAULT_BURST_LIMIT = 100

# Chalice's own statement for X-Ray (chalice/constants.py XRAY_POLICY), kept when the stage turns tracing on.
XRAY_STATEMENT = {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"}


def stage_settings(config: dict[str, Any], stage: str) -> dict[str, Any]:
    """The stage's throttling and X-Ray settings, each from the stage, else the top level, else the default."""
    if stage not in config.get("stages", {}):
        raise ValueError(f"no stage {stage!r} in the Chalice config")
    stage_config = config["stages"][stage]
    throttling = {
        "rate_limit": DEFAULT_RATE_LIMIT,
        "burst_limit": DEFAULT_BURST_LIMIT,
        **config.get("api_gateway_throttling", {}),
        **stage_config.get("api_gateway_throttling", {}),
    }
    for name in ("rate_limit", "burst_limit"):
        value = throttling[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ValueError(f"api_gateway_throttling.{name} of stage {stage!r} must be a positive number")
    xray = bool(stage_config.get("xray", config.get("xray", False)))
    return {"rate_limit": throttling["rate_limit"], "burst_limit": int(throttling["burst_limit"]), "xray": xray}


# The one table of an authorization-server stage: `pk` is `<kind>#<key>`, `expires_at` the TTL (epoch seconds).
GRANTS_TABLE = "OAuthGrantsTable"
GRANTS_TABLE_RESOURCE = {
    "Type": "AWS::DynamoDB::Table",
    "Properties": {
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "TimeToLiveSpecification": {"AttributeName": "expires_at", "Enabled": True},
        "SSESpecification": {"SSEEnabled": True},
    },
}
GRANTS_TABLE_STATEMENT = {
    "Effect": "Allow",
    "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
    "Resource": {"Fn::GetAtt": [GRANTS_TABLE, "Arn"]},
}


# The routes of the authorization server (chalice_mcp/auth/authorization_server/paths.py, ROUTE_METHODS; a test
# keeps the two equal): like every route, they invoke the SnapStart alias, whose invoke permission is the only one.
AUTHORIZATION_SERVER_ROUTES = {
    "/.well-known/oauth-authorization-server": ["GET", "OPTIONS"],
    "/.well-known/openid-configuration": ["GET", "OPTIONS"],
    "/jwks": ["GET", "OPTIONS"],
    "/authorize": ["GET", "POST"],
    "/consent": ["GET", "POST"],
    "/callback": ["GET"],
    "/token": ["POST", "OPTIONS"],
    "/register": ["POST", "OPTIONS"],
    "/revoke": ["POST", "OPTIONS"],
}
ALIAS_INTEGRATION = {
    "x-amazon-apigateway-integration": {
        "uri": {
            "Fn::Sub": [
                "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AliasArn}/invocations",
                {"AliasArn": {"Ref": "APIHandler.Alias"}},
            ]
        }
    }
}


def is_authorization_server(config: dict[str, Any], stage: str) -> bool:
    """Whether the stage's function is its own OAuth authorization server: the stage (or the top level) names an
    upstream identity provider."""
    stage_environment = config["stages"][stage].get("environment_variables", {})
    environment = {**config.get("environment_variables", {}), **stage_environment}
    return bool(environment.get("MCP_OAUTH_UPSTREAM_ISSUER"))


def stage_template(config: dict[str, Any], stage: str) -> dict[str, Any]:
    settings = stage_settings(config, stage)
    statements: list[dict[str, Any]] = [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            # The group's ARN ends in ":*", which covers its log streams.
            "Resource": {"Fn::GetAtt": ["ApiHandlerLogGroup", "Arn"]},
        }
    ]
    if settings["xray"]:
        statements.append(XRAY_STATEMENT)
    resources: dict[str, Any] = {}
    rest_api_properties: dict[str, Any] = {}
    if is_authorization_server(config, stage):
        statements.append(GRANTS_TABLE_STATEMENT)
        resources = {
            GRANTS_TABLE: GRANTS_TABLE_RESOURCE,
            "APIHandler": {"Properties": {"Environment": {"Variables": {"MCP_OAUTH_TABLE": {"Ref": GRANTS_TABLE}}}}},
        }
        paths = {
            path: {method.lower(): ALIAS_INTEGRATION for method in methods}
            for path, methods in AUTHORIZATION_SERVER_ROUTES.items()
        }
        rest_api_properties["DefinitionBody"] = {"paths": paths}
    return {
        "Resources": {
            **resources,
            "RestAPI": {
                "Properties": {
                    **rest_api_properties,
                    "MethodSettings": [
                        {
                            "ResourcePath": "/*",
                            "HttpMethod": "*",
                            "ThrottlingRateLimit": settings["rate_limit"],
                            "ThrottlingBurstLimit": settings["burst_limit"],
                        }
                    ],
                }
            },
            "ApiHandlerRole": {
                "Properties": {
                    "Policies": [
                        {
                            "PolicyName": "ApiHandlerRolePolicy",
                            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                        }
                    ]
                }
            },
        }
    }


def main(arguments: list[str]) -> int:
    if len(arguments) not in (2, 3):
        print(USAGE, file=sys.stderr)
        return 2
    stage, output = arguments[0], Path(arguments[1])
    config = json.loads(Path(arguments[2] if len(arguments) == 3 else ".chalice/config.json").read_text())
    try:
        template = stage_template(config, stage)
    except ValueError as error:
        print(f"deploy/stage_template.py: {error}", file=sys.stderr)
        return 2
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(template, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
