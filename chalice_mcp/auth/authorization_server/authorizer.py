"""The resource-server side of `/mcp` when the server issues its own tokens: the usual checks
(`chalice_mcp.auth.access_tokens`), against the server's own public keys, with no network call; a token that passed
them is remembered until it expires, so a client's next calls skip the signature check."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from mcp.server.auth.provider import AccessToken

from chalice_mcp.auth.access_tokens import AccessTokenValidator, TokenRules
from chalice_mcp.auth.authorization_server.keys import signer_for
from chalice_mcp.auth.authorization_server.paths import JWKS_PATH
from chalice_mcp.auth.issuer_keys import IssuerKeys
from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer
from chalice_mcp.settings import Settings

# A container serves a handful of clients at a time; a thousand tokens of ~1 KB each bound the memory.
MAX_REMEMBERED_TOKENS = 1024


class RememberingValidator(AccessTokenValidator):
    """Checks a token once, then answers from memory until its `exp`. Sound for the server's own tokens: nothing
    revokes an access token before it expires (they are short-lived; refreshes are what the upstream can stop),
    and a rotation keeps the previous key verifying."""

    def __init__(self, rules: TokenRules, keys: IssuerKeys) -> None:
        super().__init__(rules, keys)
        self._lock = threading.Lock()
        self._valid: OrderedDict[tuple[str, str], AccessToken] = OrderedDict()

    def validate(self, token: str, audience: str, deadline: float | None = None) -> AccessToken:
        key = (token, audience)
        with self._lock:
            remembered = self._valid.get(key)
        if remembered is not None and (remembered.expires_at or 0) > time.time():
            return remembered
        checked = super().validate(token, audience, deadline)
        with self._lock:
            self._valid[key] = checked
            while len(self._valid) > MAX_REMEMBERED_TOKENS:
                self._valid.popitem(last=False)
        return checked


def own_token_authorizer(settings: Settings) -> OAuthAuthorizer:
    if settings.oauth_issuer is None:
        raise ValueError("the authorization server needs its issuer URL")
    signer = signer_for(settings)
    rules = TokenRules(issuer=settings.oauth_issuer, required_scopes=settings.oauth_scopes)
    keys = signer.issuer_keys(settings.oauth_issuer + JWKS_PATH)
    return OAuthAuthorizer(settings, RememberingValidator(rules, keys))
