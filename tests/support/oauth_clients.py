"""Real MCP clients that sign in with OAuth, headlessly: the Python SDK's `OAuthClientProvider` (with dynamic client
registration, or with a client ID metadata document URL) and `mcp-remote`, whose browser is a script. In both the
person's part is `SignInBrowser` following the pages over HTTP (tests/support/sign_in_pages.py)."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

from tests.support.chalice_local import PROJECT_ROOT
from tests.support.sign_in_pages import SignInBrowser

SCRIPTED_BROWSER = Path(__file__).with_name("scripted_browser.py")


@dataclass
class MemoryTokenStorage(TokenStorage):
    """What a client keeps between requests; `saved_tokens` is every token response it stored, in order."""

    client_info: OAuthClientInformationFull | None = None
    saved_tokens: list[OAuthToken] = field(default_factory=list)

    async def get_tokens(self) -> OAuthToken | None:
        return self.saved_tokens[-1] if self.saved_tokens else None

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
) -> SdkSignIn:
    """The SDK's provider for `server_url`, registering itself (DCR) unless `client_metadata_url` is given (CIMD);
    a public client when it uses CIMD, a confidential one (`client_secret_post`) when it registers."""
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
