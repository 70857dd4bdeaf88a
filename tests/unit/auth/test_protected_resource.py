"""The resource URL, RFC 9728 metadata and RFC 6750 challenges, and reading the bearer token from a request."""

from __future__ import annotations

import pytest

from chalicelib.auth.oauth_authorizer import bearer_token
from chalicelib.auth.protected_resource import bearer_challenge, protected_resource_metadata, public_base_url
from chalicelib.bridge.exchange import HttpRequest


def request(path_prefix: str = "", **headers: str) -> HttpRequest:
    return HttpRequest(
        "POST", "/mcp", {name.replace("_", "-"): value for name, value in headers.items()}, path_prefix=path_prefix
    )


def test_the_configured_public_url_wins():
    assert public_base_url(request(host="evil.example"), "https://mcp.example") == "https://mcp.example"


def test_the_base_url_is_derived_from_scheme_host_and_stage():
    behind_gateway = request("/api", host="abc.execute-api.eu-west-1.amazonaws.com", x_forwarded_proto="https")
    assert public_base_url(behind_gateway, None) == "https://abc.execute-api.eu-west-1.amazonaws.com/api"
    assert public_base_url(request(host="127.0.0.1:8000"), None) == "http://127.0.0.1:8000"
    assert public_base_url(request(host="[::1]:8000"), None) == "http://[::1]:8000"


@pytest.mark.parametrize("host", ["", "evil.example/path", 'a"b', "a b", "host:port", "x" * 300])
def test_a_host_that_cannot_be_part_of_a_url_gives_no_base_url(host):
    assert public_base_url(request(host=host), None) is None


def test_the_metadata_names_the_resource_its_issuer_and_scopes():
    document = protected_resource_metadata("https://mcp.example/api/mcp", "http://localhost:9000", ["fitness:read"])
    assert document == {
        "resource": "https://mcp.example/api/mcp",
        "authorization_servers": ["http://localhost:9000"],
        "scopes_supported": ["fitness:read"],
        "bearer_methods_supported": ["header"],
        "resource_name": "Fitness calculators (MCP)",
    }


def test_the_challenge_points_at_the_absolute_metadata_url():
    assert bearer_challenge("https://mcp.example/api", []) == (
        'Bearer resource_metadata="https://mcp.example/api/.well-known/oauth-protected-resource/mcp"'
    )
    assert bearer_challenge("https://m.example", ["a", "b"], error="invalid_token", error_description='x"y\n') == (
        'Bearer error="invalid_token", error_description="xy", scope="a b", '
        'resource_metadata="https://m.example/.well-known/oauth-protected-resource/mcp"'
    )


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (None, None),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer   abc.def-_~+/=  ", "abc.def-_~+/="),
        ("Bearer", ""),
        ("Bearer a b", ""),
        ("Bearer ä.b.c", ""),
    ],
)
def test_the_bearer_token_is_read_per_rfc_6750(header, token):
    assert bearer_token(header) == token
