"""The upstream identity provider's ID tokens are checked as the resource server checks access tokens: the header's
algorithm from the allow-list and matching the key the provider publishes (its type and its `alg`), a `kid` that is
a string. Against the loopback OpenID provider."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest

from chalice_mcp.auth.authorization_server.upstream import UpstreamProvider, UpstreamRefused
from tests.support.openid_upstream import CLIENT_ID, CLIENT_SECRET, OpenIDUpstream
from tests.support.signing_keys import SigningKey, claims_for


@pytest.fixture
def upstream() -> Iterator[OpenIDUpstream]:
    with OpenIDUpstream("https://fitness.example/callback") as running:
        # Published for RS384; the tests sign with this very key under other algorithms.
        running.key = SigningKey.rsa("RS384")
        yield running


def provider(upstream: OpenIDUpstream) -> UpstreamProvider:
    return UpstreamProvider(upstream.issuer, CLIENT_ID, CLIENT_SECRET, ["openid"], "https://fitness.example/callback")


def verified(upstream: OpenIDUpstream, id_token: str) -> dict:
    return provider(upstream).verified_id_token(id_token, time.monotonic() + 5)


def test_an_id_token_signed_as_its_key_says_is_accepted(upstream):
    id_token = upstream.key.sign(claims_for(upstream.issuer, CLIENT_ID))
    assert verified(upstream, id_token)["sub"] == "athlete-42"


def test_an_id_token_signed_with_another_algorithm_than_its_key_publishes_is_refused(upstream):
    claims = claims_for(upstream.issuer, CLIENT_ID)
    id_token = jwt.encode(claims, upstream.key.private_key, algorithm="RS256", headers={"kid": upstream.key.key_id})
    with pytest.raises(UpstreamRefused, match="does not match"):
        verified(upstream, id_token)


@pytest.mark.parametrize("key_id", [7, ["a"], {"kid": "x"}])
def test_an_id_token_whose_kid_is_not_a_string_is_refused(upstream, key_id):
    # PyJWT's header parsing refuses it already; the shared check would too, rather than match the only key.
    id_token = upstream.key.sign_raw({"alg": "RS384", "kid": key_id}, claims_for(upstream.issuer, CLIENT_ID))
    with pytest.raises(UpstreamRefused):
        verified(upstream, id_token)
