"""The generic wording of a tool error (`chalice_mcp.answers.tool_errors`), from the SDK's text: pydantic's report
becomes one plain line per refused argument, the SDK's prefix goes, a crash says nothing of itself."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, ValidationError, create_model

from chalice_mcp.answers.tool_errors import ECHO_CHARACTERS, caller_text, rewritten_result

Arguments = create_model(
    "quote_orderArguments",
    isbn=(Annotated[str, Field(pattern=r"^\d{13}$")], ...),
    quantity=(Annotated[int, Field(ge=1, le=1000)], ...),
    wrapping=(float | str, "none"),
    copies=(list[int], []),
)


def sdk_text(arguments: dict) -> str:
    """What the SDK puts in the error result for `arguments` its model refuses."""
    with pytest.raises(ValidationError) as refused:
        Arguments.model_validate(arguments)
    return f"Error executing tool quote-order: {refused.value}"


@pytest.mark.parametrize(
    ("arguments", "lines"),
    [
        (
            {"isbn": "12", "quantity": 5000},
            [
                "isbn must match pattern '^\\d{13}$' (got '12')",
                "quantity must be less than or equal to 1000 (got 5000)",
            ],
        ),
        ({"quantity": 1}, ["isbn is required"]),
        (
            {"isbn": "9780201633610", "quantity": 1, "wrapping": [1]},
            ["wrapping must be a valid number or be a valid string (got [1])"],
        ),
        (
            {"isbn": "9780201633610", "quantity": 1, "copies": [1, "a"]},
            ["copies.1 must be a valid integer, unable to parse string as an integer (got 'a')"],
        ),
    ],
    ids=["range-and-pattern", "missing", "union", "list-item"],
)
def test_refused_arguments_read_as_one_plain_line_each(arguments, lines):
    text = caller_text("quote-order", sdk_text(arguments))
    assert text.splitlines() == lines
    assert "pydantic" not in text and "validation error" not in text


def test_a_long_value_is_echoed_cut_short():
    text = caller_text("quote-order", sdk_text({"isbn": "x" * 5000, "quantity": 1}))
    echoed = text.split("(got ", 1)[1].removesuffix(")")
    assert len(echoed) <= ECHO_CHARACTERS
    assert echoed.endswith("…")


def test_a_tool_error_loses_only_the_sdks_prefix():
    assert caller_text("quote-order", "Error executing tool quote-order: isbn: no such book") == "isbn: no such book"
    assert caller_text("quote-order", "Unknown tool: quote-orders") == "Unknown tool: quote-orders"


def test_a_crash_says_only_which_tool_failed_and_other_results_stay_as_they_are():
    error = {"content": [{"type": "text", "text": "Error executing tool quote-order"}], "isError": True}
    assert rewritten_result("quote-order", error, crashed=True)["content"][0]["text"] == (
        "internal error in tool quote-order"
    )
    ok = {"content": [{"type": "text", "text": "Error executing tool quote-order: fine"}], "isError": False}
    assert rewritten_result("quote-order", ok, crashed=False) is ok
