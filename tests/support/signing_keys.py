"""Signing keys for the auth tests: generated per run, as JWKs (public for a key set, private for a token issuer) and
as signers of tokens with any claims, including the hostile ones no honest issuer would sign."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


@dataclass
class SigningKey:
    algorithm: str
    private_key: Any
    key_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @classmethod
    def rsa(cls, algorithm: str = "RS256") -> SigningKey:
        return cls(algorithm, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def ec(cls, algorithm: str = "ES256") -> SigningKey:
        return cls(algorithm, ec.generate_private_key(ec.SECP256R1()))

    def _jwk(self, key: Any) -> dict[str, Any]:
        encoder = RSAAlgorithm if isinstance(self.private_key, rsa.RSAPrivateKey) else ECAlgorithm
        return {**json.loads(encoder.to_jwk(key)), "kid": self.key_id, "alg": self.algorithm, "use": "sig"}

    def public_jwk(self) -> dict[str, Any]:
        return self._jwk(self.private_key.public_key())

    def private_jwk(self) -> dict[str, Any]:
        return self._jwk(self.private_key)

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(claims, self.private_key, algorithm=self.algorithm, headers={"kid": self.key_id, **header})

    def sign_raw(self, header: dict[str, Any], claims: Any) -> str:
        """A token with exactly this header and payload, of any JSON types, validly signed by this key: what PyJWT's
        `encode` would refuse to write (a list as `alg`, a number as `kid`)."""
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signer = jwt.get_algorithm_by_name(self.algorithm)
        return f"{signing_input}.{_b64(signer.sign(signing_input.encode(), self.private_key))}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# Parametrized tests mint their tokens when pytest collects them, and a full run reaches the unit tests several
# minutes later: an hour keeps those tokens valid until their test runs.
TOKEN_LIFETIME_SECONDS = 3600


def claims_for(
    issuer: str, audience: str | None, *, lifetime_seconds: int = TOKEN_LIFETIME_SECONDS, **extra: Any
) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": issuer, "sub": "athlete-42", "iat": now, "nbf": now, "exp": now + lifetime_seconds}
    if audience is not None:
        claims["aud"] = audience
    claims.update(extra)
    return {name: value for name, value in claims.items() if value is not None}


def unsigned_token(claims: dict[str, Any]) -> str:
    """`alg: none`: a token anyone can write."""
    return jwt.encode(claims, None, algorithm="none")


def hmac_signed_with(secret: bytes, claims: dict[str, Any], key_id: str) -> str:
    """HS256 with the issuer's *public* key as the secret: the classic algorithm-confusion forgery. PyJWT refuses
    PEM text as an HMAC secret, so the signature is made by hand."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key_id}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def tampered(token: str, **changes: Any) -> str:
    """The token with its payload changed and its signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    new_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{new_payload}.{signature}"
