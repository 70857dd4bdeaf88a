"""The official conformance suite's authorization-server scenarios (`conformance authorization --url <issuer>
--scenario …`), run headlessly: `authorization-code-grant` prints an authorization URL for a person to visit and
waits for the redirect on its own callback server (`http://127.0.0.1:<port>/callback`); here the page-following
browser (tests/support/sign_in_pages.py) does the visit and then delivers the redirect to that callback.
"""

from __future__ import annotations

import asyncio
import json
import re
import selectors
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from tests.support.processes import free_port, stop_process_group
from tests.support.sign_in_pages import REQUEST_TIMEOUT_SECONDS, SignInBrowser

SCENARIO_TIMEOUT_SECONDS = 90.0
_AUTHORIZATION_URL = re.compile(r"^(https?://\S+[?&]response_type=code\S*)$", re.MULTILINE)


@dataclass
class ScenarioRun:
    scenario: str | None
    returncode: int
    output: str
    checks: list[dict[str, Any]]

    def failures(self) -> list[str]:
        """Every check that is not SUCCESS, in the suite's own words."""
        return [
            f"{check['id']} {check['status']}: {check.get('errorMessage') or check.get('description')}"
            for check in self.checks
            if check["status"] != "SUCCESS"
        ]


def callback_port() -> int:
    """The suite's callback port; its redirect URI is `http://127.0.0.1:<port>/callback`."""
    return free_port()


def run_authorization_scenario(
    executable: Path,
    environment: Mapping[str, str],
    *,
    issuer: str,
    scenario: str | None,
    output_dir: Path,
    port: int,
    client_id: str | None = None,
    client_secret: str | None = None,
    resource: str | None = None,
    browser: SignInBrowser | None = None,
) -> ScenarioRun:
    """Run one scenario (None: all of them, in the suite's order) against `issuer` within a bound; with `browser`,
    do the person's part when it asks."""
    command = [str(executable), "authorization", "--url", issuer]
    command += ["--scenario", scenario] if scenario else []
    command += ["--output-dir", str(output_dir), "--port", str(port)]
    for flag, value in (("--client-id", client_id), ("--client-secret", client_secret), ("--resource", resource)):
        if value is not None:
            command += [flag, value]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=dict(environment),
        start_new_session=True,
    )
    output = ""
    try:
        output = _read_until_done(process, browser)
    finally:
        stop_process_group(process)
    return ScenarioRun(scenario=scenario, returncode=process.returncode, output=output, checks=_checks(output_dir))


def _read_until_done(process: subprocess.Popen[bytes], browser: SignInBrowser | None) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + SCENARIO_TIMEOUT_SECONDS
    output = ""
    visited = False
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not selector.select(remaining):
                break
            line = process.stdout.readline()
            if not line:
                process.wait(timeout=max(1.0, deadline - time.monotonic()))
                return output
            output += line.decode(errors="replace")
            found = _AUTHORIZATION_URL.search(output)
            if browser is not None and found and not visited:
                visited = True
                asyncio.run(_visit(browser, found.group(1)))
    raise AssertionError(f"the conformance scenario did not finish within {SCENARIO_TIMEOUT_SECONDS} s:\n{output}")


async def _visit(browser: SignInBrowser, authorization_url: str) -> None:
    final_redirect = await browser.sign_in(authorization_url)
    async with httpx2.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS) as client:
        await client.get(final_redirect)


def _checks(output_dir: Path) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for path in sorted(output_dir.rglob("checks.json")):
        checks.extend(json.loads(path.read_text()))
    return checks
