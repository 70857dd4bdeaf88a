"""A browser for programs that open one (`BROWSER=<this script's launcher>`, as xdg-open honours): it does the
person's part of the sign-in at the URL it is given (tests/support/sign_in_pages.py) and then GETs the final
redirect, which delivers the code to the program's own callback server, as a browser would.

`mcp-remote` opens the browser a moment before its callback server listens; a person takes seconds to sign in and
never sees that, a script takes milliseconds. So the final GET waits for the callback server (a refused connection is
tried again, up to CALLBACK_WAIT_SECONDS), as a person would reload the page. Without the wait the first run failed,
and `xdg-open` ran this browser a second time from its fallback list: a second sign-in that a loaded machine could
lose too, leaving the program waiting for a code forever.

Usage: scripted_browser.py <authorization URL>; reads SIGN_IN_USERNAME, SIGN_IN_PASSWORD and SCRIPTED_BROWSER_LOG
(a file it appends what it did to)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx2

from tests.support.sign_in_pages import REQUEST_TIMEOUT_SECONDS, SignInBrowser

CALLBACK_WAIT_SECONDS = 30.0
CALLBACK_RETRY_SECONDS = 0.1


async def browse(authorization_url: str, log: Path) -> None:
    browser = SignInBrowser(os.environ["SIGN_IN_USERNAME"], os.environ["SIGN_IN_PASSWORD"])
    final_redirect = await browser.sign_in(authorization_url)
    with log.open("a") as written:
        written.write(f"pages: {[page.title for page in browser.pages]}\nredirected to the callback\n")
    callback = await get_once_listening(final_redirect)
    with log.open("a") as written:
        written.write(f"callback answered {callback.status_code}\n")


async def get_once_listening(url: str) -> httpx2.Response:
    """GET `url`, trying again while its server refuses connections, for up to CALLBACK_WAIT_SECONDS."""
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + CALLBACK_WAIT_SECONDS
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS) as client:
        while True:
            try:
                return await client.get(url)
            except httpx2.ConnectError:
                if loop.time() >= give_up_at:
                    raise
            await asyncio.sleep(CALLBACK_RETRY_SECONDS)


def main() -> None:
    log = Path(os.environ["SCRIPTED_BROWSER_LOG"])
    try:
        asyncio.run(browse(sys.argv[1], log))
    except Exception as error:
        with log.open("a") as written:
            written.write(f"failed: {type(error).__name__}: {error}\n")
        raise


if __name__ == "__main__":
    main()
