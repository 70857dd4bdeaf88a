"""Which representation `GET /` answers with, from the Accept header (RFC 9110 §12.5.1)."""

from __future__ import annotations

import pytest

from chalicelib.bridge.content_negotiation import prefers_html, quality


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        # Chromium's and Firefox's Accept for a page.
        ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", True),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/html", True),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.4, application/json;q=0.5", False),
        ("text/html, application/json", False),
        ("*/*", False),
        ("text/*", True),
        ("", False),
        (None, False),
        ("text/html;q=abc", False),
    ],
)
def test_html_is_preferred_only_when_it_weighs_more_than_json(accept, expected):
    assert prefers_html(accept) is expected


def test_the_most_specific_range_gives_the_weight():
    assert quality("text/*;q=0.3, text/html;q=0.7, */*;q=0.1", "text/html") == 0.7
    assert quality("text/*;q=0.3, */*;q=0.1", "text/html") == 0.3
    assert quality("image/png", "text/html") == 0.0
