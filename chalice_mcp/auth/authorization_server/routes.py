"""The authorization server's HTTP side, under the endpoint's base URL (`MCP_PUBLIC_URL` plus the Blueprint's
prefix, which is also the issuer):

| path | what |
|---|---|
| `/.well-known/oauth-authorization-server`, `/.well-known/openid-configuration` | RFC 8414 metadata |
| `/jwks` | the public keys of the access tokens |
| `/authorize` | the SDK's handler (client, exact redirect URI, PKCE S256, scopes), then `resource` |
| `/consent` | the consent page (GET) and its form (POST) |
| `/callback` | where the upstream identity provider sends the person back: register it there |
| `/token`, `/register`, `/revoke` | the SDK's handlers |

The SDK's handlers run as they are, through the bridge's ASGI exchange (`asgi_exchange`). Whatever fails is an
OAuth error (RFC 6749 §4.1.2.1 on the way back to the client, §5.2 at /token): a 4xx, or 503 while the identity
provider or the store cannot be reached; never a 500 or a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import time
import urllib.parse
from typing import Any

from mcp.server.auth.routes import build_metadata, create_auth_routes
from mcp.server.auth.settings import ClientRegistrationOptions, RevocationOptions
from pydantic import AnyHttpUrl
from starlette.routing import Router

from chalice_mcp.auth.access_tokens import AccessTokenValidator, TokenRules
from chalice_mcp.auth.authorization_server.client_documents import (
    ClientDocumentCache,
    ClientDocumentError,
)
from chalice_mcp.auth.authorization_server.clients import ClientRegistry
from chalice_mcp.auth.authorization_server.consent import (
    SessionCookies,
    SignInSession,
    consent_page,
    message_page,
    scope_descriptions,
)
from chalice_mcp.auth.authorization_server.keys import sealer_for, signer_for
from chalice_mcp.auth.authorization_server.paths import (
    AUTHORIZE_PATH,
    CALLBACK_PATH,
    CONSENT_PATH,
    JWKS_PATH,
    METADATA_PATHS,
    REVOCATION_PATH,
    TOKEN_PATH,
)
from chalice_mcp.auth.authorization_server.provider import (
    AUTHORIZATION_REQUEST,
    REQUEST_LIFETIME_SECONDS,
    AuthorizationServerProvider,
    client_redirect,
    reset_request_deadline,
    set_request_deadline,
)
from chalice_mcp.auth.authorization_server.scope_grants import ScopeGrants
from chalice_mcp.auth.authorization_server.sealing import SealedValueInvalid
from chalice_mcp.auth.authorization_server.stores import StoreUnavailable, grant_store, hashed
from chalice_mcp.auth.authorization_server.trouble_log import TroubleLog
from chalice_mcp.auth.authorization_server.upstream import (
    UpstreamProvider,
    UpstreamRefused,
    UpstreamUnavailable,
    pkce_pair,
)
from chalice_mcp.bridge.event_loop import ContainerEventLoop
from chalice_mcp.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest
from chalice_mcp.bridge.stateless_mcp import asgi_exchange
from chalice_mcp.settings import Settings

# A sign-in in progress at the upstream: stored under the hash of its `state`, taken once at the callback. The
# state itself is 256 random bits, short enough for any provider's limit on the parameter.
SIGN_IN_KIND = "sign-in"
# The metadata and keys change only with a deployment (or a key rotation, which keeps the old key published).
DOCUMENT_MAX_AGE_SECONDS = 3600
RETRY_AFTER_SECONDS = 10
# The consent form and a /authorize POST are a few hundred bytes; nothing larger is parsed.
MAX_FORM_BYTES = 64 * 1024


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> HttpReply:
    body = json.dumps({"error": error, "error_description": description}).encode()
    return HttpReply(
        status=status,
        headers={"Content-Type": JSON_CONTENT_TYPE, "Cache-Control": "no-store", **(headers or {})},
        body=body,
    )


def redirect(location: str, set_cookie: str | None = None) -> HttpReply:
    headers = {"Location": location, "Cache-Control": "no-store"}
    if set_cookie is not None:
        headers["Set-Cookie"] = set_cookie
    return HttpReply(status=302, headers=headers)


def with_empty_client_secret(request: HttpRequest) -> HttpRequest:
    """The revocation request with `client_secret=` added when it has none: the SDK's handler requires the field,
    while RFC 7009 §2.1 lets a public client (PKCE, no secret) send its `client_id` alone. Its client authenticator
    still checks the secret of a client that has one."""
    form = urllib.parse.parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    if "client_secret" in form or "form-urlencoded" not in (request.header("content-type") or ""):
        return request
    body = request.body + (b"&" if request.body else b"") + b"client_secret="
    return dataclasses.replace(request, body=body)


def needed_the_upstream_or_store_and_succeeded(path: str, reply: HttpReply) -> bool:
    """Whether `reply` is a token issued, or a sign-in back from the upstream with a code: what an outage prevents,
    so what ends one (another route's success, the metadata's say, proves nothing of the upstream or the store)."""
    if path == TOKEN_PATH:
        return reply.status == 200
    if path == CALLBACK_PATH and reply.status == 302:
        return "code" in urllib.parse.parse_qs(urllib.parse.urlsplit(reply.headers.get("Location", "")).query)
    return False


class AuthorizationServer:
    """Built once per container, at the first request to one of its paths."""

    def __init__(self, settings: Settings, server_name: str, upstream: UpstreamProvider | None = None) -> None:
        if not settings.authorization_server or settings.public_url is None or settings.resource_url is None:
            raise ValueError("the authorization server needs MCP_AUTH=oauth, MCP_OAUTH_UPSTREAM_ISSUER, MCP_PUBLIC_URL")
        self.settings = settings
        self.issuer = settings.public_url
        self.server_name = server_name
        self.request_timeout_seconds = settings.request_timeout_seconds
        # What a client may ask for: the scopes every request needs and each tool's extra one.
        scopes = list(settings.all_scopes)
        self.store = store = grant_store(settings.oauth_table, settings.oauth_store_path, settings.public_url)
        self.sealer = sealer_for(settings)
        self.signer = signer_for(settings)
        self.registry = ClientRegistry(store, ClientDocumentCache(), scopes, settings.serves_on_loopback, self.sealer)
        self.upstream = upstream or UpstreamProvider(
            str(settings.oauth_upstream_issuer),
            str(settings.oauth_upstream_client_id),
            settings.oauth_upstream_client_secret.get_secret_value() if settings.oauth_upstream_client_secret else "",
            settings.oauth_upstream_scopes,
            self.issuer + CALLBACK_PATH,
        )
        validator = AccessTokenValidator(
            TokenRules(issuer=self.issuer, required_scopes=settings.oauth_scopes),
            self.signer.issuer_keys(self.issuer + JWKS_PATH),
        )
        self.provider = AuthorizationServerProvider(
            base_url=self.issuer,
            resource=settings.resource_url,
            default_scopes=settings.oauth_scopes,
            registry=self.registry,
            store=store,
            sealer=self.sealer,
            signer=self.signer,
            validator=validator,
            upstream=self.upstream,
            access_token_seconds=settings.oauth_access_token_seconds,
            grants=ScopeGrants(settings),
        )
        self.scope_descriptions = scope_descriptions(settings, server_name)
        self.cookies = SessionCookies(self.sealer, secure=self.issuer.startswith("https://"))
        registration = ClientRegistrationOptions(
            enabled=True, valid_scopes=scopes or None, default_scopes=list(settings.oauth_scopes) or None
        )
        revocation = RevocationOptions(enabled=True)
        issuer_url = AnyHttpUrl(self.issuer)
        self._sdk_routes = Router(routes=create_auth_routes(self.provider, issuer_url, None, registration, revocation))
        self.metadata = self._metadata(
            build_metadata(issuer_url, None, registration, revocation).model_dump(mode="json", exclude_none=True)
        )
        self._event_loop = ContainerEventLoop()
        self.troubles = TroubleLog()

    def _metadata(self, built: dict[str, Any]) -> dict[str, Any]:
        return {
            **built,
            # The SDK's URL type writes a path-less issuer with a trailing slash; RFC 8414 §3.3 compares exactly.
            "issuer": self.issuer,
            "jwks_uri": self.issuer + JWKS_PATH,
            "scopes_supported": list(self.settings.all_scopes),
            # The SDK's token handler also takes public clients (PKCE only): CIMD clients and most DCR ones.
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "code_challenge_methods_supported": ["S256"],
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
            "response_modes_supported": ["query"],
        }

    def handle(self, path: str, request: HttpRequest) -> HttpReply:
        deadline = time.monotonic() + self.request_timeout_seconds
        context_token = set_request_deadline(deadline)
        try:
            if len(request.body) > MAX_FORM_BYTES:
                return oauth_error(413, "invalid_request", f"the request body is larger than {MAX_FORM_BYTES} bytes")
            reply = self._handle(path, request, deadline)
        except (UpstreamUnavailable, StoreUnavailable, TimeoutError) as unavailable:
            # Nobody's mistake: the identity provider or the store is down, or slow. The log says which, no value.
            self.troubles.unavailable(str(unavailable) or type(unavailable).__name__)
            return oauth_error(
                503, "temporarily_unavailable", "try again shortly", {"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
        except Exception as unforeseen:
            # A request of a shape no check foresaw is refused like any bad request; the log names the kind of
            # failure only (a message could quote a code or a token), and is no ERROR: any client can cause it.
            self.troubles.unforeseen(type(unforeseen).__name__)
            return oauth_error(400, "invalid_request", "the request could not be processed")
        finally:
            reset_request_deadline(context_token)
        if needed_the_upstream_or_store_and_succeeded(path, reply):
            self.troubles.answered()
        return reply

    def _handle(self, path: str, request: HttpRequest, deadline: float) -> HttpReply:
        if path in METADATA_PATHS:
            return self._document(request, self.metadata)
        if path == JWKS_PATH:
            return self._document(request, self.signer.key_set())
        if path == CONSENT_PATH:
            return self._consent(request, deadline)
        if path == CALLBACK_PATH:
            return self._callback(request, deadline)
        if path == AUTHORIZE_PATH and (refusal := self._unusable_client(request, deadline)) is not None:
            return refusal
        if path == TOKEN_PATH and request.method == "POST":
            resource = self._parameters(request).get("resource")
            if resource is not None and resource.rstrip("/") != self.provider.resource.rstrip("/"):
                # RFC 8707 §2.2: the SDK's handler does not look at `resource`; this server's tokens are for /mcp.
                return oauth_error(
                    400, "invalid_target", f"this server issues tokens for {self.provider.resource} only"
                )
        if path == REVOCATION_PATH and request.method == "POST":
            request = with_empty_client_secret(request)
        return self._sdk(request, deadline)

    def _document(self, request: HttpRequest, document: dict[str, Any]) -> HttpReply:
        headers = {"Access-Control-Allow-Origin": "*"}
        if request.method == "OPTIONS":
            headers.update({"Access-Control-Allow-Methods": "GET", "Access-Control-Allow-Headers": "*"})
            return HttpReply(status=204, headers=headers)
        if request.method != "GET":
            return oauth_error(405, "invalid_request", "use GET", {"Allow": "GET, OPTIONS"})
        headers.update(
            {"Content-Type": JSON_CONTENT_TYPE, "Cache-Control": f"public, max-age={DOCUMENT_MAX_AGE_SECONDS}"}
        )
        return HttpReply(status=200, headers=headers, body=json.dumps(document).encode())

    def _sdk(self, request: HttpRequest, deadline: float) -> HttpReply:
        headers = dict(request.headers)
        reply = self._event_loop.run(asgi_exchange(self._sdk_routes, request, headers), deadline - time.monotonic())
        location = reply.headers.get("Location")
        if location is not None and not location.startswith(self.issuer + "/"):
            if "iss" not in urllib.parse.parse_qs(urllib.parse.urlsplit(location).query):
                # RFC 9207 §2: error responses to the client carry `iss` too; the SDK's handler adds none.
                reply.headers["Location"] = client_redirect(location, self.issuer)
        return reply

    def _unusable_client(self, request: HttpRequest, deadline: float) -> HttpReply | None:
        """Why /authorize cannot go on with this client (a CIMD document that cannot be used, or a store that
        cannot be read), said before the SDK's handler, which would only say "not found"."""
        parameters = self._parameters(request)
        client_id = parameters.get("client_id")
        if not client_id:
            return None
        try:
            self.registry.client(client_id, max(deadline - time.monotonic(), 0.1))
        except ClientDocumentError as unusable:
            # RFC 6749 §4.1.2.1: with no trustworthy redirect URI the error goes to the person, not to a redirect.
            return oauth_error(400, "invalid_client", str(unusable))
        return None

    @staticmethod
    def _parameters(request: HttpRequest) -> dict[str, str]:
        text = request.query_string if request.method == "GET" else request.body.decode("utf-8", "replace")
        return {name: values[-1] for name, values in urllib.parse.parse_qs(text, keep_blank_values=True).items()}

    # The consent page

    def _opened_request(self, sealed: str | None) -> dict[str, Any] | None:
        if not sealed:
            return None
        try:
            return self.sealer.open(AUTHORIZATION_REQUEST, sealed)
        except SealedValueInvalid:
            return None

    def _consent(self, request: HttpRequest, deadline: float) -> HttpReply:
        if request.method not in ("GET", "POST"):
            return oauth_error(405, "invalid_request", "use GET or POST", {"Allow": "GET, POST"})
        parameters = self._parameters(request)
        sealed = parameters.get("request")
        authorization = self._opened_request(sealed)
        if authorization is None or sealed is None:
            return message_page(400, "This sign-in link is not valid", "Start again from your application.")
        session = self.cookies.session(request)
        client_id = str(authorization["client_id"])
        scopes = [str(scope) for scope in authorization["scopes"]]
        if request.method == "GET":
            if session.has_consented(client_id, scopes):
                return self._to_upstream(authorization, session, deadline)
            try:
                client = self.registry.client(client_id, max(deadline - time.monotonic(), 0.1))
            except ClientDocumentError as unusable:
                return message_page(400, "This application cannot sign in", str(unusable))
            page = consent_page(
                client_name=client.client_name if client else None,
                client_id=client_id,
                redirect_uri=str(authorization["redirect_uri"]),
                server_name=self.server_name,
                server_url=self.issuer,
                scopes=[(scope, self.scope_descriptions.get(scope, "")) for scope in scopes],
                identity_provider=self.upstream.issuer,
                sealed_request=sealed,
                csrf_token=session.csrf_token,
                action=self.issuer + CONSENT_PATH,
            )
            page.headers["Set-Cookie"] = self.cookies.set_cookie(session)
            return page
        # A form from another site, or without the cookie's token, is not this person's decision.
        submitted = parameters.get("csrf_token", "")
        if not submitted or not secrets.compare_digest(submitted, session.csrf_token) or not self._same_origin(request):
            return message_page(403, "This form is not valid", "Open the sign-in link from your application again.")
        if parameters.get("decision") != "approve":
            location = client_redirect(
                str(authorization["redirect_uri"]),
                self.issuer,
                error="access_denied",
                error_description="the person denied access",
                state=authorization.get("state"),
            )
            return redirect(location)
        session.remember_consent(client_id, scopes)
        return self._to_upstream(authorization, session, deadline)

    def _same_origin(self, request: HttpRequest) -> bool:
        origin = request.header("origin")
        if origin is None:
            return True
        parts = urllib.parse.urlsplit(self.issuer)
        return origin == f"{parts.scheme}://{parts.netloc}"

    def _to_upstream(self, authorization: dict[str, Any], session: SignInSession, deadline: float) -> HttpReply:
        verifier, challenge = pkce_pair()
        nonce = secrets.token_urlsafe(24)
        binding = session.start_sign_in()
        state = secrets.token_urlsafe(32)
        pending = {"request": authorization, "verifier": verifier, "nonce": nonce, "binding": binding}
        self.store.put(SIGN_IN_KIND, hashed(state), pending, REQUEST_LIFETIME_SECONDS)
        location = self.upstream.authorization_url(state, nonce, challenge, deadline)
        return redirect(location, self.cookies.set_cookie(session))

    # The upstream's callback

    def _callback(self, request: HttpRequest, deadline: float) -> HttpReply:
        if request.method != "GET":
            return oauth_error(405, "invalid_request", "use GET", {"Allow": "GET"})
        parameters = self._parameters(request)
        state_parameter = parameters.get("state", "")
        pending = self.store.take(SIGN_IN_KIND, hashed(state_parameter)) if state_parameter else None
        if pending is None:
            return message_page(
                400, "This sign-in cannot be finished", "Its state is unknown, expired or already used: start again."
            )
        session = self.cookies.session(request)
        if not session.finish_sign_in(str(pending.get("binding", ""))):
            return message_page(
                400, "This sign-in cannot be finished", "It was started in another browser, or already finished."
            )
        authorization = pending["request"]
        redirect_uri, state = str(authorization["redirect_uri"]), authorization.get("state")
        cookie = self.cookies.set_cookie(session)
        if "error" in parameters or "code" not in parameters:
            error = parameters.get("error", "")
            code = "access_denied" if error == "access_denied" else "server_error"
            return redirect(
                client_redirect(
                    redirect_uri, self.issuer, error=code, error_description="the sign-in failed", state=state
                ),
                cookie,
            )
        try:
            signed_in = self.upstream.sign_in(
                parameters["code"], str(pending["verifier"]), str(pending["nonce"]), deadline
            )
        except UpstreamRefused as refused:
            self.troubles.sign_in_refused(str(refused))
            return redirect(
                client_redirect(
                    redirect_uri, self.issuer, error="access_denied", error_description=str(refused), state=state
                ),
                cookie,
            )
        code = self.provider.issue_code(authorization, signed_in)
        return redirect(client_redirect(redirect_uri, self.issuer, code=code, state=state), cookie)
