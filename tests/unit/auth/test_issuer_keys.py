"""Finding and caching the issuer's keys: lazy, discovered, refreshed for an unknown kid at most once a minute."""

from __future__ import annotations

import re

import pytest

from chalice_mcp.auth.issuer_keys import (
    FAILED_FETCH_BACKOFF_SECONDS,
    UNKNOWN_KEY_REFRESH_SECONDS,
    IssuerKeys,
    IssuerKeysUnavailable,
    metadata_urls,
)
from tests.support.signing_keys import SigningKey

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"
JWKS_URL = ISSUER + "/.well-known/jwks.json"


class FakeIssuer:
    """Answers fetches from a dict of URL → document and counts them."""

    def __init__(self, documents: dict[str, object]) -> None:
        self.documents = documents
        self.fetched: list[str] = []

    def __call__(self, url: str) -> object:
        self.fetched.append(url)
        if url not in self.documents:
            raise IssuerKeysUnavailable(f"GET {url} failed: 404")
        return self.documents[url]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_metadata_is_looked_for_by_oidc_discovery_then_rfc_8414():
    assert metadata_urls("https://id.example/tenant") == [
        "https://id.example/tenant/.well-known/openid-configuration",
        "https://id.example/.well-known/oauth-authorization-server/tenant",
    ]


def test_nothing_is_fetched_until_a_key_is_needed_and_then_once():
    key = SigningKey.rsa()
    issuer = FakeIssuer(
        {
            ISSUER + "/.well-known/openid-configuration": {"issuer": ISSUER, "jwks_uri": JWKS_URL},
            JWKS_URL: {"keys": [key.public_jwk()]},
        }
    )
    keys = IssuerKeys(ISSUER, fetch=issuer)
    assert issuer.fetched == []
    assert keys.key(key.key_id).key_type == "RSA"
    assert keys.key(key.key_id).algorithm == "RS256"
    assert issuer.fetched == [ISSUER + "/.well-known/openid-configuration", JWKS_URL]


def test_rfc_8414_metadata_is_used_when_there_is_no_oidc_discovery():
    key = SigningKey.ec()
    issuer = FakeIssuer(
        {
            "https://id.example/.well-known/oauth-authorization-server/tenant": {
                "issuer": "https://id.example/tenant",
                "jwks_uri": "https://id.example/keys",
            },
            "https://id.example/keys": {"keys": [key.public_jwk()]},
        }
    )
    assert IssuerKeys("https://id.example/tenant", fetch=issuer).key(key.key_id).key_type == "EC"


def test_metadata_naming_another_issuer_is_not_trusted():
    issuer = FakeIssuer(
        {ISSUER + "/.well-known/openid-configuration": {"issuer": "https://evil.example", "jwks_uri": JWKS_URL}}
    )
    with pytest.raises(IssuerKeysUnavailable, match=re.escape("names issuer 'https://evil.example'")):
        IssuerKeys(ISSUER, fetch=issuer).key("any")


def test_an_unknown_kid_refreshes_the_keys_at_most_once_a_minute():
    old, rotated = SigningKey.rsa(), SigningKey.rsa()
    issuer = FakeIssuer({JWKS_URL: {"keys": [old.public_jwk()]}})
    clock = Clock()
    keys = IssuerKeys(ISSUER, JWKS_URL, fetch=issuer, clock=clock)
    assert keys.key(old.key_id) is not None
    issuer.documents[JWKS_URL] = {"keys": [old.public_jwk(), rotated.public_jwk()]}
    for _ in range(50):
        assert keys.key("made-up-kid") is None
    assert keys.key(rotated.key_id) is None
    assert len(issuer.fetched) == 1
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS
    assert keys.key(rotated.key_id) is not None
    assert len(issuer.fetched) == 2


def test_a_failed_fetch_is_not_retried_by_every_request():
    issuer = FakeIssuer({})
    clock = Clock()
    keys = IssuerKeys(ISSUER, JWKS_URL, fetch=issuer, clock=clock)
    for _ in range(5):
        with pytest.raises(IssuerKeysUnavailable):
            keys.key("kid")
    assert issuer.fetched == [JWKS_URL]
    clock.now += FAILED_FETCH_BACKOFF_SECONDS
    with pytest.raises(IssuerKeysUnavailable):
        keys.key("kid")
    assert issuer.fetched == [JWKS_URL, JWKS_URL]


def test_encryption_keys_and_unknown_key_types_are_skipped():
    signing = SigningKey.rsa()
    encryption = {**SigningKey.rsa().public_jwk(), "use": "enc"}
    unknown = {"kty": "XYZ", "kid": "strange"}
    issuer = FakeIssuer({JWKS_URL: {"keys": [encryption, unknown, signing.public_jwk()]}})
    keys = IssuerKeys(ISSUER, JWKS_URL, fetch=issuer)
    assert keys.key(signing.key_id) is not None
    assert keys.key(encryption["kid"]) is None
    assert keys.key("strange") is None


@pytest.mark.parametrize("document", [{"keys": []}, {"no": "keys"}, ["not", "an", "object"]])
def test_a_key_set_without_usable_keys_is_unavailable(document):
    with pytest.raises(IssuerKeysUnavailable):
        IssuerKeys(ISSUER, JWKS_URL, fetch=FakeIssuer({JWKS_URL: document})).key("kid")
