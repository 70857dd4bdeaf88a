"""The `OAuthAuthorizationServerProvider` behind the SDK's /authorize, /token, /register and /revoke handlers.

/authorize ends here after the SDK checked the client, the exact redirect URI, PKCE and the scopes: this provider
checks the `resource` and sends the person to the consent page with the request sealed. The sign-in upstream and the
callback are `sign_in`'s; what they produce is an authorization code of this server's own (single use, 60 s, bound to
the client, the redirect URI and the PKCE challenge), exchanged here for an access token and a rotating refresh token.
"""

from __future__ import annotations

import contextvars
import secrets
import time
import urllib.parse
from typing import Any

from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    RegistrationError,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import Field

from chalice_mcp.auth.access_tokens import AccessTokenValidator, InsufficientScope, InvalidToken
from chalice_mcp.auth.authorization_server.client_documents import ClientDocumentError
from chalice_mcp.auth.authorization_server.clients import ClientRegistry, redirect_uri_problem
from chalice_mcp.auth.authorization_server.scope_grants import ScopeGrants
from chalice_mcp.auth.authorization_server.sealing import SealedValueInvalid, Sealer
from chalice_mcp.auth.authorization_server.signing import TokenSigner
from chalice_mcp.auth.authorization_server.stores import GrantStore, hashed
from chalice_mcp.auth.authorization_server.upstream import SignedIn, UpstreamProvider, UpstreamRefused

# RFC 6749 §4.1.2 recommends at most 10 minutes; the issue of this server's codes is immediate, so one minute.
CODE_LIFETIME_SECONDS = 60
# As long as Cognito's default refresh token: a person signs in again at most monthly, and is refused at the next
# refresh as soon as the identity provider refuses.
REFRESH_TOKEN_LIFETIME_SECONDS = 30 * 86_400
CODE_KIND = "code"
REFRESH_KIND = "refresh"
# RFC 9700 §4.14.2: a refresh token used again after its rotation means one of its holders stole it; the whole
# family (every token rotated from one sign-in) is then revoked. `used` maps an old token to its family, `family`
# a family to its current token.
USED_REFRESH_KIND = "used-refresh"
FAMILY_KIND = "refresh-family"
# The purposes under which values are sealed (see `sealing`); one purpose never opens as another.
AUTHORIZATION_REQUEST = "authorization-request"
UPSTREAM_REFRESH_TOKEN = "upstream-refresh-token"  # noqa: S105 - a purpose name
# A sign-in request, sealed into the consent page's URL, stays usable for ten minutes.
REQUEST_LIFETIME_SECONDS = 600

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("authorization_server_deadline")


def request_deadline() -> float:
    """The current request's deadline (`time.monotonic`); 10 s from now outside one."""
    return _deadline.get(time.monotonic() + 10.0)


def set_request_deadline(deadline: float) -> contextvars.Token[float]:
    return _deadline.set(deadline)


def reset_request_deadline(token: contextvars.Token[float]) -> None:
    _deadline.reset(token)


class IssuedCode(AuthorizationCode):
    upstream_refresh_token: str | None = None
    """Sealed: the upstream's refresh token, for the refresh tokens this code's tokens come with."""
    claims: dict[str, Any] = Field(default_factory=dict)
    """The upstream ID token's claims that MCP_OAUTH_SCOPE_GRANTS reads, and no other."""


class IssuedRefreshToken(RefreshToken):
    upstream_refresh_token: str
    family: str | None = None


class AuthorizationServerProvider:
    def __init__(
        self,
        *,
        base_url: str,
        resource: str,
        default_scopes: tuple[str, ...],
        registry: ClientRegistry,
        store: GrantStore,
        sealer: Sealer,
        signer: TokenSigner,
        validator: AccessTokenValidator,
        upstream: UpstreamProvider,
        access_token_seconds: int,
        grants: ScopeGrants,
    ) -> None:
        self.base_url = base_url
        self.resource = resource
        self.default_scopes = default_scopes
        self.registry = registry
        self.store = store
        self.sealer = sealer
        self.signer = signer
        self.validator = validator
        self.upstream = upstream
        self.access_token_seconds = access_token_seconds
        self.grants = grants

    # Clients

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        remaining = max(request_deadline() - time.monotonic(), 0.1)
        try:
            return self.registry.client(client_id, remaining)
        except ClientDocumentError:
            # The routes check a client_id URL first and answer with the reason; here it is simply unknown.
            return None

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        for uri in client_info.redirect_uris or []:
            if (problem := redirect_uri_problem(str(uri))) is not None:
                raise RegistrationError("invalid_redirect_uri", problem)
        self.registry.register(client_info)

    # /authorize

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        # RFC 8707: a token for this server only. A client that names no resource gets one for this server too.
        if params.resource is not None and params.resource.rstrip("/") != self.resource.rstrip("/"):
            raise AuthorizeError("invalid_target", f"this server issues tokens for {self.resource} only")
        request = {
            "client_id": client.client_id,
            "redirect_uri": str(params.redirect_uri),
            "redirect_uri_provided_explicitly": params.redirect_uri_provided_explicitly,
            "state": params.state,
            "scopes": params.scopes or list(self.default_scopes),
            "code_challenge": params.code_challenge,
        }
        sealed = self.sealer.seal(AUTHORIZATION_REQUEST, request, REQUEST_LIFETIME_SECONDS)
        return f"{self.base_url}/consent?{urllib.parse.urlencode({'request': sealed})}"

    def issue_code(self, request: dict[str, Any], signed_in: SignedIn) -> str:
        """The code for a completed sign-in: stored under its hash for `CODE_LIFETIME_SECONDS`."""
        code = secrets.token_urlsafe(32)
        upstream_refresh_token = signed_in.refresh_token
        sealed_refresh = (
            self.sealer.seal(UPSTREAM_REFRESH_TOKEN, {"token": upstream_refresh_token}, REFRESH_TOKEN_LIFETIME_SECONDS)
            if upstream_refresh_token
            else None
        )
        record = {
            "client_id": request["client_id"],
            "redirect_uri": request["redirect_uri"],
            "redirect_uri_provided_explicitly": request["redirect_uri_provided_explicitly"],
            "scopes": request["scopes"],
            "code_challenge": request["code_challenge"],
            "resource": self.resource,
            "subject": signed_in.subject,
            "expires_at": time.time() + CODE_LIFETIME_SECONDS,
            "upstream_refresh_token": sealed_refresh,
            "claims": self.grants.claims_to_keep(signed_in.claims),
        }
        self.store.put(CODE_KIND, hashed(code), record, CODE_LIFETIME_SECONDS)
        return code

    # /token

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> IssuedCode | None:
        record = self.store.get(CODE_KIND, hashed(authorization_code))
        if record is None or record.get("client_id") != client.client_id:
            return None
        return IssuedCode.model_validate({**record, "code": authorization_code})

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: IssuedCode
    ) -> OAuthToken:
        # The SDK has checked the client, the redirect URI, the expiry and the verifier; taking the record makes the
        # code single-use even when two requests race with it.
        if self.store.take(CODE_KIND, hashed(authorization_code.code)) is None:
            raise TokenError("invalid_grant", "the authorization code was already used")
        if authorization_code.subject is None:
            raise TokenError("invalid_grant", "the authorization code names no person")
        return self._tokens(
            client.client_id,
            authorization_code.subject,
            authorization_code.scopes,
            self.grants.granted(authorization_code.scopes, authorization_code.claims),
            authorization_code.upstream_refresh_token,
        )

    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> IssuedRefreshToken | None:
        record = self.store.get(REFRESH_KIND, hashed(refresh_token))
        if record is None:
            self._revoke_family_of_reused(refresh_token)
            return None
        if record.get("client_id") != client.client_id:
            return None
        return IssuedRefreshToken.model_validate({**record, "token": refresh_token})

    def _revoke_family_of_reused(self, refresh_token: str) -> None:
        used = self.store.get(USED_REFRESH_KIND, hashed(refresh_token))
        if used is None:
            return
        family = self.store.take(FAMILY_KIND, str(used["family"]))
        if family is not None:
            self.store.delete(REFRESH_KIND, str(family["current"]))

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: IssuedRefreshToken, scopes: list[str]
    ) -> OAuthToken:
        if refresh_token.subject is None:
            raise TokenError("invalid_grant", "the refresh token names no person")
        try:
            upstream_token = self.sealer.open(UPSTREAM_REFRESH_TOKEN, refresh_token.upstream_refresh_token)["token"]
        except (SealedValueInvalid, KeyError):
            # Sealed under a key this server no longer has (two rotations of MCP_OAUTH_SEALING_KEY ago, say): the
            # sign-in cannot go on, so the client must sign in again (RFC 6749 §5.2), not be told it asked wrongly.
            self.store.delete(REFRESH_KIND, hashed(refresh_token.token))
            raise TokenError("invalid_grant", "the refresh token can no longer be used: sign in again") from None
        try:
            # A person disabled or signed out upstream is refused here, within one access-token lifetime.
            refreshed = self.upstream.refresh(str(upstream_token), refresh_token.subject, request_deadline())
        except UpstreamRefused:
            self.store.delete(REFRESH_KIND, hashed(refresh_token.token))
            raise TokenError("invalid_grant", "the sign-in at the identity provider has ended: sign in again") from None
        if self.store.take(REFRESH_KIND, hashed(refresh_token.token)) is None:
            raise TokenError("invalid_grant", "the refresh token was already used")
        if refresh_token.family is not None:
            used = {"family": refresh_token.family}
            self.store.put(USED_REFRESH_KIND, hashed(refresh_token.token), used, REFRESH_TOKEN_LIFETIME_SECONDS)
        sealed = self.sealer.seal(
            UPSTREAM_REFRESH_TOKEN, {"token": refreshed.refresh_token}, REFRESH_TOKEN_LIFETIME_SECONDS
        )
        # The grants are decided again from the refreshed ID token: a person removed from a group loses its scope
        # now, one added gets it.
        granted = self.grants.granted(scopes, refreshed.claims)
        return self._tokens(client.client_id, refresh_token.subject, scopes, granted, sealed, refresh_token.family)

    def _tokens(
        self,
        client_id: str,
        subject: str,
        scopes: list[str],
        granted: list[str],
        sealed_upstream_refresh: str | None,
        family: str | None = None,
    ) -> OAuthToken:
        """An access token with the `granted` scopes, and a refresh token that keeps the requested `scopes`, so
        each refresh decides the grants again."""
        access_token, _ = self.signer.access_token(
            subject=subject,
            audience=self.resource,
            client_id=client_id,
            scopes=granted,
            lifetime_seconds=self.access_token_seconds,
        )
        refresh_token = None
        # Without the upstream's refresh token a refresh could not ask the identity provider: none is issued, and
        # the person signs in again when the access token expires.
        if sealed_upstream_refresh is not None:
            refresh_token = secrets.token_urlsafe(32)
            family = family or secrets.token_urlsafe(16)
            record = {
                "family": family,
                "client_id": client_id,
                "scopes": scopes,
                "resource": self.resource,
                "subject": subject,
                "expires_at": int(time.time()) + REFRESH_TOKEN_LIFETIME_SECONDS,
                "upstream_refresh_token": sealed_upstream_refresh,
            }
            self.store.put(REFRESH_KIND, hashed(refresh_token), record, REFRESH_TOKEN_LIFETIME_SECONDS)
            self.store.put(FAMILY_KIND, family, {"current": hashed(refresh_token)}, REFRESH_TOKEN_LIFETIME_SECONDS)
        return OAuthToken(
            access_token=access_token,
            expires_in=self.access_token_seconds,
            # RFC 6749 §5.1: an omitted scope means "as requested"; a grant of none is said, not omitted.
            scope=" ".join(granted) if granted or scopes else None,
            refresh_token=refresh_token,
        )

    # /revoke, and the tokens themselves

    async def load_access_token(self, token: str) -> AccessToken | None:
        try:
            return self.validator.validate(token, self.resource, request_deadline())
        except (InvalidToken, InsufficientScope):
            return None

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        # Access tokens are signed, short-lived and checked without a lookup: they expire instead.
        if isinstance(token, RefreshToken):
            self.store.delete(REFRESH_KIND, hashed(token.token))

    async def exchange_identity_assertion(self, client: OAuthClientInformationFull, params: Any) -> OAuthToken:
        raise TokenError("unsupported_grant_type", "this authorization server does not accept identity assertions")


def client_redirect(redirect_uri: str, issuer: str, **parameters: str | None) -> str:
    """The client's redirect URI with `parameters` and RFC 9207's `iss` added to its query."""
    return construct_redirect_uri(redirect_uri, **parameters, iss=issuer)
