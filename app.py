"""Chalice routes, and nothing else: each hands the request on and returns a `Response`."""

from chalicelib import garbage_collector

# Imported and built with the cyclic garbage collector paused: a shorter cold start (chalicelib/garbage_collector.py).
with garbage_collector.paused_while_starting():
    from chalice import Chalice, Response

    from chalicelib.bridge.chalice_adapter import chalice_response, http_request_from_chalice
    from chalicelib.service import FitnessService

    # Chalice would attach its own handler to the logger named after the app, which is also the request log's logger:
    # every line would be written twice. Powertools formats the logs instead.
    app = Chalice(app_name="fitness-mcp", configure_logs=False)

    # Built once per Lambda container (and once per `chalice local` process), at import, before any request.
    service = FitnessService.from_environment()


# With MCP_API_KEY_REQUIRED=true API Gateway checks `x-api-key` against the stage's usage plans before Lambda runs.
# Only POST: browsers send no key on a CORS preflight, and the other methods are refused anyway.
@app.route("/mcp", methods=["POST"], content_types=["*/*"], api_key_required=service.settings.api_key_required)
def mcp_endpoint() -> Response:
    return _answer_mcp()


@app.route("/mcp", methods=["GET", "DELETE", "PUT", "PATCH", "OPTIONS"], content_types=["*/*"])
def mcp_endpoint_other_methods() -> Response:
    """405 for GET, DELETE, PUT and PATCH; the CORS preflight for OPTIONS."""
    return _answer_mcp()


def _answer_mcp() -> Response:
    request = http_request_from_chalice(app, "/mcp")
    return chalice_response(service.bridge.handle(request))


@app.route("/.well-known/oauth-protected-resource/mcp", methods=["GET", "OPTIONS"])
def protected_resource_metadata() -> Response:
    request = http_request_from_chalice(app, "/.well-known/oauth-protected-resource/mcp")
    return chalice_response(service.protected_resource_metadata(request))


@app.route("/.well-known/oauth-protected-resource", methods=["GET", "OPTIONS"])
def protected_resource_metadata_at_root() -> Response:
    request = http_request_from_chalice(app, "/.well-known/oauth-protected-resource")
    return chalice_response(service.protected_resource_metadata(request))


@app.route("/", methods=["GET", "OPTIONS"])
def front_page() -> Response:
    """A page for people in a browser; the JSON server card for everyone else."""
    return chalice_response(service.front_page(http_request_from_chalice(app, "/")))
