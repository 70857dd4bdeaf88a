"""What any caller can repeat at the authorization server costs no log line each: an outage of the upstream logs its
start and its end once, a refused sign-in its reason once, an unforeseen failure its kind once; every request is
still counted (its `authorization server request` line and the SignIn metrics, tested in
test_authorization_server_log.py). In process, in front of the loopback OpenID provider."""

from __future__ import annotations

import json
import logging

import pytest

from chalice_mcp.auth.authorization_server.routes import AuthorizationServer
from chalice_mcp.bridge.exchange import HttpRequest
from chalice_mcp.settings import Settings
from tests.support.sign_in import (
    Browser,
    authorization_server_app,
    authorization_server_environment,
    authorize_url,
    exchange,
    pkce,
    query_of,
    register,
    sign_in,
    token_request,
)

REQUESTS = 40


@pytest.fixture(scope="module")
def environment(upstream, tmp_path_factory):
    return authorization_server_environment(upstream, str(tmp_path_factory.mktemp("store") / "grants.sqlite3"))


@pytest.fixture(scope="module")
def app(environment):
    return authorization_server_app(environment)


def our_records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("chalice_mcp") and record.levelno == level
    ]


def test_an_upstream_outage_logs_once_when_it_starts_and_once_when_it_ends(client, upstream, caplog):
    # Before: one WARNING per request that got 503.
    registered = register(client)
    verifier, challenge = pkce()
    code = query_of(sign_in(Browser(client), registered["client_id"], challenge))["code"]
    tokens = json.loads(exchange(client, registered["client_id"], code, verifier).body)
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "client_id": registered["client_id"],
    }
    upstream.behaviour.unavailable = True
    with caplog.at_level(logging.INFO):
        statuses = [token_request(client, refresh).status_code for _ in range(REQUESTS)]
        upstream.behaviour.unavailable = False
        recovered = token_request(client, refresh)
    assert statuses == [503] * REQUESTS
    assert recovered.status_code == 200, recovered.body
    warnings = our_records(caplog, logging.WARNING)
    assert len(warnings) == 1 and "cannot answer" in warnings[0], warnings
    assert len([line for line in our_records(caplog, logging.INFO) if "answers again" in line]) == 1
    written = caplog.text
    assert tokens["refresh_token"] not in written and code not in written and verifier not in written


def test_a_refused_sign_in_logs_its_reason_once(client, upstream, caplog):
    # Before: one WARNING per refused sign-in.
    registered = register(client)
    upstream.behaviour.id_token_nonce = "a-nonce-of-another-sign-in"
    with caplog.at_level(logging.INFO):
        returned = [sign_in(Browser(client), registered["client_id"], pkce()[1]) for _ in range(REQUESTS // 4)]
    assert {query_of(each)["error"] for each in returned} == {"access_denied"}
    warnings = our_records(caplog, logging.WARNING)
    assert len(warnings) == 1 and "wrong nonce" in warnings[0], warnings


def test_an_unforeseen_failure_logs_once_per_kind(environment, monkeypatch, caplog):
    # Before: one WARNING per request.
    server = AuthorizationServer(Settings.from_environment(environment), "Fitness")
    failures = iter([KeyError("k")] * REQUESTS + [TypeError("t")] * REQUESTS)

    def client_that_fails(client_id: str, timeout_seconds: float) -> None:
        raise next(failures)

    monkeypatch.setattr(server.registry, "client", client_that_fails)
    _, challenge = pkce()
    request = HttpRequest("GET", "/authorize", {}, query_string=authorize_url("a-client", challenge).split("?", 1)[1])
    with caplog.at_level(logging.INFO):
        replies = [server.handle("/authorize", request) for _ in range(2 * REQUESTS)]
    assert {(reply.status, json.loads(reply.body)["error"]) for reply in replies} == {(400, "invalid_request")}
    warnings = our_records(caplog, logging.WARNING)
    assert len(warnings) == 2, warnings
    assert "KeyError" in warnings[0] and "TypeError" in warnings[1]
