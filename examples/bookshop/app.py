"""The bookshop's API: its own route at `/`, and an MCP endpoint at `/tools/mcp` for its tools, resource and prompt."""

from chalice import Chalice

from chalice_mcp import mcp_blueprint
from chalicelib.books import STOCK
from chalicelib.tools import build_server

app = Chalice(app_name="bookshop")

# The settings are the MCP_* variables .chalice/config.json sets. Given a function, the Blueprint builds the server at
# the first request to the endpoint (at init under SnapStart), not when a container starts for the shop's own route.
# Under SnapStart, prime=True answers one request of each kind before the snapshot, calling the read-only tools whose
# arguments declare examples.
app.register_blueprint(mcp_blueprint(build_server, prime=True), url_prefix="/tools")


@app.route("/")
def list_books() -> dict:
    return {"books": [{"isbn": book.isbn, "title": book.title} for book in STOCK]}
