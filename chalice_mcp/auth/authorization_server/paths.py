"""Where the authorization server answers, below the endpoint's base URL, and with which methods: one table for the
Blueprint's routes and the server's own dispatch."""

from __future__ import annotations

METADATA_PATHS = ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")
JWKS_PATH = "/jwks"
AUTHORIZE_PATH = "/authorize"
CONSENT_PATH = "/consent"
# The URL to register at the upstream identity provider (the Cognito app client's callback URL): `<base>/callback`.
CALLBACK_PATH = "/callback"
TOKEN_PATH = "/token"  # noqa: S105 - a path, not a secret
REGISTRATION_PATH = "/register"
REVOCATION_PATH = "/revoke"

ROUTE_METHODS = {
    **{path: ["GET", "OPTIONS"] for path in METADATA_PATHS},
    JWKS_PATH: ["GET", "OPTIONS"],
    AUTHORIZE_PATH: ["GET", "POST"],
    CONSENT_PATH: ["GET", "POST"],
    CALLBACK_PATH: ["GET"],
    TOKEN_PATH: ["POST", "OPTIONS"],
    REGISTRATION_PATH: ["POST", "OPTIONS"],
    REVOCATION_PATH: ["POST", "OPTIONS"],
}
