"""API Gateway (REST, Lambda proxy) events for POST /mcp, as Chalice receives them in Lambda."""

from __future__ import annotations

import json
import uuid
from typing import Any

# The request a new container answers first in the cold-start benches.
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}},
}

# The Lambda context a measured process hands the handler, as source: stdlib only.
LAMBDA_CONTEXT_SOURCE = """
class Context:
    function_name = "fitness-mcp-bench"
    memory_limit_in_mb = 1769
    aws_request_id = "cold-start"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:fitness-mcp-bench"
    def get_remaining_time_in_millis(self):
        return 30000
"""


def proxy_event(body: dict[str, Any], headers: dict[str, str] | None = None, path: str = "/mcp") -> dict[str, Any]:
    all_headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "Host": "abc123.execute-api.eu-west-1.amazonaws.com",
        "X-Forwarded-Proto": "https",
        **(headers or {}),
    }
    return {
        "resource": path,
        "path": path,
        "httpMethod": "POST",
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "POST",
            "path": f"/api{path}",
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7"},
        },
        "body": json.dumps(body),
        "isBase64Encoded": False,
    }


class LambdaContext:
    """The few attributes Chalice reads from a Lambda context object."""

    function_name = "fitness-mcp-dev"
    memory_limit_in_mb = 512
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000
