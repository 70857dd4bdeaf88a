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
- API Gateway's own refusals (DEFAULT_4XX, DEFAULT_5XX: a missing or unknown API key's 403, a throttled 429, a 504
  when the function is too slow) never reach the function, so they would carry no CORS headers and a browser page on
  an allowed origin would see "Failed to fetch" instead of the status. Their gateway responses carry the headers the
  function's own replies carry, for the stage's MCP_ALLOWED_ORIGINS (stage over top level, as Chalice combines them).
- MCP_REQUEST_STATE_KEYS: the function refuses to start on Lambda without it, so a stage that sets none takes the
  value `make package` was given in its environment (a secret kept out of the config), or is refused here.

Usage: python deploy/stage_template.py STAGE OUTPUT [CONFIG]
  CONFIG defaults to .chalice/config.json. Standard library only: runs under any Python 3.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

USAGE = "usage: python deploy/stage_template.py STAGE OUTPUT [CONFIG]"

# The shared secrets of multi-round request state (chalice_mcp/request_state.py), required on Lambda.
REQUEST_STATE_KEYS = "MCP_REQUEST_STATE_KEYS"

# API Gateway's own account default is 10,000 requests/s with bursts of 5,000, far beyond what one function should
# take. 50/s keeps a handful of warm containers busy; a stage sets its own under `api_gateway_throttling`.
DEFAULT_RATE_LIMIT = 50
DEFAULT_BURST_LIMIT = 100

# Copies of the function's own values (chalice_mcp.bridge.edge, chalice_mcp.settings), which this script cannot
# import: it runs under any Python 3 without the app's packages. tests/deploy/test_stage_template.py keeps them equal.
CORS_ALLOWED_HEADERS = (
    "Content-Type",
    "Accept",
    "Authorization",
    "Mcp-Protocol-Version",
    "Mcp-Method",
    "Mcp-Name",
    "Mcp-Session-Id",
    "Last-Event-ID",
)
API_KEY_HEADER = "X-Api-Key"
CORS_EXPOSED_HEADERS = ("WWW-Authenticate", "Mcp-Session-Id", "Mcp-Protocol-Version")
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")
# What the settings (pydantic) read as true in MCP_API_KEY_REQUIRED, lower case; the Makefile tests the same set.
TRUE_VALUES = frozenset({"1", "on", "t", "true", "y", "yes"})

# A gateway response has one fixed value per header: it cannot echo the request's Origin only when the allow-list
# holds it. With one exact origin the stage names it; with several, a port pattern or `*`, it says `*`. That lets any
# origin read API Gateway's own fixed error texts ("Forbidden", "Too Many Requests"), which hold no data; the
# function's replies still name only allowed origins, and a disallowed origin never gets past the preflight, which
# the function answers.
ALLOW_ANY_ORIGIN = "*"
GATEWAY_RESPONSE_TYPES = ("DEFAULT_4XX", "DEFAULT_5XX")

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
    environment = {**config.get("environment_variables", {}), **stage_config.get("environment_variables", {})}
    origins = tuple(o.strip() for o in environment.get("MCP_ALLOWED_ORIGINS", "").split(",") if o.strip())
    return {
        "rate_limit": throttling["rate_limit"],
        "burst_limit": int(throttling["burst_limit"]),
        "xray": xray,
        "allowed_origins": origins or DEFAULT_ALLOWED_ORIGINS,
        "api_key_required": str(environment.get("MCP_API_KEY_REQUIRED", "")).strip().lower() in TRUE_VALUES,
    }


def gateway_cors_headers(allowed_origins: tuple[str, ...], api_key_required: bool) -> dict[str, str]:
    """The CORS headers of API Gateway's own replies, as static values (in single quotes, API Gateway's syntax)."""
    only = allowed_origins[0].rstrip("/") if len(allowed_origins) == 1 else None
    allow_origin = only if only and only != "*" and not only.endswith(":*") else ALLOW_ANY_ORIGIN
    allowed_headers = CORS_ALLOWED_HEADERS + ((API_KEY_HEADER,) if api_key_required else ())
    return {
        "Access-Control-Allow-Origin": f"'{allow_origin}'",
        "Access-Control-Allow-Headers": "'" + ", ".join(allowed_headers) + "'",
        "Access-Control-Expose-Headers": "'" + ", ".join(CORS_EXPOSED_HEADERS) + "'",
    }


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


def is_authorization_server(config: dict[str, Any], stage: str) -> bool:
    """Whether the stage's function is its own OAuth authorization server: the stage (or the top level) names an
    upstream identity provider."""
    stage_environment = config["stages"][stage].get("environment_variables", {})
    environment = {**config.get("environment_variables", {}), **stage_environment}
    return bool(environment.get("MCP_OAUTH_UPSTREAM_ISSUER"))


def stage_template(config: dict[str, Any], stage: str, request_state_keys: str | None = None) -> dict[str, Any]:
    """The stage's merge template; `request_state_keys` (given where the stage sets none) goes into the function's
    environment."""
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
    cors_headers = gateway_cors_headers(settings["allowed_origins"], settings["api_key_required"])
    resources: dict[str, Any] = {}
    if is_authorization_server(config, stage):
        statements.append(GRANTS_TABLE_STATEMENT)
        resources = {
            GRANTS_TABLE: GRANTS_TABLE_RESOURCE,
            "APIHandler": {"Properties": {"Environment": {"Variables": {"MCP_OAUTH_TABLE": {"Ref": GRANTS_TABLE}}}}},
        }
    if request_state_keys:
        variables = resources.setdefault("APIHandler", {"Properties": {"Environment": {"Variables": {}}}})
        variables["Properties"]["Environment"]["Variables"][REQUEST_STATE_KEYS] = request_state_keys
    return {
        "Resources": {
            **resources,
            "RestAPI": {
                "Properties": {
                    # SAM writes these into the API definition, so the stage's deployment includes them (a separate
                    # AWS::ApiGateway::GatewayResponse would take effect only at the next deployment).
                    "GatewayResponses": {
                        response_type: {"ResponseParameters": {"Headers": cors_headers}}
                        for response_type in GATEWAY_RESPONSE_TYPES
                    },
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


def request_state_keys_to_add(config: dict[str, Any], stage: str, shell: Mapping[str, str]) -> str | None:
    """The keys `make package` adds to the function's environment: none when the stage sets them, else the shell's.
    On Lambda the server refuses to start without them (a tool that asks the person gets the answer on a retry that
    may reach another container), so a stage with neither is refused here, before anything is deployed."""
    if stage not in config.get("stages", {}):
        raise ValueError(f"no stage {stage!r} in the Chalice config")
    environment = {
        **config.get("environment_variables", {}),
        **config["stages"][stage].get("environment_variables", {}),
    }
    if str(environment.get(REQUEST_STATE_KEYS, "")).strip():
        return None
    if keys := shell.get(REQUEST_STATE_KEYS, "").strip():
        return keys
    raise ValueError(
        f"stage {stage!r} sets no {REQUEST_STATE_KEYS}, which the function needs on Lambda: add it to the stage's "
        f"environment_variables in .chalice/config.json, or give it to make: {REQUEST_STATE_KEYS}=... make package "
        "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))' prints one)"
    )


def main(arguments: list[str]) -> int:
    if len(arguments) not in (2, 3):
        print(USAGE, file=sys.stderr)
        return 2
    stage, output = arguments[0], Path(arguments[1])
    config = json.loads(Path(arguments[2] if len(arguments) == 3 else ".chalice/config.json").read_text())
    try:
        template = stage_template(config, stage, request_state_keys_to_add(config, stage, os.environ))
    except ValueError as error:
        print(f"deploy/stage_template.py: {error}", file=sys.stderr)
        return 2
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(template, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
