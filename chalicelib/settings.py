"""The server's settings: one validated object read from the environment that the Chalice stage sets."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# The browser-based MCP Inspector runs on a local port; server-side clients (Claude) send no Origin at all.
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")

# 1 MiB is far above any tool call this server takes, and well under API Gateway's 10 MB payload cap.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

# API Gateway gives up after 29 s; answering before that lets the caller see a JSON-RPC error, not a gateway page.
DEFAULT_REQUEST_TIMEOUT_SECONDS = 25.0


# Plain http is only for an issuer or public URL on this machine (tests, `chalice local`); anything else is https.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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
    oauth_issuer: str | None = Field(default=None, description="The authorization server; required with oauth.")
    oauth_jwks_url: str | None = Field(default=None, description="Else discovered from the issuer's metadata.")
    oauth_audience: str | None = Field(default=None, description="Else this server's resource URL, `<base>/mcp`.")
    oauth_client_ids: tuple[str, ...] = Field(
        default=(), description="Cognito app clients whose access tokens (`client_id`, no `aud`) are accepted."
    )
    oauth_scopes: tuple[str, ...] = Field(default=(), description="Scopes every request's token must carry.")
    public_url: str | None = Field(default=None, description="The public base URL; else derived from the request.")
    api_key_required: bool = Field(default=False, description="API Gateway checks `x-api-key` on /mcp.")
    lambda_initialization_type: str | None = Field(
        default=None, description="Lambda's own AWS_LAMBDA_INITIALIZATION_TYPE: on-demand, snap-start, ..."
    )

    @field_validator("oauth_issuer", "oauth_jwks_url", "oauth_audience", "public_url")
    @classmethod
    def _https_or_loopback(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("must be an absolute http(s) URL")
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            raise ValueError("must use https (plain http only for localhost)")
        if parts.query or parts.fragment:
            raise ValueError("must not have a query or fragment")
        return url

    @field_validator("public_url")
    @classmethod
    def _without_trailing_slash(cls, url: str | None) -> str | None:
        return url.rstrip("/") if url else url

    @model_validator(mode="after")
    def _oauth_needs_an_issuer(self) -> Settings:
        if self.auth_mode == "oauth" and not self.oauth_issuer:
            raise ValueError("MCP_AUTH=oauth needs MCP_OAUTH_ISSUER")
        return self

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Settings:
        """Read the `MCP_*` variables: ALLOWED_ORIGINS, MAX_BODY_BYTES, REQUEST_TIMEOUT_SECONDS, AUTH, LOG_LEVEL,
        METRICS_NAMESPACE, OAUTH_ISSUER, OAUTH_JWKS_URL, OAUTH_AUDIENCE, OAUTH_CLIENT_IDS, OAUTH_SCOPES, PUBLIC_URL,
        API_KEY_REQUIRED; and the one Lambda sets, AWS_LAMBDA_INITIALIZATION_TYPE."""
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
        for variable, field_name in _URL_VARIABLES.items():
            if url := environment.get(variable, "").strip():
                values[field_name] = url
        if client_ids := environment.get("MCP_OAUTH_CLIENT_IDS"):
            values["oauth_client_ids"] = tuple(client_ids.replace(",", " ").split())
        if scopes := environment.get("MCP_OAUTH_SCOPES"):
            values["oauth_scopes"] = tuple(scopes.split())
        if api_key_required := environment.get("MCP_API_KEY_REQUIRED"):
            values["api_key_required"] = api_key_required.strip()
        if initialization_type := environment.get("AWS_LAMBDA_INITIALIZATION_TYPE", "").strip():
            values["lambda_initialization_type"] = initialization_type
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(_describe(problem) for problem in error.errors())
            raise SettingsError(f"invalid MCP_* environment setting: {problems}") from None


_URL_VARIABLES = {
    "MCP_OAUTH_ISSUER": "oauth_issuer",
    "MCP_OAUTH_JWKS_URL": "oauth_jwks_url",
    "MCP_OAUTH_AUDIENCE": "oauth_audience",
    "MCP_PUBLIC_URL": "public_url",
}


def _describe(problem: Any) -> str:
    """One validation problem, named by the environment variable that holds the bad value."""
    message = str(problem["msg"]).removeprefix("Value error, ")
    field_name = str(problem["loc"][0]) if problem["loc"] else ""
    variable = _FIELD_VARIABLES.get(field_name)
    return f"{variable}: {message}" if variable else message


_FIELD_VARIABLES = {
    "allowed_origins": "MCP_ALLOWED_ORIGINS",
    "max_body_bytes": "MCP_MAX_BODY_BYTES",
    "request_timeout_seconds": "MCP_REQUEST_TIMEOUT_SECONDS",
    "auth_mode": "MCP_AUTH",
    "log_level": "MCP_LOG_LEVEL",
    "metrics_namespace": "MCP_METRICS_NAMESPACE",
    "oauth_client_ids": "MCP_OAUTH_CLIENT_IDS",
    "oauth_scopes": "MCP_OAUTH_SCOPES",
    "api_key_required": "MCP_API_KEY_REQUIRED",
    "lambda_initialization_type": "AWS_LAMBDA_INITIALIZATION_TYPE",
    **{field_name: variable for variable, field_name in _URL_VARIABLES.items()},
}
