"""Checking a bearer JWT the way an OAuth 2.1 resource server must (RFC 9068, RFC 8725, the MCP authorization spec).

Every token is checked for: an asymmetric signing algorithm from a fixed allow-list (never `none`, never HMAC, whose
"secret" would be the issuer's public key), a signature by one of the issuer's keys, `iss`, the audience (this
server, RFC 8707; or, for Cognito access tokens, which carry no `aud`, an allowed `client_id`), `exp` and `nbf`
with at most a minute's clock skew, the token type where the issuer marks it, and the required scopes.
PyJWT does the JOSE work.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.exceptions import ExpiredSignatureError, ImmatureSignatureError, InvalidIssuerError, PyJWTError
from mcp.server.auth.provider import AccessToken

from chalice_mcp.auth.issuer_keys import IssuerKeys, IssuerKeysUnavailable, SigningKey

logger = logging.getLogger(__name__)

# RFC 8725 §3.1: a fixed list, chosen by the server, never by the token. Key types say which key each one needs.
ALLOWED_ALGORITHMS = {
    "RS256": "RSA",
    "RS384": "RSA",
    "RS512": "RSA",
    "PS256": "RSA",
    "ES256": "EC",
    "ES384": "EC",
}
CLOCK_SKEW_SECONDS = 60
# RFC 9068 §2.1 marks access tokens `at+jwt`; many issuers still write `JWT`. Anything else (a logout token, say) is
# not an access token.
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt", "jwt"})
# Real tokens are a few kilobytes; API Gateway caps all headers together at 10 KB.
MAX_TOKEN_CHARACTERS = 8192
# Each kind of unforeseen failure is logged once per container; the metrics count every one. Kinds are exception
# classes, a set the code fixes, and this caps it anyway.
MAX_LOGGED_FAILURE_KINDS = 32


class InvalidToken(Exception):
    """The token must not be accepted; the message says why without repeating any of the token."""


class MalformedToken(InvalidToken):
    """The token failed a check in a way no check foresaw (a header or claim of an unexpected shape)."""


class InsufficientScope(Exception):
    """The token is valid but lacks scopes this server requires."""

    def __init__(self, missing: Iterable[str]) -> None:
        self.missing = tuple(missing)
        super().__init__("the access token lacks the scope " + " ".join(self.missing))


@dataclass(frozen=True)
class TokenRules:
    """What a token must say to be accepted by this server."""

    issuer: str
    client_ids: tuple[str, ...] = ()
    required_scopes: tuple[str, ...] = ()


class AccessTokenValidator:
    def __init__(self, rules: TokenRules, keys: IssuerKeys) -> None:
        self.rules = rules
        self.keys = keys
        self._logged_failure_kinds: set[str] = set()

    def validate(self, token: str, audience: str, deadline: float | None = None) -> AccessToken:
        """The token's facts, when it is valid for `audience`. Raises `InvalidToken` or `InsufficientScope`;
        `IssuerKeysUnavailable` when the issuer's keys cannot be had by `deadline` (`time.monotonic`)."""
        try:
            return self._validate(token, audience, deadline)
        except (InvalidToken, InsufficientScope, IssuerKeysUnavailable):
            raise
        except Exception as unforeseen:
            # A header or claim of a shape no check foresaw (a list where a string belongs, say) is the token's
            # fault: the caller gets 401 invalid_token, never a 500. The log names the kind of failure, never token
            # data, and is no ERROR; and it is written once per kind, since any client can repeat it.
            kind = type(unforeseen).__name__
            if kind not in self._logged_failure_kinds and len(self._logged_failure_kinds) < MAX_LOGGED_FAILURE_KINDS:
                self._logged_failure_kinds.add(kind)
                logger.warning("an access token failed a check unexpectedly: %s (logged once per kind)", kind)
            raise MalformedToken("the access token is malformed") from None

    def _validate(self, token: str, audience: str, deadline: float | None) -> AccessToken:
        if len(token) > MAX_TOKEN_CHARACTERS:
            raise InvalidToken("the access token is too long")
        algorithm, key = signing_key_for(token, self.keys, deadline, token_types=ACCESS_TOKEN_TYPES)
        try:
            claims = jwt.decode(
                token,
                key.public_key,
                algorithms=[algorithm],
                issuer=self.rules.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except ExpiredSignatureError:
            raise InvalidToken("the access token has expired") from None
        except ImmatureSignatureError:
            raise InvalidToken("the access token is not valid yet") from None
        except InvalidIssuerError:
            raise InvalidToken("the access token is from another issuer") from None
        except PyJWTError:
            raise InvalidToken("the access token's signature or claims are invalid") from None
        self._check_audience(claims, audience)
        if claims.get("token_use", "access") != "access":
            # Cognito ID tokens are signed by the same keys; only its access tokens grant access.
            raise InvalidToken("the token is not an access token")
        scopes = granted_scopes(claims)
        missing = [scope for scope in self.rules.required_scopes if scope not in scopes]
        if missing:
            raise InsufficientScope(missing)
        return AccessToken(
            token=token,
            client_id=str(claims.get("client_id") or claims.get("azp") or ""),
            scopes=scopes,
            expires_at=int(claims["exp"]),
            resource=audience,
            subject=str(claims["sub"]) if claims.get("sub") is not None else None,
            claims={"iss": claims["iss"]},
        )

    def _check_audience(self, claims: dict[str, Any], audience: str) -> None:
        token_audiences = claims.get("aud")
        if token_audiences is None:
            # Cognito access tokens name the app client instead of an audience.
            if self.rules.client_ids and claims.get("client_id") in self.rules.client_ids:
                return
            raise InvalidToken("the access token names no audience")
        if isinstance(token_audiences, str):
            token_audiences = [token_audiences]
        if not isinstance(token_audiences, list):
            raise InvalidToken("the access token's audience is malformed")
        wanted = audience.rstrip("/")
        if not any(isinstance(each, str) and each.rstrip("/") == wanted for each in token_audiences):
            raise InvalidToken("the access token is for another audience")


def signing_key_for(
    token: str,
    keys: IssuerKeys,
    deadline: float | None,
    *,
    described_as: str = "access token",
    token_types: frozenset[str] | None = None,
) -> tuple[str, SigningKey]:
    """The algorithm and the issuer's key to verify `token` with, from its unverified header: an algorithm of the
    allow-list, a `typ` of `token_types` (when given), a string `kid` (or none), and a key the issuer publishes whose
    type and published `alg` fit the algorithm (RFC 8725 §3.1). Raises `InvalidToken`, whose message names the
    token as `described_as`; `IssuerKeysUnavailable` when the keys cannot be had by `deadline`."""
    try:
        header = jwt.get_unverified_header(token)
    except PyJWTError:
        raise InvalidToken(f"the {described_as} is not a JWT") from None
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in ALLOWED_ALGORITHMS:
        raise InvalidToken(f"the {described_as}'s signing algorithm is not accepted")
    token_type = header.get("typ")
    if token_types is not None and token_type is not None:
        if not isinstance(token_type, str) or token_type.lower() not in token_types:
            raise InvalidToken(f"the token is not an {described_as}")
    key_id = header.get("kid")
    if key_id is not None and not isinstance(key_id, str):
        raise InvalidToken(f"the {described_as}'s key id is malformed")
    key = keys.key(key_id, deadline)
    if key is None:
        raise InvalidToken(f"the {described_as} is signed with a key the issuer does not publish")
    if key.key_type != ALLOWED_ALGORITHMS[algorithm] or key.algorithm not in (None, algorithm):
        raise InvalidToken(f"the {described_as}'s signing algorithm does not match the issuer's key")
    return algorithm, key


def granted_scopes(claims: dict[str, Any]) -> list[str]:
    """The scopes a token grants: RFC 9068's space-separated `scope`, or the `scp` list some issuers write."""
    scope = claims.get("scope")
    if isinstance(scope, str):
        return scope.split()
    listed = claims.get("scp")
    if isinstance(listed, list):
        return [each for each in listed if isinstance(each, str)]
    if isinstance(listed, str):
        return listed.split()
    return []
