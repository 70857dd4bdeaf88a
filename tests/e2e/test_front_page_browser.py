"""The page for people at `GET /`, opened by a real browser (Debian's Chromium, driven by Playwright) from a real
`chalice local`."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that work on these machines: no sandbox as root, no network beyond the page itself.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def json_card(base_url: str) -> dict:
    with urllib.request.urlopen(base_url + "/", timeout=10) as response:
        assert response.headers["Content-Type"] == "application/json"
        return json.load(response)


def test_a_browser_gets_a_self_contained_page_with_the_url_to_paste_and_every_tool(local_server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium missing at {CHROMIUM}: .ci/run installs it with apt-get")
    card = json_card(local_server.base_url)
    assert card["tools"], "the JSON card lists no tools"
    requested: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1100, "height": 900},
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
            response = page.goto(local_server.base_url + "/")
            assert response is not None and response.status == 200
            assert response.headers["content-type"].startswith("text/html")
            # The page as a person first sees it (docs/front-page.png is this screenshot).
            screenshot = tmp_path / "front-page.png"
            page.screenshot(path=str(screenshot))
            assert screenshot.stat().st_size > 10_000
            assert page.title() == "Fitness calculators — MCP server"
            assert page.locator("#endpoint-url").inner_text() == local_server.mcp_url
            assert page.locator("#auth-mode").inner_text() == "No sign-in."
            row_names = page.locator("tbody th code").all_inner_texts()
            assert row_names == card["tools"]
            cooper = page.locator("tbody tr", has_text="estimate-vo2-max-cooper")
            assert "Cooper 1968" in cooper.inner_text()
            cooper.get_by_role("link", name="Sources").click()
            assert page.locator("#source-estimate-vo2-max-cooper").is_visible()
            assert "JAMA" in page.locator("#source-estimate-vo2-max-cooper + dd").inner_text()
        finally:
            browser.close()
    # Self-contained: the page itself, nothing else, and nothing the CSP had to block.
    assert requested and all(url.startswith(local_server.base_url + "/") for url in requested), requested
    assert console_errors == []
