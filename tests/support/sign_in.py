"""The fitness app as its own authorization server, in process (`chalice.test.Client`), in front of the loopback
`OpenIDUpstream`, and the steps of a sign-in as a browser and an MCP client take them: each step is a function, so a
test can stop at any one and do it wrong."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from chalice import Chalice
from chalice.test import Client

from chalice_mcp.auth.key_material import new_sealing_key, new_signing_key_pem
from chalice_mcp.blueprint import endpoint_blueprint
from chalice_mcp.settings import Settings
from chalicelib.service import build_service
from tests.support.openid_upstream import CLIENT_ID, CLIENT_SECRET, OpenIDUpstream

PUBLIC_URL = "https://fitness.example/api"
RESOURCE = PUBLIC_URL + "/mcp"
REQUIRED_SCOPE = "fitness:calculate"
CLIENT_REDIRECT_URI = "http://127.0.0.1:33418/oauth/callback"


def authorization_server_environment(upstream: OpenIDUpstream, store_path: str, **overrides: str) -> dict[str, str]:
    return {
        "MCP_AUTH": "oauth",
        "MCP_PUBLIC_URL": PUBLIC_URL,
        "MCP_OAUTH_SCOPES": REQUIRED_SCOPE,
        "MCP_SUBJECT_HASH_KEY": "test-subject-hash-key-of-this-run-0123456789",
        "MCP_OAUTH_UPSTREAM_ISSUER": upstream.issuer,
        "MCP_OAUTH_UPSTREAM_CLIENT_ID": CLIENT_ID,
        "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": CLIENT_SECRET,
        "MCP_OAUTH_SIGNING_KEY": new_signing_key_pem(),
        "MCP_OAUTH_SEALING_KEY": new_sealing_key(),
        "MCP_OAUTH_STORE_PATH": store_path,
        **overrides,
    }


def authorization_server_app(environment: dict[str, str], **build_options: Any) -> Chalice:
    """The fitness app for `environment`, as app.py registers it; `build_options` go to `build_service` (the
    request log's and the metrics' streams, say)."""
    app = Chalice(app_name="fitness-authorization-server-test", configure_logs=False)
    app.register_blueprint(
        endpoint_blueprint(
            Settings.from_environment(environment),
            lambda settings, path: build_service(settings, endpoint_path=path, **build_options),
        )
    )
    return app


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def path_of(url: str) -> str:
    """The path and query of one of the server's URLs, as `chalice.test.Client` takes them."""
    assert url.startswith(PUBLIC_URL), url
    return url[len(PUBLIC_URL) :] or "/"


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


@dataclass
class Browser:
    """The person's browser: it keeps the server's one cookie."""

    client: Client
    cookies: dict[str, str] = field(default_factory=dict)

    def headers(self, **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if self.cookies:
            headers["cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return headers

    def keep(self, response: Any) -> Any:
        if set_cookie := response.headers.get("Set-Cookie") or response.headers.get("set-cookie"):
            for name, morsel in SimpleCookie(set_cookie).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, url: str) -> Any:
        return self.keep(self.client.http.get(path_of(url), headers=self.headers()))

    def post_form(self, url: str, form: dict[str, str], **headers: str) -> Any:
        """POST `form` to `url` as a browser posts a form of a page of the same origin (its `Origin` with it,
        unless `headers` say otherwise)."""
        parts = urllib.parse.urlsplit(url)
        headers = {"origin": f"{parts.scheme}://{parts.netloc}", **headers}
        body = urllib.parse.urlencode(form)
        return self.keep(
            self.client.http.post(
                path_of(url),
                headers=self.headers(**{"content-type": "application/x-www-form-urlencoded", **headers}),
                body=body,
            )
        )


def register(client: Client, redirect_uri: str = CLIENT_REDIRECT_URI, **metadata: Any) -> dict[str, Any]:
    document = {
        "redirect_uris": [redirect_uri],
        "client_name": "Test MCP client",
        "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"],
        **metadata,
    }
    response = client.http.post("/register", headers={"content-type": "application/json"}, body=json.dumps(document))
    assert response.status_code == 201, response.body
    registered: dict[str, Any] = json.loads(response.body)
    return registered


def authorize_url(client_id: str, challenge: str, state: str = "client-state", **overrides: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CLIENT_REDIRECT_URI,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": state,
        "scope": REQUIRED_SCOPE,
        "resource": RESOURCE,
        **overrides,
    }
    return f"{PUBLIC_URL}/authorize?{urllib.parse.urlencode({k: v for k, v in query.items() if v})}"


def consent_form(page: bytes) -> dict[str, str]:
    """The hidden fields of the consent page's form."""
    text = page.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', text))
    return {name: html.unescape(value) for name, value in fields.items()}


def follow_upstream(location: str) -> str:
    """The upstream's answer to the browser: the callback URL it redirects to."""

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirects)
    try:
        opener.open(location, timeout=5)
    except urllib.error.HTTPError as redirected:
        assert redirected.code == 302, redirected.read()
        return str(redirected.headers["Location"])
    raise AssertionError("the upstream did not redirect")


def sign_in(browser: Browser, client_id: str, challenge: str, state: str = "client-state", **overrides: str) -> str:
    """Authorize, approve, sign in upstream, come back: the client's redirect URI with the code."""
    authorized = browser.get(authorize_url(client_id, challenge, state, **overrides))
    assert authorized.status_code == 302, authorized.body
    location = authorized.headers["Location"]
    if "/consent" in location:
        page = browser.get(location)
        if page.status_code == 200:
            form = consent_form(page.body)
            approved = browser.post_form(PUBLIC_URL + "/consent", {**form, "decision": "approve"})
            assert approved.status_code == 302, approved.body
            location = approved.headers["Location"]
        else:
            assert page.status_code == 302, page.body
            location = page.headers["Location"]
    callback = follow_upstream(location)
    returned = browser.get(callback)
    assert returned.status_code == 302, returned.body
    return str(returned.headers["Location"])


def token_request(client: Client, form: dict[str, str]) -> Any:
    return client.http.post(
        "/token", headers={"content-type": "application/x-www-form-urlencoded"}, body=urllib.parse.urlencode(form)
    )


def exchange(client: Client, client_id: str, code: str, verifier: str, **overrides: str) -> Any:
    """The code exchange a client makes, with any of its parameters changed by `overrides`."""
    return token_request(
        client,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CLIENT_REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
            "resource": RESOURCE,
            **overrides,
        },
    )
