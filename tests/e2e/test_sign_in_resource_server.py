"""The resource-server mode (`MCP_AUTH=oauth` with `MCP_OAUTH_ISSUER` an outside authorization server) signed into
end to end by real clients, as a person would: a real OpenID provider (npm `oidc-provider`, with dynamic client
registration and client ID metadata documents, JWT access tokens for this server's `/mcp`), a real `chalice local`,
the SDK's `OAuthClientProvider` (registering itself, or with a metadata document served over https on loopback)
and `mcp-remote` (registering itself, its browser a script). The person's part is done by following the provider's
pages over HTTP. After the sign-in the clients list and call tools; a short access-token lifetime makes the SDK
refresh, which must work without a second sign-in."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest

from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.https_documents import DocumentServer, LoopbackCertificates, start_document_server
from tests.support.oauth_clients import (
    COOPER,
    client_metadata_document,
    list_and_call,
    mcp_remote_signs_in_once_and_refreshes,
    sdk_sign_in,
    sign_in_use_and_refresh,
    unheard_redirect_uri,
)
from tests.support.openid_provider import OpenIdProvider, start_authorization_server
from tests.support.processes import free_port
from tests.support.sign_in_pages import SignInBrowser, SignInFailed
from tests.support.stage_project import project_with_dev_environment

pytestmark = pytest.mark.e2e

SCOPE = "fitness:calculate"
# Short, so that a test can outlive its first access token; long enough for a sign-in and a call on a busy machine.
ACCESS_TOKEN_TTL_SECONDS = 6
METADATA_DOCUMENT_PATH = "/clients/fitness-e2e.json"


@dataclass
class SignInSetup:
    provider: OpenIdProvider
    server: RunningServer
    documents: DocumentServer
    work_dir: Path

    def browser(self) -> SignInBrowser:
        return SignInBrowser(self.provider.user.username, self.provider.user.password)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInSetup]:
    work_dir = tmp_path_factory.mktemp("sign-in-resource-server")
    certificates = LoopbackCertificates.create(work_dir)
    documents = start_document_server(certificates)
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    try:
        provider = start_authorization_server(
            work_dir,
            resource=f"{public_url}/mcp",
            scopes=SCOPE,
            access_token_ttl_seconds=ACCESS_TOKEN_TTL_SECONDS,
            extra_ca_file=certificates.authority_path,
        )
        try:
            settings = {
                "MCP_AUTH": "oauth",
                "MCP_OAUTH_ISSUER": provider.issuer,
                "MCP_OAUTH_SCOPES": SCOPE,
                "MCP_PUBLIC_URL": public_url,
            }
            project = project_with_dev_environment(work_dir / "project", settings)
            server = start_chalice_local(project, work_dir / "chalice-local.log", port=port)
            try:
                yield SignInSetup(provider=provider, server=server, documents=documents, work_dir=work_dir)
            finally:
                stop(server)
        finally:
            provider.stop()
    finally:
        documents.stop()


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_the_sdk_client_registers_itself_signs_in_calls_tools_and_refreshes(setup, mode):
    sign_in = sdk_sign_in(setup.server.mcp_url, setup.browser(), redirect_uri=unheard_redirect_uri())
    asyncio.run(sign_in_use_and_refresh(setup.server.mcp_url, sign_in, mode, ACCESS_TOKEN_TTL_SECONDS))
    registered = sign_in.storage.client_info
    assert registered is not None and registered.client_secret, "the client was not registered by DCR"
    assert sign_in.browser.pages[0].title == "Sign in"
    assert [page.title for page in sign_in.browser.pages] == ["Sign in", "Allow access"]


def test_the_sdk_client_with_a_metadata_document_signs_in_calls_tools_and_refreshes(setup):
    document_url = setup.documents.url(METADATA_DOCUMENT_PATH)
    callback = unheard_redirect_uri()
    setup.documents.documents[METADATA_DOCUMENT_PATH] = client_metadata_document(
        document_url, callback, "chalice-mcp e2e client (CIMD)"
    )
    sign_in = sdk_sign_in(
        setup.server.mcp_url, setup.browser(), redirect_uri=callback, client_metadata_url=document_url
    )
    asyncio.run(sign_in_use_and_refresh(setup.server.mcp_url, sign_in, "legacy", ACCESS_TOKEN_TTL_SECONDS))
    assert sign_in.storage.client_info is not None
    assert sign_in.storage.client_info.client_id == document_url
    assert setup.documents.fetched.get(METADATA_DOCUMENT_PATH, 0) >= 1, "the provider never read the document"


def test_the_access_token_names_this_server_as_its_audience(setup):
    sign_in = sdk_sign_in(setup.server.mcp_url, setup.browser(), redirect_uri=unheard_redirect_uri())

    async def signed_in_token() -> str:
        await list_and_call(setup.server.mcp_url, sign_in, "legacy")
        return sign_in.storage.saved_tokens[-1].access_token

    claims = jwt.decode(asyncio.run(signed_in_token()), options={"verify_signature": False})
    assert claims["aud"] == setup.server.mcp_url
    assert claims["iss"] == setup.provider.issuer
    assert claims["sub"] == setup.provider.user.subject
    assert SCOPE in claims["scope"].split()


def test_mcp_remote_registers_itself_signs_in_with_a_scripted_browser_calls_tools_and_refreshes(setup, tmp_path):
    mcp_remote_signs_in_once_and_refreshes(
        setup.server.mcp_url, setup.provider.user, tmp_path, ACCESS_TOKEN_TTL_SECONDS
    )


def test_the_server_log_holds_no_token_and_no_error_after_the_sign_ins(setup):
    sign_in = sdk_sign_in(setup.server.mcp_url, setup.browser(), redirect_uri=unheard_redirect_uri())

    asyncio.run(list_and_call(setup.server.mcp_url, sign_in, "legacy"))
    token = sign_in.storage.saved_tokens[-1]
    log = setup.server.log()
    assert "tools/call" in log or COOPER in log, log[-2000:]
    assert token.access_token.split(".")[2] not in log and token.access_token.split(".")[1] not in log
    assert token.refresh_token is not None and token.refresh_token not in log
    assert " ERROR " not in log and "Traceback" not in log


def inside(error: BaseException) -> Iterator[BaseException]:
    """`error` and, if it is an exception group, everything in it."""
    yield error
    for inner in getattr(error, "exceptions", ()):
        yield from inside(inner)


def test_a_wrong_password_gets_the_client_no_token(setup):
    browser = SignInBrowser(setup.provider.user.username, "not-the-password")
    sign_in = sdk_sign_in(setup.server.mcp_url, browser, redirect_uri=unheard_redirect_uri())
    with pytest.raises(BaseException) as raised:
        asyncio.run(list_and_call(setup.server.mcp_url, sign_in, "legacy"))
    failures = [raised.value, *getattr(raised.value, "exceptions", ())]
    assert any(
        isinstance(failure, SignInFailed) and "Wrong username or password" in str(failure) for failure in failures
    )
    assert sign_in.storage.saved_tokens == []
