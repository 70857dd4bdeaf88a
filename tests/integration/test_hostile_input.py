"""Hostile input at POST /mcp never makes the server fail badly: no 5xx, no traceback, no ERROR log line, always a
JSON-RPC shaped reply.

Property-based (hypothesis) through the real Chalice app in process, in both protocol eras: random JSON-RPC-ish
bodies, every tool called with wrong types and extreme values, malformed and oversized bodies, and odd headers.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE
from tests.support.jsonrpc import (
    HANDSHAKE_VERSION,
    MODERN_VERSION,
    encode,
    handshake_headers,
    initialize_body,
    modern_headers,
    modern_meta,
    modern_request,
    request_body,
)
from tests.support.tool_contract import TOOL_ARGUMENTS

MAX_BODY_BYTES = 1024 * 1024
DEEP_NESTING_LEVELS = 100_000
EXAMPLES = {tool.name: tool.example for tool in TOOL_CATALOGUE}

# The in-process client answers in milliseconds; 500 examples a property keep the whole file short on two cores.
FUZZ_SETTINGS = settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

REAL_METHODS = [
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "prompts/list",
    "prompts/get",
    "server/discover",
    "completion/complete",
    "logging/setLevel",
    "notifications/initialized",
    "notifications/cancelled",
]

# Tokens a JSON encoder would never write, but an attacker can: out-of-range numbers, the non-standard NaN and
# Infinity that Python's json module accepts, a lone surrogate, and values of every wrong type.
HOSTILE_JSON_TOKENS = [
    "null",
    "true",
    "false",
    "NaN",
    "Infinity",
    "-Infinity",
    "1" + "0" * 400,
    "-" + "9" * 400,
    "1e400",
    "-1e308",
    "1e308",
    "5e-324",
    "-0",
    "0",
    "-1",
    "0.0",
    "9007199254740993",
    '""',
    '"\\ud800"',
    '"\\u0000"',
    '"NaN"',
    '"-1"',
    '"99:99:99"',
    '"1:-5"',
    '"0:00"',
    '"' + "9" * 5000 + '"',
    '"' + "x" * 100_000 + '"',
    "[]",
    "{}",
    "[[[[[[[[[[1]]]]]]]]]]",
    '{"value": {"value": {"value": 1}}}',
    "[" * 500 + "]" * 500,
]

# Clock text with fields of up to thousands of digits (past Python's 4300-digit int() limit), non-ASCII digits and
# fractions: what the duration arguments (time_s, duration_min, pace_s_per_km, ...) must refuse by name.
digit_runs = st.one_of(
    st.integers(min_value=1, max_value=6000).map(lambda count: "9" * count),
    st.text(alphabet="0123456789٣७", min_size=1, max_size=8),
)
absurd_durations = st.tuples(
    st.one_of(st.none(), digit_runs), digit_runs, digit_runs, st.one_of(st.none(), digit_runs)
).map(
    lambda fields: json.dumps(
        (f"{fields[0]}:" if fields[0] is not None else "")
        + f"{fields[1]}:{fields[2]}"
        + (f".{fields[3]}" if fields[3] is not None else "")
    )
)

# Visible latin-1 and space: what an HTTP header value may carry.
HEADER_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.characters(min_codepoint=0xA0, max_codepoint=0xFF)
    ),
    max_size=60,
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
methods = st.one_of(st.sampled_from(REAL_METHODS), st.text(max_size=30), json_values)
request_ids = st.one_of(st.integers(), st.text(max_size=20), st.none(), st.floats(allow_nan=False), json_values)
params = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.sampled_from(sorted(TOOL_ARGUMENTS)), st.text(max_size=30), json_values),
            "arguments": json_values,
            "uri": st.one_of(st.text(max_size=60), st.just("fitness://"), json_values),
            "ref": json_values,
            "argument": json_values,
            "protocolVersion": st.one_of(st.sampled_from([HANDSHAKE_VERSION, MODERN_VERSION, ""]), json_values),
            "capabilities": json_values,
            "clientInfo": json_values,
            "cursor": json_values,
            "_meta": json_values,
        },
    ),
)
jsonrpc_ish_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "jsonrpc": st.one_of(st.just("2.0"), st.sampled_from(["1.0", "2", ""]), json_values),
            "id": request_ids,
            "method": methods,
            "params": params,
            "result": json_values,
            "error": json_values,
        },
    ),
)


class ErrorRecords(logging.Handler):
    """Keeps every record at ERROR or above that reaches it."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# The request log's logger does not propagate to the root; Chalice logs an unhandled view exception on it.
WATCHED_LOGGERS = ("", "fitness-mcp")


@pytest.fixture(autouse=True)
def no_error_log_lines() -> Iterator[None]:
    """Whatever a caller sends, the server writes no ERROR line (each one would page an operator)."""
    errors = ErrorRecords()
    for name in WATCHED_LOGGERS:
        logging.getLogger(name).addHandler(errors)
    try:
        yield
    finally:
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).removeHandler(errors)
    assert [record.getMessage() for record in errors.records] == []


def strict_json(text: str | bytes) -> Any:
    """Parse as RFC 8259 JSON: NaN and Infinity, which Python's json module would accept, are not JSON."""

    def refuse(token: str) -> Any:
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def sse_data(body: bytes) -> str:
    data_lines = [line[len("data: ") :] for line in body.decode().splitlines() if line.startswith("data: ")]
    assert len(data_lines) == 1, body
    return data_lines[0]


def assert_handled_without_crash(response: Any) -> None:
    """The reply is no server failure: below 500, no traceback, JSON errors, JSON-RPC answers or an empty 202."""
    status = response.status_code
    body = response.body if isinstance(response.body, bytes) else response.body.encode()
    assert status < 500, (status, body[:2000])
    assert b"Traceback" not in body, body[:2000]
    assert b'File "' not in body, body[:2000]
    if status == 202:
        assert body == b"", body[:2000]
    elif status >= 400:
        assert isinstance(strict_json(body), dict), body[:2000]
    elif status == 200:
        content_type = {name.lower(): value for name, value in response.headers.items()}.get("content-type", "")
        text = sse_data(body) if content_type.startswith("text/event-stream") else body
        message = strict_json(text)
        assert isinstance(message, dict), body[:2000]
        assert message.get("jsonrpc") == "2.0", body[:2000]
        assert ("result" in message) != ("error" in message), body[:2000]


def post(http: Any, body: str | bytes, headers: dict[str, str]) -> Any:
    return http.post("/mcp", headers=headers, body=body)


def header_safe(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value if all(0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF for c in value) else None


@FUZZ_SETTINGS
@given(body=jsonrpc_ish_bodies)
def test_random_jsonrpc_ish_bodies_in_the_handshake_era_never_crash_the_server(http, body):
    assert_handled_without_crash(post(http, encode(body), handshake_headers()))


@FUZZ_SETTINGS
@given(body=jsonrpc_ish_bodies, header_method=st.one_of(st.sampled_from(REAL_METHODS), HEADER_TEXT))
def test_random_jsonrpc_ish_bodies_in_the_modern_era_never_crash_the_server(http, body, header_method):
    if isinstance(body, dict):
        if isinstance(body.get("params"), dict):
            body["params"] = {**body["params"], "_meta": modern_meta()}
        elif "params" not in body:
            body["params"] = {"_meta": modern_meta()}
        header_method = header_safe(body.get("method")) or header_method
        tool_name = header_safe(body["params"].get("name")) if isinstance(body.get("params"), dict) else None
    else:
        tool_name = None
    assert_handled_without_crash(post(http, encode(body), modern_headers(header_method, tool_name)))


@st.composite
def hostile_tool_calls(draw: st.DrawFn) -> tuple[str, str]:
    """A tool name and the raw JSON text of its arguments: valid ones with some replaced, dropped or added."""
    tool = draw(st.sampled_from(sorted(TOOL_ARGUMENTS)))
    required, optional = TOOL_ARGUMENTS[tool]
    arguments = {name: json.dumps(value) for name, value in EXAMPLES[tool].arguments.items()}
    hostile_values = st.one_of(
        st.sampled_from(HOSTILE_JSON_TOKENS),
        absurd_durations,
        digit_runs.map(json.dumps),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        json_values.map(json.dumps),
    )
    for name in draw(st.sets(st.sampled_from(sorted(required | optional)))) if required | optional else ():
        arguments[name] = draw(hostile_values)
    for name in draw(st.sets(st.sampled_from(sorted(arguments)))) if arguments else ():
        if draw(st.booleans()):
            del arguments[name]
    for name in draw(st.lists(st.text(max_size=20), max_size=3)):
        arguments[name] = draw(hostile_values)
    arguments_text = "{" + ", ".join(f"{json.dumps(name)}: {value}" for name, value in arguments.items()) + "}"
    arguments_text = draw(st.sampled_from([arguments_text, arguments_text, *HOSTILE_JSON_TOKENS[:6]]))
    return tool, arguments_text


@FUZZ_SETTINGS
@given(call=hostile_tool_calls(), modern=st.booleans())
@example(call=("calculate-vdot", '{"distance_m": 5000, "time_s": "' + "9" * 400 + ':00:00"}'), modern=False)
@example(call=("calculate-trimp", '{"duration_min": "' + "9" * 5000 + ':00"}'), modern=True)
def test_every_tool_called_with_wrong_types_and_extreme_values_never_crashes_the_server(http, call, modern):
    tool, arguments_text = call
    if modern:
        meta = f', "_meta": {encode(modern_meta())}'
        headers = modern_headers("tools/call", tool)
    else:
        meta = ""
        headers = handshake_headers()
    body = (
        f'{{"jsonrpc": "2.0", "id": 7, "method": "tools/call", '
        f'"params": {{"name": {json.dumps(tool)}, "arguments": {arguments_text}{meta}}}}}'
    )
    response = post(http, body, headers)
    assert_handled_without_crash(response)
    # Refused arguments are described in the domain's words, never with pydantic's report and its URLs.
    text = response.body if isinstance(response.body, str) else response.body.decode()
    assert "errors.pydantic.dev" not in text and "validation error for" not in text, text[:2000]


def test_a_body_over_one_mebibyte_is_refused_with_413(http):
    body = encode({**initialize_body(), "padding": "x" * MAX_BODY_BYTES})
    response = post(http, body, handshake_headers())
    assert_handled_without_crash(response)
    assert response.status_code == 413


VALID_TOOLS_LIST = encode(request_body("tools/list"))
MALFORMED_BODIES = {
    "empty": b"",
    "whitespace only": b" \n\t ",
    "deeply nested arrays": b"[" * DEEP_NESTING_LEVELS,
    "deeply nested closed arrays": b"[" * DEEP_NESTING_LEVELS + b"]" * DEEP_NESTING_LEVELS,
    "deeply nested objects": b'{"a":' * DEEP_NESTING_LEVELS,
    "deeply nested params": (
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"cursor": '
        + b"[" * DEEP_NESTING_LEVELS
        + b"]" * DEEP_NESTING_LEVELS
        + b"}}"
    ),
    "deeply nested tool arguments": (
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "calculate-bmi", "arguments": '
        b'{"weight_kg": ' + b"[" * DEEP_NESTING_LEVELS + b"]" * DEEP_NESTING_LEVELS + b', "height_cm": 175}}}'
    ),
    "invalid utf-8": b"\xff\xfe\xfd",
    "invalid utf-8 inside a string": b'{"jsonrpc": "2.0", "id": 1, "method": "tools/list\xff\xc0"}',
    "utf-16 encoded": VALID_TOOLS_LIST.encode("utf-16"),
    "utf-8 byte order mark": b"\xef\xbb\xbf" + VALID_TOOLS_LIST.encode(),
    "nul bytes": b"\x00" * 64,
    "truncated": VALID_TOOLS_LIST.encode()[:-1],
    "trailing garbage": VALID_TOOLS_LIST.encode() + b"}{",
    "two documents": VALID_TOOLS_LIST.encode() * 2,
    "lone surrogate method": b'{"jsonrpc": "2.0", "id": 1, "method": "\\ud800"}',
    "lone surrogate tool name": (
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "\\udfff", "arguments": {}}}'
    ),
    "huge integer id": b'{"jsonrpc": "2.0", "id": ' + b"9" * 5000 + b', "method": "tools/list"}',
    "NaN id": b'{"jsonrpc": "2.0", "id": NaN, "method": "tools/list"}',
    "empty batch": b"[]",
    "bare string": b'"tools/list"',
}


@pytest.mark.parametrize("modern", [False, True], ids=["handshake", "modern"])
@pytest.mark.parametrize("body", list(MALFORMED_BODIES.values()), ids=list(MALFORMED_BODIES))
def test_malformed_bodies_are_answered_without_a_crash(http, body, modern):
    headers = modern_headers("tools/list") if modern else handshake_headers()
    assert_handled_without_crash(post(http, body, headers))


@FUZZ_SETTINGS
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.integers(min_value=0, max_value=len(encode(initialize_body())) - 1).map(
            lambda cut: encode(initialize_body()).encode()[:cut]
        ),
        st.integers(min_value=0, max_value=len(encode(modern_request("tools/list"))) - 1).map(
            lambda cut: encode(modern_request("tools/list")).encode()[:cut]
        ),
    ),
    modern=st.booleans(),
)
def test_random_bytes_and_truncated_json_are_answered_without_a_crash(http, body, modern):
    headers = modern_headers("tools/list") if modern else handshake_headers()
    assert_handled_without_crash(post(http, body, headers))


ODD_HEADER_NAMES = [
    "Content-Type",
    "Accept",
    "Mcp-Protocol-Version",
    "Mcp-Method",
    "Mcp-Name",
    "Mcp-Session-Id",
    "Content-Length",
    "Origin",
    "Last-Event-ID",
]
media_type_like = st.one_of(
    HEADER_TEXT,
    st.sampled_from(
        [
            "application/json",
            "APPLICATION/JSON",
            "application/json;",
            "application/json; charset=latin-1",
            "application/json, text/event-stream",
            "text/event-stream;q=0",
            "*/*;q=abc",
            ",,,;;;",
            ";",
            "",
        ]
    ),
)
# Python's str.isdigit admits the latin-1 superscripts ¹ ² ³, which int() refuses: a trap for length parsing.
number_like = st.text(alphabet="0123456789¹²³ +-_.", min_size=1, max_size=12)
# Lengths past any body, up to past Python's 4300-digit int() limit, with and without leading zeros.
absurd_lengths = st.tuples(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=5000)).map(
    lambda counts: "0" * counts[0] + "9" * counts[1]
)
odd_header_values = st.one_of(
    media_type_like,
    number_like,
    absurd_lengths,
    st.sampled_from([HANDSHAKE_VERSION, MODERN_VERSION, "2024-11-05", "9999-99-99", "tools/call", "-1", "0"]),
    st.integers().map(str),
)
cased_header_names = st.sampled_from(ODD_HEADER_NAMES).flatmap(
    lambda name: st.sampled_from([name, name.lower(), name.upper()])
)


@FUZZ_SETTINGS
@given(modern=st.booleans(), odd_headers=st.lists(st.tuples(cased_header_names, odd_header_values), max_size=6))
@example(modern=False, odd_headers=[("Content-Length", "²")])
@example(modern=False, odd_headers=[("Content-Length", "110000_0")])
@example(modern=False, odd_headers=[("Content-Length", "9" * 5000)])
@example(modern=True, odd_headers=[("content-length", "0" * 4400 + "1")])
def test_odd_header_values_and_casings_are_answered_without_a_crash(http, modern, odd_headers):
    if modern:
        body = modern_request("tools/call", {"name": "calculate-bmi", "arguments": {"weight_kg": 70, "height_cm": 175}})
        headers = modern_headers("tools/call", "calculate-bmi")
    else:
        body = request_body("tools/list")
        headers = handshake_headers()
    for name, value in odd_headers:
        headers[name] = value
    assert_handled_without_crash(post(http, encode(body), headers))
