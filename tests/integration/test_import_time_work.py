"""What importing the app does, and does not do, before its first request: a cold start is billed time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

REPORT_MODULES = """
import json, sys
import app
print(json.dumps({"jwt": "jwt" in sys.modules, "authorizer": type(app.service.bridge.authorizer).__name__}))
"""


def import_app(**environment: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", REPORT_MODULES],
        cwd=PROJECT_ROOT,
        env={**os.environ, "MCP_AUTH": "none", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.splitlines()[-1])


def test_an_authless_app_never_loads_the_jwt_library():
    assert import_app() == {"jwt": False, "authorizer": "AllowEveryone"}


def test_an_oauth_app_fetches_nothing_from_the_issuer_at_import():
    # The issuer is unreachable (port 9): an import that fetched its metadata would fail or hang, not return.
    report = import_app(MCP_AUTH="oauth", MCP_OAUTH_ISSUER="http://127.0.0.1:9")
    assert report == {"jwt": True, "authorizer": "OAuthAuthorizer"}
