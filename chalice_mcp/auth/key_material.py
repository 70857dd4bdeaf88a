"""The authorization server's two secrets, as the environment holds them: the signing key (PEM, EC P-256 or RSA of
at least 2048 bits) of the access tokens it issues, and the sealing key (32 random bytes, base64url) of what it hands
out sealed. Loaded here, checked here, made fresh by `python -m chalice_mcp.auth.new_keys`."""

from __future__ import annotations

import base64
import binascii
import functools
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

SEALING_KEY_BYTES = 32
# NIST SP 800-57 part 1 (rev. 5) table 2: RSA-2048 is the smallest modulus still acceptable for signatures.
MIN_RSA_BITS = 2048


# Settings validation, the /mcp authorizer and the authorization server each load the same text: an RSA key's parse
# costs tens of milliseconds of a cold start, so it is done once per text.
@functools.lru_cache(maxsize=8)
def load_signing_key(pem: str) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    """The private key of a PEM text; ValueError when it is not an unencrypted EC P-256 or RSA ≥ 2048 key."""
    # Environment variables often carry PEM with literal `\n` where the line breaks were.
    text = pem.strip().replace("\\n", "\n")
    try:
        key: Any = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError):
        raise ValueError("must be an unencrypted PEM private key (EC P-256 or RSA ≥ 2048 bits)") from None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("must be an EC key on P-256 (ES256) or an RSA key")
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise ValueError(f"an RSA key must have at least {MIN_RSA_BITS} bits")
        return key
    raise ValueError("must be an EC P-256 or RSA private key")


def signing_key_problem(pem: str) -> str | None:
    try:
        load_signing_key(pem)
    except ValueError as problem:
        return str(problem)
    return None


def load_sealing_key(text: str) -> bytes:
    """The 32 bytes of a base64url text; ValueError otherwise."""
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, binascii.Error):
        raise ValueError(f"must be {SEALING_KEY_BYTES} random bytes, base64url") from None
    if len(key) != SEALING_KEY_BYTES:
        raise ValueError(f"must be {SEALING_KEY_BYTES} random bytes, base64url (this is {len(key)} bytes)")
    return key


def sealing_key_problem(text: str) -> str | None:
    try:
        load_sealing_key(text)
    except ValueError as problem:
        return str(problem)
    return None


def new_signing_key_pem() -> str:
    """A fresh EC P-256 private key, PEM (PKCS #8): ES256 tokens are short and quick to check."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def new_sealing_key() -> str:
    import secrets

    return base64.urlsafe_b64encode(secrets.token_bytes(SEALING_KEY_BYTES)).decode().rstrip("=")
