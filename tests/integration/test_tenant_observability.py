"""Tenants in the logs: API Gateway's API key id or the OAuth client id on the request line, and, opt-in, as a
dimension of `ToolInvocations`. Driven by API Gateway-shaped events through a Chalice route, as in Lambda."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice import Chalice, Response
from mcp.server.auth.provider import AccessToken

from chalicelib.bridge.chalice_adapter import chalice_response, http_request_from_chalice
from chalicelib.bridge.hooks import AuthDecision
from chalicelib.settings import Settings
from tests.support.jsonrpc import request_body
from tests.support.observed_service import ObservedService, observed_service

COOPER = "estimate-vo2-max-cooper"
API_KEY_ID = "a1b2c3d4e5"
API_KEY_VALUE = "k3y-VALUE-never-logged-0123456789abcdef"
CALL = request_body("tools/call", {"name": COOPER, "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}})


class LambdaContext:
    function_name = "fitness-mcp-test"
    memory_limit_in_mb = 512
    aws_request_id = "lambda-tenant"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class TokenFor:
    """Lets every request pass with a token issued to `client_id` (or carrying only Okta's `cid` claim)."""

    def __init__(self, client_id: str = "", claims: dict[str, Any] | None = None) -> None:
        self.token = AccessToken(token="secret-token", client_id=client_id, scopes=[], subject="u1", claims=claims)

    def authorize(self, request, deadline=None):
        return AuthDecision(access_token=self.token)


def chalice_app_over(service: ObservedService) -> Chalice:
    app = Chalice(app_name="tenant-test", configure_logs=False)

    @app.route("/mcp", methods=["POST"], content_types=["*/*"])
    def mcp_endpoint() -> Response:
        return chalice_response(service.bridge.handle(http_request_from_chalice(app, "/mcp")))

    return app


def api_gateway_event(body: dict[str, Any], api_key_id: str | None) -> dict[str, Any]:
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "Mcp-Protocol-Version": "2025-11-25",
    }
    identity: dict[str, Any] = {"sourceIp": "203.0.113.7"}
    if api_key_id is not None:
        headers["x-api-key"] = API_KEY_VALUE
        identity.update({"apiKey": API_KEY_VALUE, "apiKeyId": api_key_id})
    return {
        "resource": "/mcp",
        "path": "/mcp",
        "httpMethod": "POST",
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/mcp",
            "httpMethod": "POST",
            "path": "/api/mcp",
            "stage": "api",
            "requestId": "req-tenant",
            "identity": identity,
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


def call_through_lambda(service: ObservedService, api_key_id: str | None) -> dict[str, Any]:
    reply = chalice_app_over(service)(api_gateway_event(CALL, api_key_id), LambdaContext())
    assert reply["statusCode"] == 200, reply
    return service.log_lines()[-1]


def tool_invocation_blobs(service: ObservedService) -> list[dict[str, Any]]:
    blobs = service.metric_blobs()
    assert blobs, "no metric blob was written"
    return [
        blob
        for blob in blobs
        if any(metric["Name"] == "ToolInvocations" for metric in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"])
    ]


def test_an_api_key_request_logs_the_key_id_as_tenant_and_never_the_key():
    service = observed_service()
    line = call_through_lambda(service, API_KEY_ID)
    assert line["tenant"] == API_KEY_ID
    assert API_KEY_VALUE not in service.logs.getvalue()
    assert API_KEY_VALUE not in service.metrics.getvalue()


def test_an_oauth_request_logs_the_token_client_id_as_tenant():
    service = observed_service(authorizer=TokenFor("claude-connector"))
    line = call_through_lambda(service, None)
    assert line["tenant"] == "claude-connector"
    assert "secret-token" not in service.logs.getvalue()


def test_an_okta_token_without_client_id_is_tenanted_by_its_cid_claim():
    service = observed_service(authorizer=TokenFor("", {"cid": "okta-app-1"}))
    assert call_through_lambda(service, None)["tenant"] == "okta-app-1"


def test_the_api_key_id_wins_over_the_token_client_id():
    service = observed_service(authorizer=TokenFor("claude-connector"))
    assert call_through_lambda(service, API_KEY_ID)["tenant"] == API_KEY_ID


def test_an_anonymous_request_has_no_tenant_field():
    service = observed_service()
    assert "tenant" not in call_through_lambda(service, None)


def test_tenant_is_not_a_metric_dimension_unless_opted_in():
    service = observed_service()
    call_through_lambda(service, API_KEY_ID)
    (blob,) = tool_invocation_blobs(service)
    assert "tenant" not in blob
    assert blob["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["tool", "service"]]


def test_opted_in_tool_invocations_are_also_counted_per_tool_and_tenant():
    service = observed_service(metrics_by_tenant=True)
    call_through_lambda(service, API_KEY_ID)
    per_tool, per_tenant = tool_invocation_blobs(service)
    assert per_tool["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["tool", "service"]]
    assert per_tenant["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["tool", "tenant", "service"]]
    assert [metric["Name"] for metric in per_tenant["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == ["ToolInvocations"]
    assert (per_tenant["tenant"], per_tenant["tool"], per_tenant["ToolInvocations"]) == (API_KEY_ID, COOPER, [1.0])


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), (None, False)])
def test_metrics_by_tenant_is_read_from_the_environment(value, expected):
    environment = {} if value is None else {"MCP_METRICS_BY_TENANT": value}
    assert Settings.from_environment(environment).metrics_by_tenant is expected
