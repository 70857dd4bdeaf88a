"""What any caller can repeat costs no log line each: an issuer outage (expired keys serving, then 503s) and tokens
that fail a check in an unforeseen way each log their change of state once, and the metrics count every request."""

from __future__ import annotations

import logging

import pytest

from chalice_mcp.auth.access_tokens import AccessTokenValidator, TokenRules
from chalice_mcp.auth.issuer_keys import STALE_KEYS_GRACE_SECONDS, IssuerKeys, SigningKey
from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer
from tests.support.jsonrpc import initialize_body
from tests.support.oauth_service import (
    AUDIENCE,
    ISSUER,
    ISSUER_KEY,
    REQUIRED_SCOPE,
    oauth_settings,
    switchable_authorizer,
)
from tests.support.observed_service import ObservedService, observed_service
from tests.support.signing_keys import claims_for

REQUESTS = 200
HEADERS = {"mcp-protocol-version": "2025-11-25"}


def post_with_token(service: ObservedService, token: str) -> int:
    return service.post(initialize_body(), {**HEADERS, "authorization": f"Bearer {token}"}).status


def our_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("chalice_mcp") and record.levelno >= logging.WARNING
    ]


def metric_total(service: ObservedService, name: str, **dimensions: str) -> float:
    """The sum of `name` over the blobs whose dimensions are exactly the service's and `dimensions`."""
    total = 0.0
    for blob in service.metric_blobs():
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        (dimension_set,) = directive["Dimensions"]
        if name in blob and set(dimension_set) == {"service", *dimensions}:
            if all(blob[key] == value for key, value in dimensions.items()):
                total += sum(blob[name])
    return total


def test_an_outage_logs_once_when_expired_keys_start_serving_and_once_when_they_stop(caplog):
    # Before: a WARNING for every request served on expired keys and for every 503.
    authorizer, issuer, clock = switchable_authorizer()
    service = observed_service(authorizer=authorizer)
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE))
    assert post_with_token(service, token) == 200
    issuer.down = True
    clock.now += authorizer.settings.oauth_jwks_max_age_seconds
    with caplog.at_level(logging.DEBUG):
        served = []
        for _ in range(REQUESTS // 2):
            clock.now += 1  # every tenth request is a new fetch, after the back-off
            served.append(post_with_token(service, token))
        clock.now += STALE_KEYS_GRACE_SECONDS
        refused = []
        for _ in range(REQUESTS // 2):
            clock.now += 1
            refused.append(post_with_token(service, token))
    assert served == [200] * (REQUESTS // 2)
    assert refused == [503] * (REQUESTS // 2)
    assert issuer.fetches > 10
    warnings = our_warnings(caplog)
    assert 1 <= len(warnings) <= 2, warnings
    assert metric_total(service, "ExpiredKeysServed") == REQUESTS // 2
    assert metric_total(service, "AuthRefusals", reason="keys_unavailable") == REQUESTS // 2
    assert metric_total(service, "AuthRefusals") == REQUESTS // 2


def test_an_issuer_unreachable_from_the_start_logs_once_and_every_503_is_counted(caplog):
    authorizer, issuer, clock = switchable_authorizer()
    issuer.down = True
    service = observed_service(authorizer=authorizer)
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE))
    with caplog.at_level(logging.DEBUG):
        statuses = []
        for _ in range(REQUESTS):
            clock.now += 1
            statuses.append(post_with_token(service, token))
    assert statuses == [503] * REQUESTS
    warnings = our_warnings(caplog)
    assert len(warnings) == 1, warnings
    assert "Connection refused" in warnings[0]
    assert metric_total(service, "AuthRefusals", reason="keys_unavailable") == REQUESTS


class KeysNoCheckForesaw(IssuerKeys):
    """Hands out a key PyJWT cannot use: the stand-in for a token that fails a check in a way no check foresaw."""

    def key(self, key_id: str | None, deadline: float | None = None) -> SigningKey | None:
        return SigningKey(key_id=key_id, key_type="RSA", algorithm=None, public_key=object())


def test_tokens_that_fail_a_check_unexpectedly_log_once_and_every_refusal_is_counted(caplog):
    settings = oauth_settings()
    rules = TokenRules(issuer=ISSUER, required_scopes=settings.oauth_scopes)
    validator = AccessTokenValidator(rules, KeysNoCheckForesaw(ISSUER, settings.oauth_jwks_url))
    service = observed_service(authorizer=OAuthAuthorizer(settings, validator))
    token = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope=REQUIRED_SCOPE))
    with caplog.at_level(logging.DEBUG):
        statuses = [post_with_token(service, token) for _ in range(REQUESTS)]
    assert statuses == [401] * REQUESTS
    warnings = our_warnings(caplog)
    assert warnings == ["an access token failed a check unexpectedly: TypeError (logged once per kind)"]
    assert metric_total(service, "AuthRefusals", reason="malformed_token") == REQUESTS


def test_every_refusal_is_counted_by_its_reason():
    service = observed_service(authorizer=switchable_authorizer()[0])
    wrong_audience = ISSUER_KEY.sign(claims_for(ISSUER, "https://elsewhere.example/mcp", scope=REQUIRED_SCOPE))
    no_scope = ISSUER_KEY.sign(claims_for(ISSUER, AUDIENCE, scope="profile"))
    assert service.post(initialize_body(), HEADERS).status == 401
    assert post_with_token(service, wrong_audience) == 401
    assert post_with_token(service, no_scope) == 403
    for reason in ("missing_token", "invalid_token", "insufficient_scope"):
        assert metric_total(service, "AuthRefusals", reason=reason) == 1, reason
    assert metric_total(service, "AuthRefusals") == 3
    lines = service.log_lines()
    assert [line["auth_outcome"] for line in lines] == ["missing_token", "invalid_token", "insufficient_scope"]
