"""One JSON log line and one CloudWatch Embedded Metric Format blob per request, both on stdout.

Powertools for AWS Lambda writes both (its Logger and EphemeralMetrics), at a small share of a cold start (see
docs/performance.md). Lambda sends stdout to CloudWatch Logs, which turns EMF blobs into
metrics without any AWS call from the function.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
from typing import IO, get_args

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.bridge.hooks import AuthOutcome, HandledRequest
from chalice_mcp.observability.request_facts import (
    NOT_FAILED,
    UNKNOWN_TARGET,
    Catalogue,
    facts_of,
    hashed_subject,
    identifier,
    tenant_of,
)
from chalice_mcp.observability.sign_in_facts import oauth_error_of

# The reasons `AuthRefusals` is counted by: the authorizer's fixed words, and this one for any other authorizer's.
AUTH_OUTCOMES = frozenset(get_args(AuthOutcome))
UNKNOWN_REASON = "other"

# The SDK logs a failed tool call's message at INFO, and that message may quote an argument value.
LIBRARY_LOG_LEVEL = logging.WARNING


def configure_library_logging() -> None:
    """Keep the SDK's and Chalice's own loggers at WARNING, whatever MCP_LOG_LEVEL says about ours."""
    for name in ("mcp", "mcp_types", "chalice", "httpx", "httpx2"):
        logging.getLogger(name).setLevel(LIBRARY_LOG_LEVEL)


def known_auth_outcome(outcome: str | None) -> str | None:
    """The authorizer's word for a request, or `other` for a word outside the fixed set (another authorizer's)."""
    if outcome is None:
        return None
    return outcome if outcome in AUTH_OUTCOMES else UNKNOWN_REASON


class RequestObserver:
    """Implements the bridge's `Observer`: logs what happened to a request and counts it, never what it carried."""

    def __init__(
        self,
        *,
        log_level: str = "INFO",
        metrics_namespace: str = "MCP",
        catalogue: Catalogue | None = None,
        log_stream: IO[str] | None = None,
        metrics_stream: IO[str] | None = None,
        service_name: str = "mcp",
        metrics_by_tenant: bool = False,
        subject_hash_key: bytes | None = None,
    ) -> None:
        # Powertools keeps one logger per service name; a test that wants its own stream gives its own name.
        self.service_name = service_name
        self.logger = Logger(service=service_name, level=log_level, stream=log_stream)
        # The SDK configures a root handler on stderr; each request line is written once, as JSON on stdout.
        logging.getLogger(service_name).propagate = False
        self.metrics_namespace = metrics_namespace
        # What names a request's target; without one, every target is logged as unknown.
        self.catalogue = catalogue
        self._metrics_stream = metrics_stream
        # Opt-in: every distinct tenant adds a billed custom metric.
        self.metrics_by_tenant = metrics_by_tenant
        # Without a deployment's key the hashes are stable only within this process, which is all a test or
        # `chalice local` needs.
        self._subject_hash_key = subject_hash_key or secrets.token_bytes(32)

    def log_startup(self, **facts: object) -> None:
        """One line when the container starts: how it is configured (never a secret), so a mismatch shows."""
        self.logger.info("server started", extra={name: value for name, value in facts.items() if value is not None})

    def observe(self, handled: HandledRequest) -> None:
        facts = facts_of(handled, self.catalogue)
        tenant = tenant_of(handled)
        token = handled.access_token
        claims = (token.claims or {}) if token is not None else {}
        auth_outcome = known_auth_outcome(handled.auth_outcome)
        fields = {
            "request_id": handled.request.request_id,
            "lambda_request_id": handled.request.invocation_id,
            "http_method": handled.request.method,
            "protocol_version": facts.protocol_version,
            "era": facts.era,
            "jsonrpc_method": facts.method,
            "target": facts.target,
            "outcome": facts.outcome,
            "status": facts.status,
            "duration_ms": round(handled.duration_ms, 3),
            "client_name": facts.client_name,
            "client_version": facts.client_version,
            "subject_hash": (
                hashed_subject(self._subject_hash_key, claims.get("iss"), token.subject) if token is not None else None
            ),
            "tenant": tenant,
            "auth_outcome": auth_outcome,
            # A type name only: an exception's message and traceback may quote the caller's arguments.
            "exception_type": identifier(handled.reply.failure),
            "request_state_refused": handled.reply.request_state_refused,
        }
        extra = {k: v for k, v in fields.items() if v is not None}
        if handled.reply.failure is not None:
            # A bug in the server's own code, not the caller's mistake: the one line an operator must see.
            self.logger.error("mcp request", extra=extra)
        else:
            self.logger.info("mcp request", extra=extra)
        self._emit_metrics(facts.method, facts.target, facts.outcome, handled.duration_ms, tenant)
        self._emit_auth_metrics(facts.outcome, auth_outcome)

    def observe_sign_in(self, route: str, request: HttpRequest, reply: HttpReply, duration_ms: float) -> None:
        """One line and one metric blob for a request to the authorization server's `route` (one of its fixed
        paths): the status and the OAuth error code, never what the request or the reply carried."""
        error = oauth_error_of(reply)
        fields = {
            "request_id": request.request_id,
            "lambda_request_id": request.invocation_id,
            "http_method": request.method,
            "route": route,
            "status": reply.status,
            "oauth_error": error,
            "duration_ms": round(duration_ms, 3),
        }
        self.logger.info("authorization server request", extra={k: v for k, v in fields.items() if v is not None})
        failed = 1 if error is not None or reply.status >= 400 else 0
        self._flush(
            {"route": route},
            [
                ("SignInRequests", MetricUnit.Count, 1),
                ("SignInErrors", MetricUnit.Count, failed),
                ("SignInLatency", MetricUnit.Milliseconds, round(duration_ms, 3)),
            ],
        )

    def _emit_metrics(
        self, method: str | None, target: str | None, outcome: str, duration_ms: float, tenant: str | None
    ) -> None:
        if method == "tools/call" and outcome != "auth_refused":
            # The catalogued name only (see `facts_of`): a client inventing names must not inflate metric cardinality.
            tool = target or UNKNOWN_TARGET
            failed = 0 if outcome in NOT_FAILED else 1
            values = [
                ("ToolInvocations", MetricUnit.Count, 1),
                ("ToolErrors", MetricUnit.Count, failed),
                ("ToolLatency", MetricUnit.Milliseconds, round(duration_ms, 3)),
            ]
            if outcome == "tool_failed":
                # Counted apart from refusals: a crash is a bug to alarm on, a refusal is the caller's mistake.
                values.append(("ToolFailures", MetricUnit.Count, 1))
            self._flush({"tool": tool}, values)
            if self.metrics_by_tenant and tenant is not None:
                # A blob of its own: the per-tool metrics keep their dimension set, so alarms on them still hold.
                self._flush({"tool": tool, "tenant": tenant}, [("ToolInvocations", MetricUnit.Count, 1)])

    def _emit_auth_metrics(self, outcome: str, auth_outcome: str | None) -> None:
        if outcome == "auth_refused":
            self._flush({}, [("AuthRefusals", MetricUnit.Count, 1)])
            # A blob of its own, like the tenant's: `AuthRefusals` by service alone keeps its dimension set.
            self._flush({"reason": auth_outcome or UNKNOWN_REASON}, [("AuthRefusals", MetricUnit.Count, 1)])
        elif auth_outcome == "expired_keys":
            self._flush({}, [("ExpiredKeysServed", MetricUnit.Count, 1)])

    def _flush(self, dimensions: dict[str, str], values: list[tuple[str, MetricUnit, float]]) -> None:
        metrics = EphemeralMetrics(namespace=self.metrics_namespace, service=self.service_name)
        for name, dimension in dimensions.items():
            metrics.add_dimension(name=name, value=dimension)
        for name, unit, value in values:
            metrics.add_metric(name=name, unit=unit, value=value)
        blob = metrics.serialize_metric_set()
        stream = self._metrics_stream or sys.stdout
        stream.write(json.dumps(blob, separators=(",", ":")) + "\n")
        stream.flush()
