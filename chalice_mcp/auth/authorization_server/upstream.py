"""The one OAuth client this server is at the upstream identity provider (the Cognito app client, say): the
authorization code flow with PKCE, its own `state` and `nonce`, the ID token verified (signature through the
provider's JWKS, `iss`, `aud`, `nonce`, `exp`), and refreshes.

The provider's metadata comes from OpenID Connect Discovery (`<issuer>/.well-known/openid-configuration`), fetched at
the first sign-in and kept per container; its keys through `IssuerKeys`, as the resource server fetches its own.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.exceptions import PyJWTError

from chalice_mcp.auth.access_tokens import CLOCK_SKEW_SECONDS, InvalidToken, signing_key_for
from chalice_mcp.auth.bounded_fetch import FetchTimeLimit, limited_opener
from chalice_mcp.auth.issuer_keys import (
    FETCH_TIMEOUT_SECONDS,
    IssuerKeys,
    IssuerKeysUnavailable,
    fetch_json,
    metadata_urls,
)
from chalice_mcp.settings import url_problem

MAX_TOKEN_RESPONSE_BYTES = 64 * 1024


class UpstreamUnavailable(RuntimeError):
    """The identity provider cannot be reached or answers nonsense: the person should try again later."""


class UpstreamRefused(ValueError):
    """The identity provider, or its ID token, says no: the sign-in (or refresh) is over."""


@dataclass(frozen=True)
class UpstreamEndpoints:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    basic_auth: bool


@dataclass(frozen=True)
class SignedIn:
    """Who signed in upstream, the refresh token that keeps the sign-in going (when the provider gave one), and the
    verified ID token's claims (for MCP_OAUTH_SCOPE_GRANTS)."""

    subject: str
    refresh_token: str | None
    claims: dict[str, Any]


@dataclass(frozen=True)
class Refreshed:
    """The refresh token to keep, and the refreshed ID token's claims: None when the provider sent no ID token."""

    refresh_token: str
    claims: dict[str, Any] | None


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge), RFC 7636 §4.1–4.2."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


class UpstreamProvider:
    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        scopes: Sequence[str],
        redirect_uri: str,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self.redirect_uri = redirect_uri
        self._lock = threading.Lock()
        self._endpoints: UpstreamEndpoints | None = None
        self._keys: IssuerKeys | None = None

    def endpoints(self, deadline: float) -> UpstreamEndpoints:
        if self._endpoints is None:
            with self._lock:
                if self._endpoints is None:
                    self._endpoints = self._discover(deadline)
                    self._keys = IssuerKeys(self.issuer, self._endpoints.jwks_uri)
        return self._endpoints

    def _discover(self, deadline: float) -> UpstreamEndpoints:
        problems = []
        for url in metadata_urls(self.issuer):
            try:
                metadata = fetch_json(url, _timeout(deadline)).document
            except IssuerKeysUnavailable as failure:
                problems.append(str(failure))
                continue
            if not isinstance(metadata, dict) or metadata.get("issuer") != self.issuer:
                problems.append(f"{url} does not describe {self.issuer}")
                continue
            endpoints = [metadata.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")]
            if not all(isinstance(each, str) and url_problem(each) is None for each in endpoints):
                problems.append(f"{url} lacks an https authorization_endpoint, token_endpoint or jwks_uri")
                continue
            methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
            return UpstreamEndpoints(
                str(endpoints[0]), str(endpoints[1]), str(endpoints[2]), "client_secret_basic" in methods
            )
        raise UpstreamUnavailable("the identity provider's metadata cannot be read: " + "; ".join(problems))

    def authorization_url(self, state: str, nonce: str, code_challenge: str, deadline: float) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        if "offline_access" in self.scopes:
            # OpenID Connect Core §11: offline_access is ignored unless the request asks for consent.
            query["prompt"] = "consent"
        endpoint = self.endpoints(deadline).authorization_endpoint
        separator = "&" if "?" in endpoint else "?"
        return endpoint + separator + urllib.parse.urlencode(query)

    def sign_in(self, code: str, code_verifier: str, nonce: str, deadline: float) -> SignedIn:
        """Exchange the upstream's code; the ID token must be for this client, this nonce, and current."""
        answer = self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": code_verifier,
            },
            deadline,
        )
        claims = self.verified_id_token(answer.get("id_token"), deadline)
        if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
            raise UpstreamRefused("the identity provider's ID token has the wrong nonce")
        refresh_token = answer.get("refresh_token")
        return SignedIn(str(claims["sub"]), refresh_token if isinstance(refresh_token, str) else None, claims)

    def refresh(self, refresh_token: str, subject: str, deadline: float) -> Refreshed:
        """Refresh upstream, so a person disabled or signed out there is refused, and their claims are current."""
        answer = self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token}, deadline)
        claims = None
        if answer.get("id_token") is not None:
            claims = self.verified_id_token(answer["id_token"], deadline, require_fresh=False)
            if claims.get("sub") != subject:
                raise UpstreamRefused("the identity provider's refreshed ID token names another person")
        rotated = answer.get("refresh_token")
        return Refreshed(rotated if isinstance(rotated, str) else refresh_token, claims)

    def verified_id_token(self, id_token: Any, deadline: float, *, require_fresh: bool = True) -> dict[str, Any]:
        if not isinstance(id_token, str):
            raise UpstreamRefused("the identity provider sent no ID token (is `openid` in MCP_OAUTH_UPSTREAM_SCOPES?)")
        self.endpoints(deadline)
        if self._keys is None:
            raise UpstreamUnavailable("the identity provider's keys are unknown")
        try:
            # The checks of the resource server's own access tokens, but for `typ`, which OpenID Connect leaves free.
            algorithm, key = signing_key_for(
                id_token, self._keys, deadline, described_as="identity provider's ID token"
            )
        except InvalidToken as invalid:
            raise UpstreamRefused(str(invalid)) from None
        except IssuerKeysUnavailable as unavailable:
            raise UpstreamUnavailable(str(unavailable)) from None
        try:
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key.public_key,
                algorithms=[algorithm],
                audience=self.client_id,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"] + (["iat"] if require_fresh else [])},
            )
        except jwt.InvalidAudienceError:
            raise UpstreamRefused("the identity provider's ID token is for another audience") from None
        except jwt.InvalidIssuerError:
            raise UpstreamRefused("the identity provider's ID token is from another issuer") from None
        except jwt.ExpiredSignatureError:
            raise UpstreamRefused("the identity provider's ID token has expired") from None
        except PyJWTError:
            raise UpstreamRefused("the identity provider's ID token is invalid") from None
        # OpenID Connect Core §2: with several audiences, `azp` names the client it was issued to.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise UpstreamRefused("the identity provider's ID token was issued to another client")
        return claims

    def _token_request(self, form: dict[str, str], deadline: float) -> dict[str, Any]:
        endpoints = self.endpoints(deadline)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
        if endpoints.basic_auth:
            # RFC 6749 §2.3.1: both halves form-urlencoded before the Basic encoding.
            pair = f"{urllib.parse.quote(self.client_id, safe='')}:{urllib.parse.quote(self._client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form = {**form, "client_id": self.client_id, "client_secret": self._client_secret}
        request = urllib.request.Request(  # noqa: S310 - the endpoint is https (or loopback), checked at discovery
            endpoints.token_endpoint, data=urllib.parse.urlencode(form).encode(), headers=headers, method="POST"
        )
        seconds = _timeout(deadline)
        # One time limit for the whole exchange (connection, every read): urllib's timeout bounds each read only.
        with FetchTimeLimit(seconds) as time_limit:
            try:
                with limited_opener(time_limit, _NoRedirects()).open(request, timeout=seconds) as response:
                    body = response.read(MAX_TOKEN_RESPONSE_BYTES)
            except urllib.error.HTTPError as refused:
                if 300 <= refused.code < 400:
                    raise UpstreamUnavailable(
                        f"the identity provider's token endpoint answered {refused.code}, a redirect, "
                        "which is not followed"
                    ) from None
                error = "an error" if time_limit.over else _error_code(refused.read(MAX_TOKEN_RESPONSE_BYTES))
                if 400 <= refused.code < 500 and not time_limit.over:
                    raise UpstreamRefused(f"the identity provider refused: {error}") from None
                raise UpstreamUnavailable(f"the identity provider's token endpoint answered {refused.code}") from None
            except (OSError, ValueError, http.client.HTTPException) as failure:
                if not time_limit.over:
                    raise UpstreamUnavailable(
                        f"the identity provider's token endpoint failed: {type(failure).__name__}"
                    ) from None
        # Checked after a read that succeeded too: a connection shut down mid-body reads as a short, complete one.
        if time_limit.over:
            raise UpstreamUnavailable(f"the identity provider's token endpoint gave no answer within {seconds:.3g} s")
        try:
            answer = json.loads(body)
        except (ValueError, RecursionError):
            raise UpstreamUnavailable("the identity provider's token endpoint answered no JSON") from None
        if not isinstance(answer, dict):
            raise UpstreamUnavailable("the identity provider's token endpoint answered no JSON object")
        return answer


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Token requests carry the client's secret: they go to the token endpoint discovered, never where a redirect
    points (urllib would repeat a POST answered 301–303 as a GET, Authorization header and all)."""

    def redirect_request(self, *arguments: Any, **options: Any) -> None:
        return None


def _error_code(body: bytes) -> str:
    """The RFC 6749 `error` code of a refusal (a fixed word), never its description, which may quote a token."""
    try:
        error = json.loads(body).get("error")
    except (ValueError, AttributeError, RecursionError):
        return "an error"
    return error if isinstance(error, str) and error.replace("_", "").isalnum() and len(error) < 64 else "an error"


def _timeout(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise UpstreamUnavailable("no time left before the request's deadline")
    return min(FETCH_TIMEOUT_SECONDS, remaining)
