"""Each check an OAuth resource server owes a bearer JWT, against keys generated for the run (no network)."""

from __future__ import annotations

import time

import pytest

from chalicelib.auth.access_tokens import AccessTokenValidator, InsufficientScope, InvalidToken, TokenRules
from chalicelib.auth.issuer_keys import Fetched, IssuerKeys
from tests.support.signing_keys import (
    SigningKey,
    claims_for,
    hmac_signed_with,
    tampered,
    unsigned_token,
)

ISSUER = "https://issuer.example"
AUDIENCE = "https://fitness.example/api/mcp"

RSA_KEY = SigningKey.rsa()
EC_KEY = SigningKey.ec()
ROGUE_KEY = SigningKey.rsa()


def validator(rules: TokenRules | None = None) -> AccessTokenValidator:
    key_set = {"keys": [RSA_KEY.public_jwk(), EC_KEY.public_jwk()]}
    keys = IssuerKeys(ISSUER, "https://issuer.example/jwks", fetch=lambda url, timeout: Fetched(key_set))
    return AccessTokenValidator(rules or TokenRules(issuer=ISSUER), keys)


def refusal(token: str, rules: TokenRules | None = None) -> str:
    with pytest.raises(InvalidToken) as raised:
        validator(rules).validate(token, AUDIENCE)
    return str(raised.value)


@pytest.mark.parametrize("key", [RSA_KEY, EC_KEY], ids=["RS256", "ES256"])
def test_a_valid_token_gives_its_subject_scopes_and_issuer(key):
    token = key.sign(claims_for(ISSUER, AUDIENCE, scope="fitness:read profile", client_id="claude"))
    access = validator().validate(token, AUDIENCE)
    assert access.subject == "athlete-42"
    assert access.scopes == ["fitness:read", "profile"]
    assert access.client_id == "claude"
    assert access.claims == {"iss": ISSUER}
    assert access.resource == AUDIENCE


def test_the_audience_may_be_one_of_several_and_may_end_in_a_slash():
    token = RSA_KEY.sign(claims_for(ISSUER, ["https://other.example", AUDIENCE + "/"]))
    assert validator().validate(token, AUDIENCE).subject == "athlete-42"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (unsigned_token(claims_for(ISSUER, AUDIENCE)), "signing algorithm is not accepted"),
        (hmac_signed_with(RSA_KEY.public_pem(), claims_for(ISSUER, AUDIENCE), RSA_KEY.key_id), "not accepted"),
        (RSA_KEY.sign(claims_for("https://evil.example", AUDIENCE)), "another issuer"),
        (RSA_KEY.sign(claims_for(ISSUER, "https://other.example/mcp")), "another audience"),
        (RSA_KEY.sign(claims_for(ISSUER, None)), "names no audience"),
        (RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, exp=int(time.time()) - 120)), "expired"),
        (RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, nbf=int(time.time()) + 600)), "not valid yet"),
        (RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, exp=None)), "invalid"),
        (ROGUE_KEY.sign(claims_for(ISSUER, AUDIENCE)), "key the issuer does not publish"),
        (tampered(RSA_KEY.sign(claims_for(ISSUER, AUDIENCE)), sub="someone-else"), "signature"),
        (RSA_KEY.sign(claims_for(ISSUER, AUDIENCE), typ="logout+jwt"), "not an access token"),
        (RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, token_use="id")), "not an access token"),
        ("not-a-jwt", "not a JWT"),
        ("a" * 9000, "too long"),
    ],
    ids=[
        "alg-none",
        "hmac-with-public-key",
        "wrong-issuer",
        "wrong-audience",
        "no-audience",
        "expired",
        "not-yet-valid",
        "no-exp",
        "unknown-kid",
        "tampered",
        "not-an-access-token-type",
        "cognito-id-token",
        "malformed",
        "oversized",
    ],
)
def test_a_bad_token_is_refused_with_a_reason_that_does_not_repeat_it(token, reason):
    message = refusal(token)
    assert reason in message
    assert token not in message and token[:20] not in message


def test_clock_skew_of_under_a_minute_is_forgiven():
    token = RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, exp=int(time.time()) - 30, nbf=int(time.time()) + 30))
    assert validator().validate(token, AUDIENCE).subject == "athlete-42"


def test_a_key_may_sign_only_with_the_algorithm_of_its_type():
    # RS256 named in the header, but the kid is the EC key's: the key fixes the algorithm, not the token.
    token = RSA_KEY.sign(claims_for(ISSUER, AUDIENCE), kid=EC_KEY.key_id)
    assert "does not match the issuer's key" in refusal(token)


def test_cognito_access_tokens_without_aud_are_accepted_for_a_listed_client_only():
    cognito = claims_for(ISSUER, None, client_id="app-client-1", token_use="access", scope="fitness/read")
    rules = TokenRules(issuer=ISSUER, client_ids=("app-client-1",))
    assert validator(rules).validate(RSA_KEY.sign(cognito), AUDIENCE).client_id == "app-client-1"
    other = {**cognito, "client_id": "app-client-2"}
    assert "names no audience" in refusal(RSA_KEY.sign(other), rules)


def test_a_token_without_a_required_scope_is_valid_but_insufficient():
    rules = TokenRules(issuer=ISSUER, required_scopes=("fitness:read", "fitness:write"))
    token = RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, scope="fitness:read"))
    with pytest.raises(InsufficientScope) as raised:
        validator(rules).validate(token, AUDIENCE)
    assert raised.value.missing == ("fitness:write",)


def test_scopes_may_come_as_an_scp_list():
    rules = TokenRules(issuer=ISSUER, required_scopes=("fitness:read",))
    token = RSA_KEY.sign(claims_for(ISSUER, AUDIENCE, scp=["fitness:read"]))
    assert validator(rules).validate(token, AUDIENCE).scopes == ["fitness:read"]


def signed_header(**header: object) -> dict[str, object]:
    return {"alg": "RS256", "typ": "JWT", "kid": RSA_KEY.key_id, **header}


@pytest.mark.parametrize(
    ("header", "claims"),
    [
        (signed_header(alg=["RS256"]), claims_for(ISSUER, AUDIENCE)),
        (signed_header(alg={"RS256": 1}), claims_for(ISSUER, AUDIENCE)),
        (signed_header(typ=["JWT"]), claims_for(ISSUER, AUDIENCE)),
        (signed_header(kid=7), claims_for(ISSUER, AUDIENCE)),
        (signed_header(kid=[RSA_KEY.key_id]), claims_for(ISSUER, AUDIENCE)),
        (signed_header(), claims_for(ISSUER, AUDIENCE, exp="tomorrow")),
        (signed_header(), claims_for(ISSUER, AUDIENCE, exp=10**400)),
        (signed_header(), claims_for(ISSUER, AUDIENCE, nbf=[1])),
        (signed_header(), {**claims_for(ISSUER, AUDIENCE), "iss": [ISSUER]}),
        (signed_header(), claims_for(ISSUER, {"aud": AUDIENCE})),
        (signed_header(), claims_for(ISSUER, AUDIENCE, sub={"id": 1})),
        (signed_header(), claims_for(ISSUER, AUDIENCE, token_use=["access"])),
        (signed_header(), claims_for(ISSUER, AUDIENCE, scope={"fitness:read": True})),
        (signed_header(), ["not", "an", "object"]),
    ],
    ids=[
        "alg-list",
        "alg-object",
        "typ-list",
        "kid-number",
        "kid-list",
        "exp-text",
        "exp-huge",
        "nbf-list",
        "iss-list",
        "aud-object",
        "sub-object",
        "token-use-list",
        "scope-object",
        "payload-list",
    ],
)
def test_headers_and_claims_of_the_wrong_type_are_an_invalid_token_never_a_crash(header, claims):
    # Before: `{"alg": ["RS256"]}` raised TypeError (unhashable list) out of the validator: a bare 500.
    token = RSA_KEY.sign_raw(header, claims)
    try:
        access = validator(TokenRules(issuer=ISSUER, required_scopes=("fitness:read",))).validate(token, AUDIENCE)
    except (InvalidToken, InsufficientScope) as refused:
        assert token[:20] not in str(refused)
    else:
        # Only a claim the checks do not read (sub as an object, say) may pass, and then as text.
        assert isinstance(access.subject, str)
