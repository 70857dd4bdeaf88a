"""The fitness service, built as the app builds it, with its log lines and metric blobs written to memory."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from mcp.server import MCPServer

from chalicelib.bridge import HttpReply, HttpRequest, StatelessMCPBridge
from chalicelib.bridge.hooks import Authorizer
from chalicelib.service import build_service
from chalicelib.settings import Settings


@dataclass
class ObservedService:
    bridge: StatelessMCPBridge
    logs: io.StringIO = field(default_factory=io.StringIO)
    metrics: io.StringIO = field(default_factory=io.StringIO)
    server: MCPServer | None = None

    def post(self, body: Any, headers: dict[str, str] | None = None) -> HttpReply:
        all_headers = {"content-type": "application/json", "accept": "application/json", **(headers or {})}
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.bridge.handle(
            HttpRequest("POST", "/mcp", all_headers, raw, request_id="req-123", invocation_id="lambda-456")
        )

    def log_lines(self) -> list[dict[str, Any]]:
        """The request log: one line per request (the "server started" line is left out)."""
        lines = [json.loads(line) for line in self.logs.getvalue().splitlines() if line.strip()]
        return [line for line in lines if line.get("message") != "server started"]

    def metric_blobs(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.metrics.getvalue().splitlines() if line.strip()]


def observed_service(
    authorizer: Authorizer | None = None, subject_hash_key: str | None = None, *, metrics_by_tenant: bool = False
) -> ObservedService:
    """The authless service (or one behind `authorizer`); each has a logger of its own, so streams never mix."""
    logs, metrics = io.StringIO(), io.StringIO()
    environment = {"MCP_METRICS_BY_TENANT": str(metrics_by_tenant).lower()}
    if subject_hash_key:
        environment["MCP_SUBJECT_HASH_KEY"] = subject_hash_key
    service = build_service(
        Settings.from_environment(environment),
        authorizer=authorizer,
        log_stream=logs,
        metrics_stream=metrics,
        service_name=f"fitness-mcp-test-{uuid.uuid4().hex[:8]}",
    )
    return ObservedService(bridge=service.bridge, logs=logs, metrics=metrics, server=service.server)
