"""The server's settings: one validated object read from the environment that the Chalice stage sets."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

# The browser-based MCP Inspector runs on a local port; server-side clients (Claude) send no Origin at all.
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")

# 1 MiB is far above any tool call this server takes, and well under API Gateway's 10 MB payload cap.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

# API Gateway gives up after 29 s; answering before that lets the caller see a JSON-RPC error, not a gateway page.
DEFAULT_REQUEST_TIMEOUT_SECONDS = 25.0

# Where the MCP endpoint answers, below the app's (or the Blueprint's) base URL.
ENDPOINT_PATH = "/mcp"

# The catalogue is fixed for a deployment, so clients may keep lists and static pages for an hour; a deploy that
# changes the catalogue reaches a client at the latest one TTL later.
DEFAULT_CACHE_TTL_SECONDS = 3600
# A day: beyond that a client would keep a catalogue across deploys nobody expects it to miss.
MAX_CACHE_TTL_SECONDS = 86_400


# Plain http is only for an issuer or public URL on this machine (tests, `chalice local`); anything else is https.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

# An issuer's signing keys are trusted for at most an hour after they were fetched, unless it says less: a key it
# retires (or that leaks) stops working within the hour, and a warm container asks for the keys once an hour.
DEFAULT_JWKS_MAX_AGE_SECONDS = 3600.0

# RFC 2104 §3: an HMAC key shorter than the hash's output (32 bytes for SHA-256) weakens it.
MIN_SUBJECT_HASH_KEY_CHARACTERS = 32

# Scopes any token of an OIDC issuer (or a Cognito user pool) may carry, whatever resource it was issued for: they
# say who signed in, not which server the token is for (OpenID Connect Core §5.4, §11; Cognito's own scope).
SIGN_IN_SCOPES = frozenset({"openid", "profile", "email", "address", "phone", "offline_access"}) | {
    "aws.cognito.signin.user.admin"
}

# The SDK's request-state codec (AES-256-GCM under HKDF-SHA256) takes secrets of at least 32 bytes.
MIN_REQUEST_STATE_KEY_BYTES = 32

# RFC 6749 §3.3: a scope token is one or more of %x21 / %x23-5B / %x5D-7E (no space, quote or backslash).
SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]+")

# The stages in `.chalice/config.json` ship values like `REPLACE-REGION` that a deployment must fill in.
PLACEHOLDER_MARK = "REPLACE-"

# What the server asks the upstream identity provider for when it is the authorization server: a sign-in, no more.
DEFAULT_UPSTREAM_SCOPES = ("openid",)
# The access tokens the server issues live five minutes: a person disabled at the upstream loses access at the next
# refresh, which also refreshes upstream (the MCP security best practices ask for short-lived tokens).
DEFAULT_ACCESS_TOKEN_SECONDS = 300


def url_problem(url: str) -> str | None:
    """Why `url` cannot name an OAuth party or this server (https, or plain http on this machine), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "must be an absolute http(s) URL"
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        return "must use https (plain http only for localhost)"
    if parts.query or parts.fragment:
        return "must not have a query or fragment"
    return None


class ScopeGrant(BaseModel):
    """Who gets a scope (MCP_OAUTH_SCOPE_GRANTS): a rule on one claim of the upstream's ID token. `contains`: the
    claim is a list (Cognito's `cognito:groups`) or a space-separated string holding this value; `equals`: the claim
    is this value."""

    model_config = ConfigDict(frozen=True)

    claim: str
    contains: str | None = None
    equals: str | bool | int | None = None


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
    metrics_namespace: str | None = Field(
        default=None, min_length=1, max_length=255, description="CloudWatch namespace; else the app's own default."
    )
    oauth_issuer: str | None = Field(default=None, description="The authorization server; required with oauth.")
    oauth_jwks_url: str | None = Field(default=None, description="Else discovered from the issuer's metadata.")
    oauth_audience: str | None = Field(default=None, description="Else this server's resource URL, `<base>/mcp`.")
    oauth_jwks_max_age_seconds: float = Field(
        default=DEFAULT_JWKS_MAX_AGE_SECONDS, gt=0, description="Longest time a fetched key set is trusted."
    )
    oauth_client_ids: tuple[str, ...] = Field(
        default=(), description="Cognito app clients whose access tokens (`client_id`, no `aud`) are accepted."
    )
    oauth_scopes: tuple[str, ...] = Field(
        default=(),
        description="Scopes every request's token must carry; with client ids, one of this server's resource server.",
    )
    public_url: str | None = Field(default=None, description="The public base URL; else derived from the request.")
    api_key_required: bool = Field(default=False, description="API Gateway checks `x-api-key` on /mcp.")
    cache_ttl_seconds: int = Field(
        default=DEFAULT_CACHE_TTL_SECONDS,
        ge=0,
        le=MAX_CACHE_TTL_SECONDS,
        description="How long (2026-07-28) clients may reuse lists and static resources; 0 turns caching off.",
    )
    metrics_by_tenant: bool = Field(
        default=False, description="Add the tenant as a dimension of ToolInvocations (one custom metric per tenant)."
    )
    subject_hash_key: SecretStr | None = Field(
        default=None,
        description="The per-deployment HMAC key of the `subject_hash` in the request log; required with oauth.",
    )
    lambda_initialization_type: str | None = Field(
        default=None, description="Lambda's own AWS_LAMBDA_INITIALIZATION_TYPE: on-demand, snap-start, ..."
    )
    lambda_function_name: str | None = Field(default=None, description="Lambda's own AWS_LAMBDA_FUNCTION_NAME.")
    request_state_keys: tuple[SecretStr, ...] = Field(
        default=(), description="Secrets that seal multi-round request state: the first seals, every one unseals."
    )
    oauth_tool_scopes: dict[str, str] = Field(
        default_factory=dict, description="Tool name → the scope a call of it needs beyond `oauth_scopes`."
    )
    oauth_scope_grants: dict[str, ScopeGrant] = Field(
        default_factory=dict,
        description="Scope → the rule on the upstream's ID token claims a person must meet to get it; else granted.",
    )
    oauth_upstream_issuer: str | None = Field(
        default=None, description="The identity provider people sign in at; with it the server is its own issuer."
    )
    oauth_upstream_client_id: str | None = Field(default=None, min_length=1)
    oauth_upstream_client_secret: SecretStr | None = Field(default=None)
    oauth_upstream_scopes: tuple[str, ...] = Field(default=DEFAULT_UPSTREAM_SCOPES)
    oauth_signing_key: SecretStr | None = Field(default=None, description="PEM private key of issued tokens.")
    oauth_previous_signing_key: SecretStr | None = Field(default=None, description="Still verifies, never signs.")
    oauth_sealing_key: SecretStr | None = Field(default=None, description="32 bytes, base64url: seals cookies.")
    oauth_previous_sealing_key: SecretStr | None = Field(default=None, description="Still opens, never seals.")
    oauth_table: str | None = Field(
        default=None, min_length=3, max_length=255, description="DynamoDB table of clients, codes, refresh tokens."
    )
    oauth_store_path: str | None = Field(default=None, description="The sqlite file of `chalice local`'s store.")
    oauth_access_token_seconds: int = Field(default=DEFAULT_ACCESS_TOKEN_SECONDS, ge=1, le=3600)

    @field_validator("oauth_issuer", "oauth_jwks_url", "oauth_audience", "public_url", "oauth_upstream_issuer")
    @classmethod
    def _https_or_loopback(cls, url: str | None) -> str | None:
        if url is None:
            return None
        problem = url_problem(url)
        if problem is not None:
            raise ValueError(problem)
        return url

    @field_validator("subject_hash_key")
    @classmethod
    def _long_enough(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None and len(key.get_secret_value()) < MIN_SUBJECT_HASH_KEY_CHARACTERS:
            raise ValueError(f"must be at least {MIN_SUBJECT_HASH_KEY_CHARACTERS} characters of a random secret")
        return key

    @field_validator("request_state_keys")
    @classmethod
    def _secrets_of_32_bytes_each_once(cls, keys: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        secrets = [key.get_secret_value().encode() for key in keys]
        if any(len(secret) < MIN_REQUEST_STATE_KEY_BYTES for secret in secrets):
            raise ValueError(f"each key must be at least {MIN_REQUEST_STATE_KEY_BYTES} bytes of a random secret")
        if len(set(secrets)) != len(secrets):
            raise ValueError("a key is listed twice")
        return keys

    @field_validator("oauth_tool_scopes", mode="before")
    @classmethod
    def _one_scope_token_per_tool(cls, tool_scopes: object) -> object:
        if not isinstance(tool_scopes, dict):
            return tool_scopes
        for tool_name, scope in tool_scopes.items():
            if not tool_name:
                raise ValueError("a tool name is empty")
            if not isinstance(scope, str) or not SCOPE_TOKEN.fullmatch(scope):
                raise ValueError(f"the scope of {tool_name} must be one scope token (RFC 6749 §3.3)")
        return tool_scopes

    @field_validator("oauth_scope_grants", mode="before")
    @classmethod
    def _one_rule_on_one_claim_per_scope(cls, grants: object) -> object:
        if not isinstance(grants, dict):
            return grants
        for scope, rule in grants.items():
            if not isinstance(rule, dict) or not isinstance(rule.get("claim"), str) or not rule["claim"]:
                raise ValueError(f'the rule of {scope} must be an object naming a "claim" of the ID token')
            tests = [name for name in ("contains", "equals") if name in rule]
            if len(tests) != 1 or set(rule) - {"claim", *tests}:
                raise ValueError(f'the rule of {scope} must have "claim" and exactly one of "contains" or "equals"')
            if tests == ["contains"] and not isinstance(rule["contains"], str):
                raise ValueError(f'the rule of {scope}: "contains" must be a string')
            if tests == ["equals"] and not isinstance(rule["equals"], (str, bool, int)):
                raise ValueError(f'the rule of {scope}: "equals" must be a string, a number or true/false')
        return grants

    @field_validator("oauth_signing_key", "oauth_previous_signing_key")
    @classmethod
    def _a_usable_signing_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None:
            from chalice_mcp.auth.key_material import signing_key_problem  # cryptography: only when configured

            if (problem := signing_key_problem(key.get_secret_value())) is not None:
                raise ValueError(problem)
        return key

    @field_validator("oauth_sealing_key", "oauth_previous_sealing_key")
    @classmethod
    def _a_usable_sealing_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None:
            from chalice_mcp.auth.key_material import sealing_key_problem

            if (problem := sealing_key_problem(key.get_secret_value())) is not None:
                raise ValueError(problem)
        return key

    @model_validator(mode="before")
    @classmethod
    def _an_upstream_makes_the_server_its_own_issuer(cls, values: Any) -> Any:
        if not isinstance(values, dict) or not values.get("oauth_upstream_issuer"):
            return values
        if str(values.get("auth_mode", "none")) != "oauth":
            raise ValueError("MCP_OAUTH_UPSTREAM_ISSUER needs MCP_AUTH=oauth")
        public_url = str(values.get("public_url") or "").rstrip("/")
        if not public_url:
            # The issuer names itself in every token and every metadata document: never from a Host header.
            raise ValueError("MCP_OAUTH_UPSTREAM_ISSUER needs MCP_PUBLIC_URL: the server's own URL, its issuer")
        issuer = values.get("oauth_issuer")
        if issuer is not None and issuer.rstrip("/") != public_url:
            raise ValueError(
                "MCP_OAUTH_ISSUER: with MCP_OAUTH_UPSTREAM_ISSUER the server is its own issuer (MCP_PUBLIC_URL); "
                "leave MCP_OAUTH_ISSUER unset"
            )
        return {**values, "oauth_issuer": public_url}

    @field_validator("public_url")
    @classmethod
    def _without_trailing_slash(cls, url: str | None) -> str | None:
        return url.rstrip("/") if url else url

    @model_validator(mode="after")
    def _oauth_needs_an_issuer_an_identity_and_a_hash_key(self) -> Settings:
        if self.auth_mode != "oauth":
            # A tool meant for some callers only would be open to everyone.
            if self.oauth_tool_scopes:
                raise ValueError("MCP_OAUTH_TOOL_SCOPES needs MCP_AUTH=oauth: without it no tool can be gated")
            return self
        if not self.oauth_issuer:
            raise ValueError("MCP_AUTH=oauth needs MCP_OAUTH_ISSUER")
        # Deriving the audience from the Host header would let a client choose which tokens this server accepts.
        if not (self.public_url or self.oauth_audience):
            raise ValueError("MCP_AUTH=oauth needs MCP_PUBLIC_URL or MCP_OAUTH_AUDIENCE: the server's own URL")
        # A subject hash must be stable across containers and not reversible by whoever reads the logs; an issuer on
        # this machine is a test or `chalice local`, where a random key per process will do.
        if self.subject_hash_key is None and urlsplit(self.oauth_issuer).hostname not in LOOPBACK_HOSTS:
            raise ValueError("MCP_AUTH=oauth needs MCP_SUBJECT_HASH_KEY: a random secret of this deployment")
        if self.oauth_upstream_issuer is not None:
            self._check_authorization_server()
        if self.oauth_scope_grants:
            self._check_scope_grants()
        # Tokens without `aud` (Cognito's) name no resource: a token of the same app client for any other resource
        # server of the pool would pass. Only a scope of this server's resource server ties one to this server.
        if self.oauth_client_ids and not set(self.oauth_scopes) - SIGN_IN_SCOPES:
            raise ValueError(
                "MCP_OAUTH_CLIENT_IDS needs MCP_OAUTH_SCOPES: a scope of this server's resource server "
                "(Cognito: <identifier>/<scope name>), since tokens without an audience are tied to this server "
                "only by it; sign-in scopes such as openid do not count"
            )
        return self

    def _check_scope_grants(self) -> None:
        # Only a server that issues its own tokens can decide who gets a scope; another issuer's tokens are read as
        # they come.
        if self.oauth_upstream_issuer is None:
            raise ValueError(
                "MCP_OAUTH_SCOPE_GRANTS needs MCP_OAUTH_UPSTREAM_ISSUER: only the server's own tokens follow its "
                "rules (with another issuer, decide there who gets a scope)"
            )
        # A misspelt scope would grant nothing and gate nothing: say so rather than run without the rule.
        unknown = sorted(set(self.oauth_scope_grants) - set(self.all_scopes))
        if unknown:
            raise ValueError(
                f"MCP_OAUTH_SCOPE_GRANTS: {', '.join(unknown)} is none of the scopes of MCP_OAUTH_SCOPES or "
                "MCP_OAUTH_TOOL_SCOPES"
            )

    def _check_authorization_server(self) -> None:
        # Settings of another issuer's tokens would be ignored here: say so rather than run without them.
        unused = [
            variable
            for variable, value in (
                ("MCP_OAUTH_JWKS_URL", self.oauth_jwks_url),
                ("MCP_OAUTH_CLIENT_IDS", self.oauth_client_ids),
            )
            if value
        ]
        if unused:
            raise ValueError(
                f"{', '.join(unused)}: not used with MCP_OAUTH_UPSTREAM_ISSUER (the server checks the tokens it issues "
                "with its own keys); leave unset"
            )
        missing = [
            variable
            for variable, value in (
                ("MCP_OAUTH_UPSTREAM_CLIENT_ID", self.oauth_upstream_client_id),
                ("MCP_OAUTH_UPSTREAM_CLIENT_SECRET", self.oauth_upstream_client_secret),
            )
            if value is None
        ]
        # On this machine (tests, `chalice local`) a process may make up its own keys; a deployment must not, or
        # every container would sign and seal with keys no other container knows.
        if not self.serves_on_loopback:
            missing += [
                variable
                for variable, value in (
                    ("MCP_OAUTH_SIGNING_KEY", self.oauth_signing_key),
                    ("MCP_OAUTH_SEALING_KEY", self.oauth_sealing_key),
                )
                if value is None
            ]
        if self.lambda_initialization_type is not None and self.oauth_table is None:
            missing.append("MCP_OAUTH_TABLE")
        if missing:
            raise ValueError(
                f"MCP_OAUTH_UPSTREAM_ISSUER needs {', '.join(missing)} "
                "(`python -m chalice_mcp.auth.new_keys` prints fresh keys)"
            )

    @property
    def authorization_server(self) -> bool:
        """Whether the server is its own OAuth authorization server, in front of an upstream identity provider."""
        return self.auth_mode == "oauth" and self.oauth_upstream_issuer is not None

    @property
    def serves_on_loopback(self) -> bool:
        """Whether the server's own public URL is on this machine: tests and `chalice local`."""
        return self.public_url is not None and urlsplit(self.public_url).hostname in LOOPBACK_HOSTS

    @property
    def resource_url(self) -> str | None:
        """This server's identity as an OAuth resource (RFC 8707, RFC 9728): what its tokens must name."""
        if self.oauth_audience:
            return self.oauth_audience
        return self.public_url + ENDPOINT_PATH if self.public_url else None

    @property
    def subject_hash_key_bytes(self) -> bytes | None:
        return self.subject_hash_key.get_secret_value().encode() if self.subject_hash_key else None

    @property
    def request_state_key_bytes(self) -> tuple[bytes, ...]:
        return tuple(key.get_secret_value().encode() for key in self.request_state_keys)

    @property
    def on_lambda(self) -> bool:
        """Whether this process is a Lambda function (deployed), not `chalice local` or a test."""
        return bool(self.lambda_function_name or self.lambda_initialization_type)

    @property
    def all_scopes(self) -> tuple[str, ...]:
        """Every scope this server knows: the ones every request needs, then each tool's, once each."""
        return tuple(dict.fromkeys((*self.oauth_scopes, *self.oauth_tool_scopes.values())))

    def startup_facts(self) -> dict[str, object]:
        """What the startup log line says about who may call: never a secret."""
        facts: dict[str, object] = {"auth": self.auth_mode, "api_key_required": self.api_key_required}
        if self.auth_mode == "oauth":
            facts.update(
                oauth_issuer=self.oauth_issuer, resource=self.resource_url, scopes=" ".join(self.oauth_scopes) or None
            )
            if self.oauth_tool_scopes:
                facts["tool_scopes"] = dict(self.oauth_tool_scopes)
            if self.oauth_upstream_issuer is not None:
                facts["oauth_upstream_issuer"] = self.oauth_upstream_issuer
            if self.oauth_scope_grants:
                # Which scopes have a rule, and on which claim: the values a rule looks for are the operator's.
                facts["scope_grants"] = {scope: rule.claim for scope, rule in self.oauth_scope_grants.items()}
        elif not self.api_key_required:
            facts["warning"] = "no authentication: anyone who can reach this server may call its tools"
        if self.request_state_keys:
            # How many, never which: a rotation shows as two.
            facts["request_state_keys"] = len(self.request_state_keys)
        return facts

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Settings:
        """Read the `MCP_*` variables: ALLOWED_ORIGINS, MAX_BODY_BYTES, REQUEST_TIMEOUT_SECONDS, AUTH, LOG_LEVEL,
        METRICS_NAMESPACE, OAUTH_ISSUER, OAUTH_JWKS_URL, OAUTH_AUDIENCE, OAUTH_JWKS_MAX_AGE_SECONDS,
        OAUTH_CLIENT_IDS, OAUTH_SCOPES, OAUTH_TOOL_SCOPES, OAUTH_SCOPE_GRANTS, PUBLIC_URL, API_KEY_REQUIRED,
        SUBJECT_HASH_KEY, REQUEST_STATE_KEYS, CACHE_TTL_SECONDS, METRICS_BY_TENANT, OAUTH_UPSTREAM_ISSUER,
        OAUTH_UPSTREAM_CLIENT_ID, OAUTH_UPSTREAM_CLIENT_SECRET, OAUTH_UPSTREAM_SCOPES, OAUTH_SIGNING_KEY,
        OAUTH_PREVIOUS_SIGNING_KEY, OAUTH_SEALING_KEY, OAUTH_PREVIOUS_SEALING_KEY, OAUTH_TABLE, OAUTH_STORE_PATH,
        OAUTH_ACCESS_TOKEN_SECONDS; and the ones Lambda sets, AWS_LAMBDA_INITIALIZATION_TYPE and
        AWS_LAMBDA_FUNCTION_NAME."""
        environment = os.environ if environment is None else environment
        placeholders = sorted(
            variable for variable in _FIELD_VARIABLES.values() if PLACEHOLDER_MARK in environment.get(variable, "")
        )
        if placeholders:
            # The value itself is not repeated: MCP_SUBJECT_HASH_KEY is a secret.
            raise SettingsError(
                f"invalid MCP_* environment setting: {', '.join(placeholders)} still "
                f"{'holds a placeholder' if len(placeholders) == 1 else 'hold placeholders'} ({PLACEHOLDER_MARK}…): "
                "fill in the stage's environment_variables in .chalice/config.json"
            )
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
        if cache_ttl := environment.get("MCP_CACHE_TTL_SECONDS"):
            values["cache_ttl_seconds"] = cache_ttl.strip()
        if by_tenant := environment.get("MCP_METRICS_BY_TENANT"):
            values["metrics_by_tenant"] = by_tenant.strip()
        if jwks_max_age := environment.get("MCP_OAUTH_JWKS_MAX_AGE_SECONDS"):
            values["oauth_jwks_max_age_seconds"] = jwks_max_age
        if subject_hash_key := environment.get("MCP_SUBJECT_HASH_KEY", "").strip():
            values["subject_hash_key"] = subject_hash_key
        if initialization_type := environment.get("AWS_LAMBDA_INITIALIZATION_TYPE", "").strip():
            values["lambda_initialization_type"] = initialization_type
        if function_name := environment.get("AWS_LAMBDA_FUNCTION_NAME", "").strip():
            values["lambda_function_name"] = function_name
        if request_state_keys := environment.get("MCP_REQUEST_STATE_KEYS", "").strip():
            values["request_state_keys"] = tuple(key.strip() for key in request_state_keys.split(","))
        if tool_scopes := environment.get("MCP_OAUTH_TOOL_SCOPES", "").strip():
            values["oauth_tool_scopes"] = _json_object_setting(
                "MCP_OAUTH_TOOL_SCOPES", tool_scopes, '{"tool-name": "scope"}'
            )
        if scope_grants := environment.get("MCP_OAUTH_SCOPE_GRANTS", "").strip():
            values["oauth_scope_grants"] = _json_object_setting(
                "MCP_OAUTH_SCOPE_GRANTS", scope_grants, '{"scope": {"claim": "cognito:groups", "contains": "premium"}}'
            )
        for variable, field_name in _AUTHORIZATION_SERVER_VARIABLES.items():
            if value := environment.get(variable, "").strip():
                values[field_name] = value
        if upstream_scopes := environment.get("MCP_OAUTH_UPSTREAM_SCOPES"):
            values["oauth_upstream_scopes"] = tuple(upstream_scopes.split())
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            problems = "; ".join(_describe(problem) for problem in error.errors())
            raise SettingsError(f"invalid MCP_* environment setting: {problems}") from None


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict, refusing a key given twice (json.loads would keep the last one silently)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedKey(key)
        found[key] = value
    return found


def _json_object_setting(name: str, text: str, example: str) -> dict[str, Any]:
    """The setting `name` as a JSON object (its values are checked by the model); anything else, or a key given
    twice (json.loads would keep the last one silently), is an error naming it."""
    try:
        value = json.loads(text, object_pairs_hook=_object_without_repeated_keys)
    except _RepeatedKey as repeated:
        raise SettingsError(
            f"invalid MCP_* environment setting: {name} names {json.dumps(repeated.key)} twice"
        ) from None
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise SettingsError(f"invalid MCP_* environment setting: {name} must be a JSON object, {example}")
    return value


_URL_VARIABLES = {
    "MCP_OAUTH_ISSUER": "oauth_issuer",
    "MCP_OAUTH_JWKS_URL": "oauth_jwks_url",
    "MCP_OAUTH_AUDIENCE": "oauth_audience",
    "MCP_PUBLIC_URL": "public_url",
    "MCP_OAUTH_UPSTREAM_ISSUER": "oauth_upstream_issuer",
}

# Values read as they are (trimmed); PEM keys keep their inner line breaks.
_AUTHORIZATION_SERVER_VARIABLES = {
    "MCP_OAUTH_UPSTREAM_CLIENT_ID": "oauth_upstream_client_id",
    "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": "oauth_upstream_client_secret",
    "MCP_OAUTH_SIGNING_KEY": "oauth_signing_key",
    "MCP_OAUTH_PREVIOUS_SIGNING_KEY": "oauth_previous_signing_key",
    "MCP_OAUTH_SEALING_KEY": "oauth_sealing_key",
    "MCP_OAUTH_PREVIOUS_SEALING_KEY": "oauth_previous_sealing_key",
    "MCP_OAUTH_TABLE": "oauth_table",
    "MCP_OAUTH_STORE_PATH": "oauth_store_path",
    "MCP_OAUTH_ACCESS_TOKEN_SECONDS": "oauth_access_token_seconds",
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
    "cache_ttl_seconds": "MCP_CACHE_TTL_SECONDS",
    "metrics_by_tenant": "MCP_METRICS_BY_TENANT",
    "oauth_jwks_max_age_seconds": "MCP_OAUTH_JWKS_MAX_AGE_SECONDS",
    "subject_hash_key": "MCP_SUBJECT_HASH_KEY",
    "lambda_initialization_type": "AWS_LAMBDA_INITIALIZATION_TYPE",
    "lambda_function_name": "AWS_LAMBDA_FUNCTION_NAME",
    "request_state_keys": "MCP_REQUEST_STATE_KEYS",
    "oauth_tool_scopes": "MCP_OAUTH_TOOL_SCOPES",
    "oauth_scope_grants": "MCP_OAUTH_SCOPE_GRANTS",
    "oauth_upstream_scopes": "MCP_OAUTH_UPSTREAM_SCOPES",
    **{field_name: variable for variable, field_name in _URL_VARIABLES.items()},
    **{field_name: variable for variable, field_name in _AUTHORIZATION_SERVER_VARIABLES.items()},
}
