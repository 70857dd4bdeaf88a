"""The access tokens this server issues: RFC 9068 JWTs signed with MCP_OAUTH_SIGNING_KEY (ES256 for EC P-256,
RS256 for RSA), whose public half (and that of MCP_OAUTH_PREVIOUS_SIGNING_KEY, during a rotation) is the server's
JWKS. The resource-server checks of `chalice_mcp.auth.access_tokens` verify them against these keys in memory: no
network call."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from chalice_mcp.auth.issuer_keys import Fetched, IssuerKeys

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068 §2.1 media type


@dataclass(frozen=True)
class TokenSigningKey:
    """One signing key; its id and public JWK are worked out at first use, then kept (cached_property writes the
    instance's __dict__, which a frozen dataclass allows)."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def algorithm(self) -> str:
        return "ES256" if isinstance(self.private_key, ec.EllipticCurvePrivateKey) else "RS256"

    @cached_property
    def _public_members(self) -> dict[str, Any]:
        encoder: Any = ECAlgorithm if isinstance(self.private_key, ec.EllipticCurvePrivateKey) else RSAAlgorithm
        members: dict[str, Any] = json.loads(encoder.to_jwk(self.private_key.public_key()))
        return members

    @cached_property
    def public_jwk(self) -> dict[str, Any]:
        return {**self._public_members, "kid": self.key_id, "alg": self.algorithm, "use": "sig"}

    @cached_property
    def key_id(self) -> str:
        """The RFC 7638 thumbprint of the public key: the same id in every container, for the same key."""
        jwk = self._public_members
        members = ("crv", "kty", "x", "y") if jwk["kty"] == "EC" else ("e", "kty", "n")
        canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True)
        return jwt.utils.base64url_encode(hashlib.sha256(canonical.encode()).digest()).decode()


class TokenSigner:
    """Signs access tokens with the current key; publishes the current and previous public keys."""

    def __init__(self, issuer: str, key: TokenSigningKey, previous_keys: Sequence[TokenSigningKey] = ()) -> None:
        self.issuer = issuer
        self.key = key
        self.previous_keys = tuple(previous_keys)

    def key_set(self) -> dict[str, Any]:
        # Copies: a caller that changed the document must not change the keys.
        return {"keys": [dict(each.public_jwk) for each in (self.key, *self.previous_keys)]}

    def access_token(
        self, *, subject: str, audience: str, client_id: str, scopes: Sequence[str], lifetime_seconds: int
    ) -> tuple[str, int]:
        """A signed access token and its expiry (epoch seconds)."""
        now = int(time.time())
        expires_at = now + lifetime_seconds
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": audience,
            "client_id": client_id,
            "scope": " ".join(scopes),
            "iat": now,
            "exp": expires_at,
            "jti": secrets.token_urlsafe(16),
        }
        headers = {"typ": ACCESS_TOKEN_TYPE, "kid": self.key.key_id}
        return jwt.encode(claims, self.key.private_key, algorithm=self.key.algorithm, headers=headers), expires_at

    def issuer_keys(self, jwks_url: str) -> IssuerKeys:
        """The resource server's view of these keys: answered from memory, never fetched."""
        key_set = self.key_set()
        return IssuerKeys(self.issuer, jwks_url, fetch=lambda url, timeout: Fetched(key_set))
