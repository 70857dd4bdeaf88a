"""The server's signing and sealing keys from the settings, one set per process: the authorizer of `/mcp` and the
authorization server must sign and verify with the same keys. A server on loopback without configured keys makes
up its own (tests, `chalice local`); two such processes then do not share them, so a test that runs two sets both."""

from __future__ import annotations

import threading
from collections.abc import Callable

from chalice_mcp.auth.authorization_server.sealing import Sealer
from chalice_mcp.auth.authorization_server.signing import TokenSigner, TokenSigningKey
from chalice_mcp.auth.key_material import load_sealing_key, load_signing_key, new_sealing_key, new_signing_key_pem
from chalice_mcp.settings import Settings

_lock = threading.Lock()
_made_up: dict[str, str] = {}


def _secret(settings: Settings, name: str) -> str | None:
    value = getattr(settings, name)
    return value.get_secret_value() if value is not None else None


def _made_up_value(kind: str, make: Callable[[], str]) -> str:
    with _lock:
        if kind not in _made_up:
            _made_up[kind] = make()
        return _made_up[kind]


def signer_for(settings: Settings) -> TokenSigner:
    if settings.oauth_issuer is None:
        raise ValueError("the authorization server needs its issuer URL")
    current = _secret(settings, "oauth_signing_key") or _made_up_value("signing", new_signing_key_pem)
    previous = _secret(settings, "oauth_previous_signing_key")
    return TokenSigner(
        settings.oauth_issuer,
        TokenSigningKey(load_signing_key(current)),
        [TokenSigningKey(load_signing_key(previous))] if previous else [],
    )


def sealer_for(settings: Settings) -> Sealer:
    current = _secret(settings, "oauth_sealing_key") or _made_up_value("sealing", new_sealing_key)
    previous = _secret(settings, "oauth_previous_sealing_key")
    return Sealer(load_sealing_key(current), [load_sealing_key(previous)] if previous else [])
