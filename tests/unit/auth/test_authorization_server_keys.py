"""The authorization server's settings, its keys, their rotation, and sealed values."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from chalice_mcp.auth.access_tokens import AccessTokenValidator, InvalidToken, TokenRules
from chalice_mcp.auth.authorization_server.sealing import SealedValueInvalid, Sealer
from chalice_mcp.auth.authorization_server.signing import TokenSigner, TokenSigningKey
from chalice_mcp.auth.key_material import load_sealing_key, load_signing_key, new_sealing_key, new_signing_key_pem
from chalice_mcp.auth.new_keys import main as print_new_keys
from chalice_mcp.settings import Settings, SettingsError

ISSUER = "https://fitness.example/api"
RESOURCE = ISSUER + "/mcp"


def environment(**overrides: str) -> dict[str, str]:
    return {
        "MCP_AUTH": "oauth",
        "MCP_PUBLIC_URL": ISSUER,
        "MCP_SUBJECT_HASH_KEY": "test-subject-hash-key-of-this-run-0123456789",
        "MCP_OAUTH_UPSTREAM_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
        "MCP_OAUTH_UPSTREAM_CLIENT_ID": "app-client",
        "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": "app-client-secret",
        "MCP_OAUTH_SIGNING_KEY": new_signing_key_pem(),
        "MCP_OAUTH_SEALING_KEY": new_sealing_key(),
        **overrides,
    }


def rsa_pem(bits: int) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_an_upstream_makes_the_server_its_own_issuer_with_the_default_upstream_scope():
    settings = Settings.from_environment(environment())
    assert settings.authorization_server
    assert settings.oauth_issuer == ISSUER
    assert settings.oauth_upstream_scopes == ("openid",)


def test_without_an_upstream_oauth_stays_a_resource_server():
    settings = Settings.from_environment(
        {"MCP_AUTH": "oauth", "MCP_OAUTH_ISSUER": "http://localhost:8080", "MCP_PUBLIC_URL": "http://127.0.0.1:8000"}
    )
    assert not settings.authorization_server
    assert settings.oauth_issuer == "http://localhost:8080"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"MCP_OAUTH_SIGNING_KEY": ""}, "MCP_OAUTH_SIGNING_KEY"),
        ({"MCP_OAUTH_SEALING_KEY": ""}, "MCP_OAUTH_SEALING_KEY"),
        ({"MCP_OAUTH_UPSTREAM_CLIENT_SECRET": ""}, "MCP_OAUTH_UPSTREAM_CLIENT_SECRET"),
        ({"MCP_OAUTH_UPSTREAM_CLIENT_ID": ""}, "MCP_OAUTH_UPSTREAM_CLIENT_ID"),
        ({"MCP_OAUTH_SIGNING_KEY": "REPLACE-WITH-A-KEY"}, "MCP_OAUTH_SIGNING_KEY"),
        ({"MCP_OAUTH_SEALING_KEY": "REPLACE-WITH-A-KEY"}, "MCP_OAUTH_SEALING_KEY"),
        ({"MCP_OAUTH_SIGNING_KEY": "not a pem"}, "MCP_OAUTH_SIGNING_KEY"),
        ({"MCP_OAUTH_SEALING_KEY": "c2hvcnQ"}, "MCP_OAUTH_SEALING_KEY"),
        ({"MCP_OAUTH_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc"}, "MCP_OAUTH_ISSUER"),
        ({"MCP_PUBLIC_URL": ""}, "MCP_PUBLIC_URL"),
        ({"MCP_AUTH": "none"}, "MCP_AUTH=oauth"),
        ({"MCP_OAUTH_UPSTREAM_ISSUER": "http://idp.example"}, "MCP_OAUTH_UPSTREAM_ISSUER"),
        ({"AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand"}, "MCP_OAUTH_TABLE"),
        ({"MCP_OAUTH_CLIENT_IDS": "cognito-app-client"}, "MCP_OAUTH_CLIENT_IDS: not used"),
        ({"MCP_OAUTH_JWKS_URL": "https://idp.example/jwks"}, "MCP_OAUTH_JWKS_URL: not used"),
    ],
)
def test_a_setting_the_authorization_server_cannot_run_with_is_named(overrides, named):
    with pytest.raises(SettingsError, match=named) as refused:
        Settings.from_environment(environment(**overrides))
    # The error never repeats a secret.
    assert "BEGIN" not in str(refused.value)


def test_an_rsa_key_under_2048_bits_is_refused_and_one_of_2048_accepted():
    with pytest.raises(SettingsError, match="MCP_OAUTH_SIGNING_KEY: an RSA key must have at least 2048 bits"):
        Settings.from_environment(environment(MCP_OAUTH_SIGNING_KEY=rsa_pem(1024)))
    assert Settings.from_environment(environment(MCP_OAUTH_SIGNING_KEY=rsa_pem(2048))).oauth_signing_key


def test_a_pem_with_escaped_line_breaks_as_in_json_loads():
    pem = new_signing_key_pem().strip().replace("\n", "\\n")
    assert load_signing_key(pem).key_size == 256


def test_on_loopback_keys_may_be_left_out():
    settings = Settings.from_environment(
        environment(MCP_PUBLIC_URL="http://127.0.0.1:8000", MCP_OAUTH_SIGNING_KEY="", MCP_OAUTH_SEALING_KEY="")
    )
    assert settings.oauth_signing_key is None


def test_the_new_keys_command_prints_values_the_settings_accept(capsys):
    print_new_keys()
    printed = json.loads("{" + capsys.readouterr().out.strip().rstrip(",") + "}")
    settings = Settings.from_environment(environment(**printed))
    assert settings.oauth_signing_key is not None and settings.oauth_sealing_key is not None
    assert len(load_sealing_key(printed["MCP_OAUTH_SEALING_KEY"])) == 32


# Signing and its rotation


def validator_of(signer: TokenSigner) -> AccessTokenValidator:
    return AccessTokenValidator(TokenRules(issuer=ISSUER), signer.issuer_keys(ISSUER + "/jwks"))


def token_of(signer: TokenSigner) -> str:
    token, _ = signer.access_token(
        subject="athlete-42", audience=RESOURCE, client_id="client", scopes=["fitness:calculate"], lifetime_seconds=60
    )
    return token


@pytest.mark.parametrize("pem", [new_signing_key_pem(), rsa_pem(2048)])
def test_issued_tokens_are_at_jwt_with_the_key_id_of_the_published_key(pem):
    signer = TokenSigner(ISSUER, TokenSigningKey(load_signing_key(pem)))
    token = token_of(signer)
    header = jwt.get_unverified_header(token)
    assert header["typ"] == "at+jwt"
    assert [key["kid"] for key in signer.key_set()["keys"]] == [header["kid"]]
    assert validator_of(signer).validate(token, RESOURCE).subject == "athlete-42"


def test_after_a_rotation_tokens_of_the_previous_key_still_verify_until_it_is_removed():
    old = TokenSigningKey(load_signing_key(new_signing_key_pem()))
    new = TokenSigningKey(load_signing_key(new_signing_key_pem()))
    before = token_of(TokenSigner(ISSUER, old))
    rotated = TokenSigner(ISSUER, new, [old])
    assert len(rotated.key_set()["keys"]) == 2
    assert validator_of(rotated).validate(before, RESOURCE).subject == "athlete-42"
    assert jwt.get_unverified_header(token_of(rotated))["kid"] == new.key_id
    with pytest.raises(InvalidToken):
        validator_of(TokenSigner(ISSUER, new)).validate(before, RESOURCE)


# Sealing


KEY = load_sealing_key(new_sealing_key())


def test_a_sealed_value_opens_for_its_purpose_only():
    sealer = Sealer(KEY)
    sealed = sealer.seal("consent", {"client": "a"}, 60)
    assert sealer.open("consent", sealed) == {"client": "a"}
    with pytest.raises(SealedValueInvalid, match="another purpose"):
        sealer.open("refresh-token", sealed)


# The last character may carry only padding bits; the one before it is all ciphertext and tag.
@pytest.mark.parametrize("position", [0, 6, 20, -2])
def test_a_tampered_sealed_value_is_refused(position):
    sealer = Sealer(KEY)
    sealed = list(sealer.seal("consent", {"client": "a"}, 60))
    sealed[position] = "A" if sealed[position] != "A" else "B"
    with pytest.raises(SealedValueInvalid):
        sealer.open("consent", "".join(sealed))


@pytest.mark.parametrize("forged", ["", "not base64 !", "AQID", "A" * 80])
def test_a_forged_sealed_value_is_refused(forged):
    with pytest.raises(SealedValueInvalid):
        Sealer(KEY).open("consent", forged)


def test_an_expired_sealed_value_is_refused(monkeypatch):
    sealer = Sealer(KEY)
    sealed = sealer.seal("consent", {"client": "a"}, 60)
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(SealedValueInvalid, match="expired"):
        sealer.open("consent", sealed)


def test_after_a_rotation_values_sealed_with_the_previous_key_still_open_until_it_is_removed():
    new_key = load_sealing_key(new_sealing_key())
    sealed_before = Sealer(KEY).seal("consent", {"client": "a"}, 60)
    assert Sealer(new_key, [KEY]).open("consent", sealed_before) == {"client": "a"}
    with pytest.raises(SealedValueInvalid, match="key this server does not have"):
        Sealer(new_key).open("consent", sealed_before)


# The resource server's memory of the server's own tokens


def remembering_validator(signer: TokenSigner):
    from chalice_mcp.auth.authorization_server.authorizer import RememberingValidator

    return RememberingValidator(TokenRules(issuer=ISSUER), signer.issuer_keys(ISSUER + "/jwks"))


def test_a_checked_token_is_remembered_until_it_expires_and_only_for_its_audience(monkeypatch):
    signer = TokenSigner(ISSUER, TokenSigningKey(load_signing_key(new_signing_key_pem())))
    validator = remembering_validator(signer)
    token = token_of(signer)
    first = validator.validate(token, RESOURCE)
    checks: list[str] = []
    monkeypatch.setattr(AccessTokenValidator, "validate", lambda self, *args, **kwargs: checks.append("checked"))
    assert validator.validate(token, RESOURCE) is first
    assert checks == []
    validator.validate(token, "https://other.example/mcp")
    assert checks == ["checked"]
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    validator.validate(token, RESOURCE)
    assert checks == ["checked", "checked"]


def test_a_refused_token_is_not_remembered():
    signer = TokenSigner(ISSUER, TokenSigningKey(load_signing_key(new_signing_key_pem())))
    stranger = TokenSigner(ISSUER, TokenSigningKey(load_signing_key(new_signing_key_pem())))
    validator = remembering_validator(signer)
    forged = token_of(stranger)
    for _ in range(2):
        with pytest.raises(InvalidToken):
            validator.validate(forged, RESOURCE)


def test_the_sign_in_cookie_stays_small_whatever_the_number_of_clients_approved():
    from chalice_mcp.auth.authorization_server.consent import MAX_REMEMBERED_CLIENTS, SessionCookies, SignInSession

    session = SignInSession()
    scopes = ["fitness:calculate", "fitness:premium"]
    for number in range(100):
        session.remember_consent(f"https://client-{number:03}.example/oauth/client-metadata.json", scopes)
        session.start_sign_in()
    assert len(session.consented) == MAX_REMEMBERED_CLIENTS
    assert session.has_consented("https://client-099.example/oauth/client-metadata.json", scopes)
    assert not session.has_consented("https://client-000.example/oauth/client-metadata.json", scopes)
    assert len(SessionCookies(Sealer(KEY), secure=True).set_cookie(session)) < 4096


def test_a_rotation_through_the_settings_keeps_tokens_of_the_previous_key_working_at_the_endpoint():
    from chalice_mcp.auth.authorization_server.authorizer import own_token_authorizer
    from chalice_mcp.auth.authorization_server.keys import signer_for
    from chalice_mcp.bridge.exchange import HttpRequest

    old_key, new_key = new_signing_key_pem(), new_signing_key_pem()
    before = Settings.from_environment(environment(MCP_OAUTH_SIGNING_KEY=old_key))
    old_token = token_of(signer_for(before))
    after = Settings.from_environment(
        environment(MCP_OAUTH_SIGNING_KEY=new_key, MCP_OAUTH_PREVIOUS_SIGNING_KEY=old_key)
    )
    request = HttpRequest("POST", "/mcp", {"authorization": f"Bearer {old_token}"})
    assert own_token_authorizer(after).authorize(request).access_token is not None
    dropped = Settings.from_environment(environment(MCP_OAUTH_SIGNING_KEY=new_key))
    refusal = own_token_authorizer(dropped).authorize(request).refusal
    assert refusal is not None and refusal.status == 401


def test_a_signing_key_text_is_parsed_once_per_process_however_often_it_is_loaded(monkeypatch):
    # The settings' check, the /mcp authorizer and the authorization server each load it (an RSA parse is ~50 ms).
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    parse = serialization.load_pem_private_key
    parsed: list[bytes] = []

    def counted(data: bytes, password: bytes | None) -> object:
        parsed.append(data)
        return parse(data, password)

    monkeypatch.setattr(serialization, "load_pem_private_key", counted)
    first, second = load_signing_key(pem.decode()), load_signing_key(pem.decode())
    assert second is first
    assert len(parsed) == 1
    with pytest.raises(ValueError, match="unencrypted PEM"):
        load_signing_key("not a key")


def test_a_signing_keys_id_and_public_jwk_are_computed_once_not_per_token(monkeypatch):
    key = TokenSigningKey(load_signing_key(new_signing_key_pem()))
    signer = TokenSigner(ISSUER, key)
    encode = jwt.algorithms.ECAlgorithm.to_jwk
    encoded: list[object] = []

    def counted(key_object: object, as_dict: bool = False) -> object:
        encoded.append(key_object)
        return encode(key_object, as_dict)

    monkeypatch.setattr(jwt.algorithms.ECAlgorithm, "to_jwk", staticmethod(counted))
    tokens = [
        signer.access_token(subject="s", audience=RESOURCE, client_id="c", scopes=[], lifetime_seconds=60)[0]
        for _ in range(5)
    ]
    assert {jwt.get_unverified_header(token)["kid"] for token in tokens} == {key.key_id}
    assert signer.key_set()["keys"][0]["kid"] == key.key_id
    assert len(encoded) == 1
