"""Hostile bearer tokens at POST /mcp with `MCP_AUTH=oauth`: JWT headers and claims of every wrong type, validly
signed by the issuer's own key so that every check is reached. Property-based (hypothesis): a run never sees a 5xx,
a traceback, or an ERROR log line; every refusal is a 401 or 403 with its challenge."""

from __future__ import annotations

import base64
import json
import logging
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chalicelib.bridge import HttpRequest
from chalicelib.service import FitnessService, build_service
from tests.support.jsonrpc import encode, initialize_body
from tests.support.oauth_service import AUDIENCE, ISSUER, ISSUER_KEY, REQUIRED_SCOPE, oauth_authorizer, oauth_settings

FUZZ_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HEADERS = {"content-type": "application/json", "accept": "application/json", "mcp-protocol-version": "2025-11-25"}
NOW = int(time.time())

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def right_or_wrong(right: object) -> st.SearchStrategy[object]:
    """The value a valid token has, or any JSON value in its place."""
    return st.one_of(st.just(right), json_values)


jwt_headers = st.fixed_dictionaries(
    {"alg": right_or_wrong("RS256"), "kid": right_or_wrong(ISSUER_KEY.key_id)},
    optional={
        "typ": st.one_of(st.sampled_from(["JWT", "at+jwt", "logout+jwt"]), json_values),
        "crit": json_values,
        "jku": json_values,
        "x5u": json_values,
        "cty": json_values,
    },
)
jwt_claims = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "iss": right_or_wrong(ISSUER),
            "aud": st.one_of(st.just(AUDIENCE), st.just([AUDIENCE, "x"]), json_values),
            "exp": st.one_of(st.just(NOW + 3600), st.integers(), json_values),
        },
        optional={
            "nbf": st.one_of(st.just(NOW), st.integers(), json_values),
            "iat": st.one_of(st.just(NOW), json_values),
            "sub": json_values,
            "scope": right_or_wrong(REQUIRED_SCOPE),
            "scp": st.one_of(st.just([REQUIRED_SCOPE]), json_values),
            "client_id": json_values,
            "azp": json_values,
            "token_use": st.one_of(st.sampled_from(["access", "id"]), json_values),
        },
    ),
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def oauth_service():
    return build_service(oauth_settings(), authorizer=oauth_authorizer())


def assert_refused_or_served_cleanly(service: FitnessService, token: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.clear()
    headers = {**HEADERS, "authorization": f"Bearer {token}"}
    reply = service.bridge.handle(HttpRequest("POST", "/mcp", headers, encode(initialize_body()).encode()))
    assert reply.status in (200, 401, 403), (reply.status, reply.body[:500])
    assert b"Traceback" not in reply.body
    if reply.status != 200:
        assert reply.headers["WWW-Authenticate"].startswith("Bearer ")
        assert json.loads(reply.body)["error"]["message"].split(":")[0] in ("Unauthorized", "Forbidden")
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], [record.getMessage() for record in errors]


@FUZZ_SETTINGS
@given(header=jwt_headers, claims=jwt_claims)
@example(
    header={"alg": ["RS256"], "kid": ISSUER_KEY.key_id}, claims={"iss": ISSUER, "aud": AUDIENCE, "exp": NOW + 3600}
)
@example(
    header={"alg": "RS256", "kid": [ISSUER_KEY.key_id]}, claims={"iss": ISSUER, "aud": AUDIENCE, "exp": NOW + 3600}
)
def test_signed_tokens_with_headers_and_claims_of_wrong_types_are_refused_cleanly(
    oauth_service, caplog, header, claims
):
    with caplog.at_level(logging.WARNING):
        assert_refused_or_served_cleanly(oauth_service, ISSUER_KEY.sign_raw(header, claims), caplog)


@FUZZ_SETTINGS
@given(header=json_values, claims=json_values, signature=st.binary(max_size=64))
def test_unsigned_segments_of_any_json_are_refused_cleanly(oauth_service, caplog, header, claims, signature):
    token = ".".join(b64(part) for part in (json.dumps(header).encode(), json.dumps(claims).encode(), signature))
    with caplog.at_level(logging.WARNING):
        assert_refused_or_served_cleanly(oauth_service, token, caplog)
