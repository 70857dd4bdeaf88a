"""`MCP_AUTH=oauth`: every request to the endpoint needs a valid bearer token, or gets the challenge that tells the
client where to get one (MCP authorization spec, RFC 6750 §3, RFC 9728 §5.1)."""

from __future__ import annotations

import logging
import re

from mcp_types import INTERNAL_ERROR, INVALID_REQUEST

from chalice_mcp.auth.access_tokens import AccessTokenValidator, InsufficientScope, InvalidToken, TokenRules
from chalice_mcp.auth.issuer_keys import IssuerKeys, IssuerKeysUnavailable
from chalice_mcp.auth.protected_resource import bearer_challenge, invalid_host_reply, public_base_url
from chalice_mcp.bridge.exchange import HttpReply, HttpRequest, jsonrpc_error_reply
from chalice_mcp.bridge.hooks import AuthDecision
from chalice_mcp.settings import Settings

logger = logging.getLogger(__name__)

# RFC 6750 §2.1's b64token characters (with `=` anywhere, as before): one compiled match per request.
_BEARER_CREDENTIALS = re.compile(r"[A-Za-z0-9\-._~+/=]+")

# How long a client should wait before retrying when the issuer's keys cannot be fetched.
RETRY_AFTER_SECONDS = 10


class OAuthAuthorizer:
    """Checks the bearer token of each request; built once per container, fetches the issuer's keys on first use."""

    def __init__(self, settings: Settings, validator: AccessTokenValidator) -> None:
        if settings.resource_url is None:
            raise ValueError("OAuth needs MCP_PUBLIC_URL or MCP_OAUTH_AUDIENCE")
        self.settings = settings
        self.validator = validator
        # The audience is the server's configured identity, never anything a request says (its Host, say).
        self.audience = settings.resource_url

    @classmethod
    def from_settings(cls, settings: Settings) -> OAuthAuthorizer:
        if settings.oauth_issuer is None:
            raise ValueError("OAuth needs an issuer")
        rules = TokenRules(
            issuer=settings.oauth_issuer,
            client_ids=settings.oauth_client_ids,
            required_scopes=settings.oauth_scopes,
        )
        keys = IssuerKeys(
            settings.oauth_issuer, settings.oauth_jwks_url, max_age_seconds=settings.oauth_jwks_max_age_seconds
        )
        return cls(settings, AccessTokenValidator(rules, keys))

    def authorize(self, request: HttpRequest, deadline: float | None = None) -> AuthDecision:
        base_url = public_base_url(request, self.settings.public_url)
        if base_url is None:
            return AuthDecision(refusal=invalid_host_reply())
        token = bearer_token(request.header("authorization"))
        if token is None:
            return AuthDecision(refusal=self._unauthorized(base_url, "an access token is required"))
        if token == "":
            return AuthDecision(refusal=self._unauthorized(base_url, "the Bearer credentials are malformed", True))
        try:
            return AuthDecision(access_token=self.validator.validate(token, self.audience, deadline))
        except InvalidToken as invalid:
            return AuthDecision(refusal=self._unauthorized(base_url, str(invalid), True))
        except InsufficientScope as insufficient:
            return AuthDecision(refusal=self._forbidden(base_url, insufficient))
        except IssuerKeysUnavailable as unavailable:
            # The reason names the issuer's URLs, never the token.
            logger.warning("cannot check access tokens: %s", unavailable)
            refusal = jsonrpc_error_reply(
                503,
                INTERNAL_ERROR,
                "Service Unavailable: the authorization server's keys cannot be fetched",
                {"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            return AuthDecision(refusal=refusal)

    def _unauthorized(self, base_url: str, reason: str, token_sent: bool = False) -> HttpReply:
        challenge = bearer_challenge(
            base_url,
            self.settings.oauth_scopes,
            error="invalid_token" if token_sent else None,
            error_description=reason if token_sent else None,
        )
        return jsonrpc_error_reply(401, INVALID_REQUEST, f"Unauthorized: {reason}", {"WWW-Authenticate": challenge})

    def _forbidden(self, base_url: str, insufficient: InsufficientScope) -> HttpReply:
        challenge = bearer_challenge(
            base_url,
            self.settings.oauth_scopes,
            error="insufficient_scope",
            error_description=str(insufficient),
        )
        return jsonrpc_error_reply(403, INVALID_REQUEST, f"Forbidden: {insufficient}", {"WWW-Authenticate": challenge})


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1): None without Bearer credentials,
    "" when they are malformed."""
    if authorization is None:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    credentials = credentials.strip()
    # b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    if not _BEARER_CREDENTIALS.fullmatch(credentials):
        return ""
    return credentials
