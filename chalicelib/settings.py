"""The server's settings: one validated object read from the environment that the Chalice stage sets."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# The browser-based MCP Inspector runs on a local port; server-side clients (Claude) send no Origin at all.
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")

# 1 MiB is far above any tool call this server takes, and well under API Gateway's 10 MB payload cap.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

# API Gateway gives up after 29 s; answering before that lets the caller see a JSON-RPC error, not a gateway page.
DEFAULT_REQUEST_TIMEOUT_SECONDS = 25.0


class SettingsError(ValueError):
    """The environment holds a setting the server cannot run with; the message names the variable."""


class Settings(BaseModel):
    """Settings for one container, read once at import."""

    model_config = ConfigDict(frozen=True)

    allowed_origins: tuple[str, ...] = Field(
        default=DEFAULT_ALLOWED_ORIGINS,
        description="Origins a browser may call from: exact origins, `scheme://host:*` for any port, or `*`.",
    )
    max_body_bytes: int = Field(default=DEFAULT_MAX_BODY_BYTES, gt=0, description="Largest accepted request body.")
    request_timeout_seconds: float = Field(default=DEFAULT_REQUEST_TIMEOUT_SECONDS, gt=0)
    auth_mode: Literal["none", "oauth"] = "none"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    metrics_namespace: str = Field(default="FitnessMCP", min_length=1, max_length=255)

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Settings:
        """Read the `MCP_*` variables: ALLOWED_ORIGINS, MAX_BODY_BYTES, REQUEST_TIMEOUT_SECONDS, AUTH, LOG_LEVEL,
        METRICS_NAMESPACE."""
        environment = os.environ if environment is None else environment
        values: dict[str, object] = {}
        if origins := environment.get("MCP_ALLOWED_ORIGINS"):
            values["allowed_origins"] = tuple(origin.strip() for origin in origins.split(",") if origin.strip())
        if max_body := environment.get("MCP_MAX_BODY_BYTES"):
            values["max_body_bytes"] = max_body
        if timeout := environment.get("MCP_REQUEST_TIMEOUT_SECONDS"):
            values["request_timeout_seconds"] = timeout
        if auth_mode := environment.get("MCP_AUTH"):
            values["auth_mode"] = auth_mode.strip().lower()
        if log_level := environment.get("MCP_LOG_LEVEL"):
            values["log_level"] = log_level.strip().upper()
        if namespace := environment.get("MCP_METRICS_NAMESPACE"):
            values["metrics_namespace"] = namespace.strip()
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise SettingsError(f"invalid MCP_* environment setting: {problems}") from None
