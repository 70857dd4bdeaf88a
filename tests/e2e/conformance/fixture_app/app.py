"""The conformance fixture served the way the fitness server is: the project's own `StatelessMCPBridge` behind a
Chalice route, so the suite exercises the same bridge with the tools, resources and prompts its scenarios name.

`chalice local --project-dir tests/e2e/conformance/fixture_app` imports this file with this folder on `sys.path`;
the project root is added after it, so `chalicelib` is the project's own package, not a copy.
"""

import sys
from pathlib import Path

from chalice import Chalice, Response
from conformance_server import SERVER_NAME, build_conformance_server

PROJECT_ROOT = Path(__file__).resolve().parents[4]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.append(str(PROJECT_ROOT))

# Imported only once the project root is on sys.path: the bridge under test is the project's own.
from chalicelib.bridge.chalice_adapter import chalice_response, http_request_from_chalice  # noqa: E402
from chalicelib.service import build_bridge  # noqa: E402
from chalicelib.settings import Settings  # noqa: E402

app = Chalice(app_name="mcp-conformance-fixture")

bridge = build_bridge(build_conformance_server(), Settings.from_environment())

MCP_METHODS = ["POST", "GET", "DELETE", "PUT", "PATCH", "OPTIONS"]


@app.route("/mcp", methods=MCP_METHODS, content_types=["*/*"])
def mcp_endpoint() -> Response:
    request = http_request_from_chalice(app, "/mcp")
    return chalice_response(bridge.handle(request))


@app.route("/", methods=["GET"])
def health() -> Response:
    return Response(body={"name": SERVER_NAME, "endpoint": "/mcp"}, status_code=200)
