"""A browser for programs that open one (`BROWSER=<this script's launcher>`, as xdg-open honours): it does the
person's part of the sign-in at the URL it is given (tests/support/sign_in_pages.py) and then GETs the final
redirect, which delivers the code to the program's own callback server, as a browser would.

Usage: scripted_browser.py <authorization URL>; reads SIGN_IN_USERNAME, SIGN_IN_PASSWORD and SCRIPTED_BROWSER_LOG
(a file it appends what it did to)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx2

from tests.support.sign_in_pages import REQUEST_TIMEOUT_SECONDS, SignInBrowser


async def browse(authorization_url: str, log: Path) -> None:
    browser = SignInBrowser(os.environ["SIGN_IN_USERNAME"], os.environ["SIGN_IN_PASSWORD"])
    final_redirect = await browser.sign_in(authorization_url)
    with log.open("a") as written:
        written.write(f"pages: {[page.title for page in browser.pages]}\nredirected to the callback\n")
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS) as client:
        callback = await client.get(final_redirect)
    with log.open("a") as written:
        written.write(f"callback answered {callback.status_code}\n")


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
