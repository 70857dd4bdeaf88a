"""Median in-process latency of an authorized `tools/call` with per-tool scopes (MCP_OAUTH_TOOL_SCOPES) off and on.

Every variant is the fitness endpoint with `MCP_AUTH=oauth` and the real authorizer (the issuer's key set answered in
memory, as in the tests), answering a call of an ungated tool through `endpoint.handle`, so each pays for the token
check; they differ only in the scope check:
  off                        no tool scopes configured.
  on, token has every scope  one gated tool; the token carries its scope, so the request is not read.
  on, handshake era          the token lacks the gated scope: the body is parsed to find the called tool.
  on, 2026-07-28             the token lacks it: the tool is read from the Mcp-Name header.
Each round runs every variant once, in a shuffled order, so machine noise and position hit all of them alike. The
check alone (`ToolScopes.needed_beyond`) is timed too, as its share is within the noise of a whole request.
Run: .venv/bin/python bench/tool_scope_check.py [rounds]
"""

from __future__ import annotations

import io
import json
import random
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalice_mcp.auth.tool_scopes import ToolScopes
from chalice_mcp.bridge.exchange import HttpRequest
from chalice_mcp.endpoint import MCPEndpoint
from chalicelib.service import build_service
from tests.support.jsonrpc import modern_headers, modern_request, request_body
from tests.support.oauth_service import AUDIENCE, ISSUER, ISSUER_KEY, REQUIRED_SCOPE, oauth_authorizer, oauth_settings
from tests.support.signing_keys import claims_for

PREMIUM_SCOPE = "fitness:premium"
TOOL = "estimate-vo2-max-cooper"
ARGUMENTS = {"distance_m": 2700, "age": 25, "sex": "male"}
HANDSHAKE_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json",
    "mcp-protocol-version": "2025-11-25",
}


def endpoint(tool_scopes: dict[str, str]) -> MCPEndpoint:
    overrides = {"MCP_OAUTH_TOOL_SCOPES": json.dumps(tool_scopes)} if tool_scopes else {}
    settings = oauth_settings(**overrides)
    return build_service(
        settings, authorizer=oauth_authorizer(settings), log_stream=io.StringIO(), metrics_stream=io.StringIO()
    )


def request(era: str, scope: str) -> HttpRequest:
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=scope))
    if era == "handshake":
        body, headers = request_body("tools/call", {"name": TOOL, "arguments": ARGUMENTS}), HANDSHAKE_HEADERS
    else:
        body = modern_request("tools/call", {"name": TOOL, "arguments": ARGUMENTS})
        headers = {name.lower(): value for name, value in modern_headers("tools/call", TOOL).items()}
    return HttpRequest("POST", "/mcp", {**headers, "authorization": f"Bearer {token}"}, json.dumps(body).encode())


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(rounds: int = 2000) -> None:
    off = endpoint({})
    gated = endpoint({"calculate-vdot": PREMIUM_SCOPE})
    both_scopes = f"{REQUIRED_SCOPE} {PREMIUM_SCOPE}"
    variants: dict[str, Callable[[], object]] = {}
    for era in ("handshake", "2026-07-28"):
        basic, premium = request(era, REQUIRED_SCOPE), request(era, both_scopes)
        variants[f"off, {era}"] = lambda basic=basic: off.handle(basic)
        variants[f"on, token has every scope, {era}"] = lambda premium=premium: gated.handle(premium)
        variants[f"on, token lacks one, {era}"] = lambda basic=basic: gated.handle(basic)
    for name, answer in variants.items():
        reply = answer()
        assert getattr(reply, "status", None) == 200 and b'"isError":false' in reply.body, (name, reply)  # type: ignore[attr-defined]
    for _ in range(50):
        for answer in variants.values():
            answer()

    samples: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants.items())
    shuffle = random.Random(2026).shuffle
    for _ in range(rounds):
        shuffle(order)
        for name, answer in order:
            start = time.perf_counter()
            answer()
            samples[name].append(time.perf_counter() - start)

    print(f"authorized tools/call through endpoint.handle: {rounds} rounds per variant, shuffled in each round")
    for era in ("handshake", "2026-07-28"):
        baseline = median_ms(samples[f"off, {era}"])
        for name in (f"off, {era}", f"on, token has every scope, {era}", f"on, token lacks one, {era}"):
            value = median_ms(samples[name])
            print(f"  {name:<42} median {value:7.3f} ms   ratio to off {value / baseline:5.3f}x")

    check = ToolScopes({"calculate-vdot": PREMIUM_SCOPE}, required=(REQUIRED_SCOPE,))
    print("the scope check alone (ToolScopes.needed_beyond), median of 7 runs of 20,000 calls")
    for era in ("handshake", "2026-07-28"):
        basic = request(era, REQUIRED_SCOPE)
        for label, granted in (
            ("token has every scope", [REQUIRED_SCOPE, PREMIUM_SCOPE]),
            ("token lacks one", [REQUIRED_SCOPE]),
        ):
            runs = timeit.repeat(
                lambda granted=granted, basic=basic: check.needed_beyond(granted, basic), number=20_000, repeat=7
            )
            print(f"  {label + ', ' + era:<42} {statistics.median(runs) / 20_000 * 1e6:7.2f} µs a call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
