"""The bookshop's MCP server: its identity, its tools (thin wrappers over `books`), a resource and a prompt."""

from __future__ import annotations

from typing import Annotated

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from chalice_mcp import ToolError
from chalicelib import books

# The tools only read the shop's own stock: clients may call them freely and retry them.
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


class DeliveryEstimate(BaseModel):
    country: str
    working_days: int


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
        query: Annotated[
            str,
            Field(min_length=1, max_length=100, description="Part of a title or an author's name", examples=["design"]),
        ],
    ) -> FoundBooks:
        """Books in stock whose title or author contains the query."""
        found = books.find_books(query)
        return FoundBooks(books=[BookRow(**vars(book)) for book in found])

    @server.tool(name="quote-order", annotations=READ_ONLY)
    async def quote_order(
        isbn: Annotated[str, Field(pattern=r"^\d{13}$", description="The book's ISBN-13", examples=["9780201633610"])],
        quantity: Annotated[int, Field(ge=1, le=1000, description="Number of copies", examples=[2])],
    ) -> OrderQuote:
        """The total price in euros of an order, with 15% off from 10 copies on."""
        try:
            total = books.order_total_eur(isbn, quantity)
        except books.UnknownBook as unknown:
            # The shop's refusal, in its own words: the caller reads exactly this text.
            raise ToolError(str(unknown)) from None
        return OrderQuote(
            isbn=isbn, quantity=quantity, total_eur=total, bulk_discount_applied=quantity >= books.BULK_QUANTITY
        )

    @server.tool(name="estimate-delivery", annotations=READ_ONLY)
    async def estimate_delivery(
        country: Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code")],
    ) -> DeliveryEstimate:
        """Working days until an order arrives in a country."""
        # A bug on purpose: the carrier table is never loaded, so every call raises. The caller reads only
        # "internal error in tool estimate-delivery"; the request log says `tool_failed` and the exception's type.
        return DeliveryEstimate(country=country, working_days=books.delivery_days(country))

    @server.resource(
        "bookshop://stock", name="stock", title="Stock", description="Every book in stock", mime_type="application/json"
    )
    async def stock() -> str:
        return FoundBooks(books=[BookRow(**vars(book)) for book in books.STOCK]).model_dump_json()

    @server.resource("bookshop://books/{isbn}", name="book", title="A book", mime_type="application/json")
    async def book(isbn: str) -> str:
        try:
            found = books.book(isbn)
        except books.UnknownBook:
            # Not found is the caller's mistake (-32602), not a crash: the SDK's own exception for it.
            raise ResourceNotFoundError(f"Unknown resource: bookshop://books/{isbn}") from None
        return BookRow(**vars(found)).model_dump_json()

    @server.prompt(name="recommend-a-book", title="Recommend a book", description="A book from the stock for a reader")
    async def recommend_a_book(
        interest: Annotated[str, Field(description="What the reader likes, in a few words")],
    ) -> str:
        return (
            f"Recommend one book from the bookshop's stock to a reader who likes {interest}. "
            "Call find-books to search the stock, and quote-order for its price."
        )

    return server
