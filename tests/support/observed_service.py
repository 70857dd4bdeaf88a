"""A fitness server behind its own bridge whose log lines and metric blobs are written to memory, for inspection."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from mcp.server import MCPServer

from chalicelib.bridge import HttpReply, HttpRequest, StatelessMCPBridge
from chalicelib.bridge.hooks import Authorizer
from chalicelib.mcp_server import build_fitness_server
from chalicelib.observability import RequestObserver, configure_library_logging
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
        return [json.loads(line) for line in self.logs.getvalue().splitlines() if line.strip()]

    def metric_blobs(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.metrics.getvalue().splitlines() if line.strip()]


def observed_service(
    authorizer: Authorizer | None = None, known_tools: tuple[str, ...] = (), metrics_by_tenant: bool = False
) -> ObservedService:
    configure_library_logging()
    logs, metrics = io.StringIO(), io.StringIO()
    observer = RequestObserver(
        known_tools=known_tools,
        log_stream=logs,
        metrics_stream=metrics,
        service_name=f"fitness-mcp-test-{uuid.uuid4().hex[:8]}",
        metrics_by_tenant=metrics_by_tenant,
    )
    server = build_fitness_server()
    bridge = StatelessMCPBridge.from_settings(
        server, Settings.from_environment({}), authorizer=authorizer, observer=observer
    )
    return ObservedService(bridge=bridge, logs=logs, metrics=metrics, server=server)
