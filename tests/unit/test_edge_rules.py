"""The HTTP edge rules, alone: the Origin allow-list, Accept parsing, and what refuses a POST."""

from __future__ import annotations

import json

import pytest

from chalice_mcp.bridge.edge import EdgeRules, OriginPolicy, accepts
from chalice_mcp.bridge.exchange import HttpRequest


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),
        ("http://localhost:6274", True),
        ("http://127.0.0.1:5173", True),
        ("http://localhost", True),
        ("https://localhost:6274", False),
        ("http://localhost.evil.example:80", False),
        ("http://127.0.0.1.nip.io:8000", False),
        ("null", False),
    ],
)
def test_default_policy_allows_only_local_http_origins(origin, allowed):
    assert OriginPolicy(["http://localhost:*", "http://127.0.0.1:*"]).allows(origin) is allowed


def test_star_allows_any_origin_and_exact_entries_allow_just_themselves():
    assert OriginPolicy(["*"]).allows("https://anything.example")
    exact = OriginPolicy(["https://app.example"])
    assert exact.allows("https://app.example")
    assert not exact.allows("https://app.example:8443")


@pytest.mark.parametrize(
    ("accept", "json_ok", "sse_ok"),
    [
        (None, True, True),
        ("application/json, text/event-stream", True, True),
        ("text/event-stream", False, True),
        ("application/json;q=0.9", True, False),
        ("*/*", True, True),
        ("text/html", False, False),
        # q=0 means "not acceptable" (RFC 9110 §12.4.2), and the most specific range decides (§12.5.1).
        ("application/json;q=0, text/event-stream", False, True),
        ("application/json, text/event-stream;q=0", True, False),
        ("application/json; q=0.0", False, False),
        ("*/*;q=0, text/event-stream", False, True),
        ("application/*;q=0, */*", False, True),
        ("text/*, text/event-stream;q=0", False, False),
        ("", False, False),
    ],
)
def test_accept_header_parsing(accept, json_ok, sse_ok):
    assert accepts(accept) == (json_ok, sse_ok)


def request(**headers: str) -> HttpRequest:
    base = {"content-type": "application/json", "accept": "application/json"}
    return HttpRequest("POST", "/mcp", {**base, **headers}, b"{}")


def test_a_declared_content_length_over_the_limit_is_refused_before_reading():
    refusal = EdgeRules(OriginPolicy([]), max_body_bytes=10).refuse_post(request(**{"content-length": "11"}))
    assert refusal is not None and refusal.status == 413
    assert json.loads(refusal.body)["error"]["code"] == -32600


def test_a_missing_content_type_is_415():
    rules = EdgeRules(OriginPolicy([]), max_body_bytes=100)
    refusal = rules.refuse_post(HttpRequest("POST", "/mcp", {"accept": "application/json"}, b"{}"))
    assert refusal is not None and refusal.status == 415


def test_a_well_formed_post_passes():
    assert EdgeRules(OriginPolicy([]), max_body_bytes=100).refuse_post(request()) is None


@pytest.mark.parametrize("declared", ["²", "٣", "1e3", "-5", "", "110000_0", "0x10"])
def test_a_content_length_that_is_not_ascii_digits_is_a_400(declared):
    # Found by tests/integration/test_hostile_input.py: "²".isdigit() is True but int("²") raises, and int("1_0") is
    # 10, which the SDK then refused with a plain-text 413.
    refusal = EdgeRules(OriginPolicy([]), max_body_bytes=10).refuse_post(request(**{"content-length": declared}))
    assert refusal is not None and refusal.status == 400
    assert "Content-Length" in json.loads(refusal.body)["error"]["message"]


@pytest.mark.parametrize("digit_count", [20, 4301, 10_000])
def test_a_content_length_of_more_than_nineteen_digits_is_a_413_not_a_crash(digit_count):
    # Before the fix, int() of 4301+ digits raised ValueError (Python's int-conversion limit): no reply at all.
    rules = EdgeRules(OriginPolicy([]), max_body_bytes=10)
    refusal = rules.refuse_post(request(**{"content-length": "9" * digit_count}))
    assert refusal is not None and refusal.status == 413


def test_a_content_length_of_leading_zeros_beyond_nineteen_digits_is_a_413():
    refusal = EdgeRules(OriginPolicy([]), max_body_bytes=10).refuse_post(
        request(**{"content-length": "0" * 5000 + "2"})
    )
    assert refusal is not None and refusal.status == 413
