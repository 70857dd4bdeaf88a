"""The bookshop's MCP server: its identity and its two tools, thin wrappers over `books`."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from chalicelib import books

# Both tools only read the shop's own stock: clients may call them freely and retry them.
READ_ONLY = ToolAnnotations(readOnlyHint=True, idempotentHint=True, destructiveHint=False, openWorldHint=False)


class BookRow(BaseModel):
    isbn: str
    title: str
    author: str
    price_eur: float


class FoundBooks(BaseModel):
    books: list[BookRow]


class OrderQuote(BaseModel):
    isbn: str
    quantity: int
    total_eur: float
    bulk_discount_applied: bool


def build_server() -> MCPServer:
    server = MCPServer(
        "bookshop",
        title="Bookshop",
        version="1.0.0",
        instructions="Find books in the shop's stock and quote the price of an order.",
        # A stateless endpoint cannot keep a subscription open.
        subscriptions=False,
        log_level="WARNING",
    )

    @server.tool(name="find-books", annotations=READ_ONLY)
    # `async def`: a plain `def` tool runs on the SDK's worker threads, a thread hop for microseconds of work.
    async def find_books(
        query: Annotated[str, Field(min_length=1, max_length=100, description="Part of a title or an author's name")],
    ) -> FoundBooks:
        """Books in stock whose title or author contains the query."""
        found = books.find_books(query)
        return FoundBooks(books=[BookRow(**vars(book)) for book in found])

    @server.tool(name="quote-order", annotations=READ_ONLY)
    async def quote_order(
        isbn: Annotated[str, Field(pattern=r"^\d{13}$", description="The book's ISBN-13")],
        quantity: Annotated[int, Field(ge=1, le=1000, description="Number of copies")],
    ) -> OrderQuote:
        """The total price in euros of an order, with 15% off from 10 copies on."""
        try:
            total = books.order_total_eur(isbn, quantity)
        except books.UnknownBook as unknown:
            raise ToolError(str(unknown)) from None
        return OrderQuote(
            isbn=isbn, quantity=quantity, total_eur=total, bulk_discount_applied=quantity >= books.BULK_QUANTITY
        )

    return server
