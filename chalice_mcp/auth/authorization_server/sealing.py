"""Sealed values: what the server hands out and must get back unchanged and unread (the sign-in cookie, the
authorization request on the consent page, the upstream's refresh token at rest). AES-256-GCM under
MCP_OAUTH_SEALING_KEY, with the value's purpose as associated data, so a value sealed for one purpose never opens as
another; MCP_OAUTH_PREVIOUS_SEALING_KEY still opens values sealed before a rotation.

Layout (base64url, no padding): a version byte, the first 4 bytes of SHA-256 of the key (which key sealed it), a
96-bit random nonce (NIST SP 800-38D §8.2.2), the ciphertext with its 128-bit tag.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import time
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
KEY_ID_BYTES = 4
NONCE_BYTES = 12


class SealedValueInvalid(ValueError):
    """A sealed value was forged, tampered with, sealed for another purpose, under an unknown key, or is too old."""


class Sealer:
    """Seals JSON values with the current key; opens them with the current or the previous key."""

    def __init__(self, key: bytes, previous_keys: Sequence[bytes] = ()) -> None:
        self._sealing = (_key_id(key), AESGCM(key))
        self._opening = {_key_id(each): AESGCM(each) for each in (key, *previous_keys)}

    def seal(self, purpose: str, value: dict[str, Any], lifetime_seconds: float) -> str:
        """`value` sealed for `purpose`, to be opened for at most `lifetime_seconds`."""
        key_id, cipher = self._sealing
        nonce = os.urandom(NONCE_BYTES)
        plaintext = json.dumps({"v": value, "exp": int(time.time() + lifetime_seconds)}, separators=(",", ":"))
        sealed = VERSION + key_id + nonce + cipher.encrypt(nonce, plaintext.encode(), purpose.encode())
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, purpose: str, sealed: str) -> dict[str, Any]:
        """The value sealed for `purpose`; raises `SealedValueInvalid` for anything else."""
        try:
            raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        except (ValueError, binascii.Error):
            raise SealedValueInvalid("the sealed value is not base64url") from None
        header = len(VERSION) + KEY_ID_BYTES
        if len(raw) < header + NONCE_BYTES + 16 or raw[:1] != VERSION:
            raise SealedValueInvalid("the sealed value is malformed")
        cipher = self._opening.get(raw[1:header])
        if cipher is None:
            raise SealedValueInvalid("the sealed value was sealed under a key this server does not have")
        nonce = raw[header : header + NONCE_BYTES]
        try:
            plaintext = cipher.decrypt(nonce, raw[header + NONCE_BYTES :], purpose.encode())
        except InvalidTag:
            raise SealedValueInvalid("the sealed value was tampered with or sealed for another purpose") from None
        opened = json.loads(plaintext)
        if not isinstance(opened, dict) or int(opened.get("exp", 0)) < time.time():
            raise SealedValueInvalid("the sealed value has expired")
        value = opened.get("v")
        if not isinstance(value, dict):
            raise SealedValueInvalid("the sealed value is malformed")
        return value


def _key_id(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]
