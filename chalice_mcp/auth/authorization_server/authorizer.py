"""The resource-server side of `/mcp` when the server issues its own tokens: the usual checks
(`chalice_mcp.auth.access_tokens`), against the server's own public keys, with no network call."""

from __future__ import annotations

from chalice_mcp.auth.access_tokens import AccessTokenValidator, TokenRules
from chalice_mcp.auth.authorization_server.keys import signer_for
from chalice_mcp.auth.authorization_server.paths import JWKS_PATH
from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer
from chalice_mcp.settings import Settings


def own_token_authorizer(settings: Settings) -> OAuthAuthorizer:
    if settings.oauth_issuer is None:
        raise ValueError("the authorization server needs its issuer URL")
    signer = signer_for(settings)
    rules = TokenRules(issuer=settings.oauth_issuer, required_scopes=settings.oauth_scopes)
    return OAuthAuthorizer(settings, AccessTokenValidator(rules, signer.issuer_keys(settings.oauth_issuer + JWKS_PATH)))
