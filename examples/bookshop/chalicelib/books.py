"""The bookshop's stock: plain Python, no MCP or Chalice in it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Book:
    isbn: str
    title: str
    author: str
    price_eur: float


STOCK = (
    Book("9780262510875", "Structure and Interpretation of Computer Programs", "Abelson, Sussman", 55.00),
    Book("9780201633610", "Design Patterns", "Gamma, Helm, Johnson, Vlissides", 49.90),
    Book("9780131103627", "The C Programming Language", "Kernighan, Ritchie", 42.50),
)

# Orders of this many copies or more get the bulk discount.
BULK_QUANTITY = 10
BULK_DISCOUNT = 0.15


# Working days to deliver, by country; loaded from the carrier's feed, which this example never does.
DELIVERY_DAYS: dict[str, int] = {}


class UnknownBook(LookupError):
    """No book in stock has this ISBN."""


def find_books(query: str) -> list[Book]:
    """Books whose title or author contains `query`, ignoring case."""
    needle = query.casefold()
    return [book for book in STOCK if needle in book.title.casefold() or needle in book.author.casefold()]


def book(isbn: str) -> Book:
    for candidate in STOCK:
        if candidate.isbn == isbn:
            return candidate
    raise UnknownBook(f"isbn: no book in stock has ISBN {isbn}")


def order_total_eur(isbn: str, quantity: int) -> float:
    """The price of `quantity` copies, with the bulk discount from BULK_QUANTITY copies on."""
    total = book(isbn).price_eur * quantity
    if quantity >= BULK_QUANTITY:
        total *= 1 - BULK_DISCOUNT
    return round(total, 2)


def delivery_days(country: str) -> int:
    """Working days to deliver to `country`: a KeyError for every country, since DELIVERY_DAYS stays empty."""
    return DELIVERY_DAYS[country]
