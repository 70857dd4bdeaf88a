"""The authorization server's own routes write one request-log line and one metric blob each, like `/mcp`: the route,
the status and the OAuth error code, never a code, a token, a secret, a state or a verifier. In process, in front of
the loopback OpenID provider."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.support.sign_in import (
    PUBLIC_URL,
    Browser,
    authorization_server_app,
    authorization_server_environment,
    exchange,
    pkce,
    query_of,
    register,
    sign_in,
    token_request,
)

SERVICE_NAME = "fitness-authorization-server-log-test"


class Streams:
    def __init__(self) -> None:
        self.log = io.StringIO()
        self.metrics = io.StringIO()

    def lines(self, message: str) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in self.log.getvalue().splitlines() if line.startswith("{")]
        return [line for line in parsed if line.get("message") == message]

    def blobs(self, metric: str) -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in self.metrics.getvalue().splitlines() if line.startswith("{")]
        return [blob for blob in parsed if metric in blob]

    def clear(self) -> None:
        for stream in (self.log, self.metrics):
            stream.seek(0)
            stream.truncate()


@pytest.fixture(scope="module")
def streams() -> Streams:
    return Streams()


@pytest.fixture(scope="module")
def app(streams, upstream, tmp_path_factory):
    store = str(tmp_path_factory.mktemp("store") / "grants.sqlite3")
    environment = authorization_server_environment(upstream, store, MCP_LOG_LEVEL="INFO")
    return authorization_server_app(
        environment, log_stream=streams.log, metrics_stream=streams.metrics, service_name=SERVICE_NAME
    )


def test_a_sign_in_writes_one_line_per_request_and_none_holds_what_it_carried(client, streams):
    streams.clear()
    registered = register(client)
    verifier, challenge = pkce()
    returned = sign_in(Browser(client), registered["client_id"], challenge, state="state-of-this-test")
    code = query_of(returned)["code"]
    tokens = json.loads(exchange(client, registered["client_id"], code, verifier).body)

    lines = streams.lines("authorization server request")
    assert [line["route"] for line in lines if line["route"] != "/consent"] == [
        "/register",
        "/authorize",
        "/callback",
        "/token",
    ]
    assert all(line["service"] == SERVICE_NAME and line["duration_ms"] >= 0 for line in lines)
    assert [line["status"] for line in lines if line["route"] in ("/register", "/token")] == [201, 200]
    assert not any("oauth_error" in line for line in lines)
    written = streams.log.getvalue() + streams.metrics.getvalue()
    secrets = [code, verifier, "state-of-this-test", tokens["access_token"], tokens["refresh_token"]]
    assert all(secret not in written for secret in secrets)


def test_a_refused_token_request_is_logged_with_its_oauth_error_and_counted(client, streams):
    streams.clear()
    registered = register(client)
    streams.clear()
    refused = token_request(
        client,
        {
            "grant_type": "authorization_code",
            "code": "a-code-nobody-issued",
            "redirect_uri": registered["redirect_uris"][0],
            "client_id": registered["client_id"],
            "code_verifier": "v" * 43,
        },
    )
    assert refused.status_code == 400
    (line,) = streams.lines("authorization server request")
    assert (line["route"], line["http_method"], line["status"], line["oauth_error"]) == (
        "/token",
        "POST",
        400,
        "invalid_grant",
    )
    assert "a-code-nobody-issued" not in streams.log.getvalue()
    (blob,) = streams.blobs("SignInRequests")
    assert (blob["route"], blob["SignInRequests"], blob["SignInErrors"]) == ("/token", [1.0], [1.0])
    assert [metric["Name"] for metric in blob["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == [
        "SignInRequests",
        "SignInErrors",
        "SignInLatency",
    ]


def test_an_error_sent_back_to_the_client_by_redirect_is_logged_by_its_code_only(client, streams):
    registered = register(client)
    _, challenge = pkce()
    streams.clear()
    browser = Browser(client)
    authorized = browser.get(
        f"{PUBLIC_URL}/authorize?response_type=code&client_id={registered['client_id']}"
        f"&redirect_uri={registered['redirect_uris'][0]}&code_challenge={challenge}&code_challenge_method=S256"
        "&state=state-of-a-refusal&resource=https://other.example/mcp"
    )
    assert authorized.status_code == 302
    assert query_of(authorized.headers["Location"])["error"] == "invalid_target"
    (line,) = streams.lines("authorization server request")
    assert (line["route"], line["status"], line["oauth_error"]) == ("/authorize", 302, "invalid_target")
    assert "state-of-a-refusal" not in streams.log.getvalue()
