"""The bookshop's API: a route of its own, and an MCP endpoint at /tools/mcp for its two tools."""

from chalice import Chalice

from chalice_mcp import mcp_blueprint
from chalicelib.books import STOCK
from chalicelib.tools import build_server

app = Chalice(app_name="bookshop")

# Settings come from the MCP_* variables that .chalice/config.json sets; the server is built at the first MCP request,
# so the shop's own routes never pay for it.
app.register_blueprint(mcp_blueprint(build_server), url_prefix="/tools")


@app.route("/books")
def list_books() -> dict:
    return {"books": [{"isbn": book.isbn, "title": book.title} for book in STOCK]}
