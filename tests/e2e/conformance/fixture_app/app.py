"""The conformance fixture served the way the fitness server is: the project's own MCP Blueprint (`chalice_mcp`)
registered on a Chalice app, so the suite exercises the same routes and bridge with the tools, resources and prompts
its scenarios name.

`chalice local --project-dir tests/e2e/conformance/fixture_app` imports this file with this folder on `sys.path`;
the project root is added after it, so `chalice_mcp` is the project's own package, not a copy.
"""

import sys
from pathlib import Path

from chalice import Chalice
from conformance_server import build_conformance_server

PROJECT_ROOT = Path(__file__).resolve().parents[4]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.append(str(PROJECT_ROOT))

# Imported only once the project root is on sys.path: the Blueprint under test is the project's own.
from chalice_mcp import Settings, mcp_blueprint  # noqa: E402

app = Chalice(app_name="mcp-conformance-fixture")

app.register_blueprint(mcp_blueprint(build_conformance_server(), Settings.from_environment()))
