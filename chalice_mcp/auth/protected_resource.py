"""Who this server is to an OAuth client: its resource URL, its Protected Resource Metadata (RFC 9728), and the
`WWW-Authenticate` challenges (RFC 6750 §3) that point a client at that metadata.

The resource is `MCP_OAUTH_AUDIENCE` or `MCP_PUBLIC_URL` + `/mcp`: configured, never taken from a request. The
metadata is served beside the endpoint, at `<base>/.well-known/oauth-protected-resource/mcp` (and without the
`/mcp`), where `<base>` is `MCP_PUBLIC_URL` or else the URL the client used, API Gateway stage included. Behind a
custom domain without a base path that is exactly RFC 9728's well-known location; on an `execute-api` URL the stage
comes first, so clients find it through the absolute `resource_metadata` URL in every 401, as the MCP spec prefers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from mcp.shared.auth import ProtectedResourceMetadata
from mcp_types import INVALID_REQUEST

from chalice_mcp.bridge.exchange import JSON_CONTENT_TYPE, HttpReply, HttpRequest, jsonrpc_error_reply
from chalice_mcp.settings import ENDPOINT_PATH, Settings

METADATA_PATH = "/.well-known/oauth-protected-resource"
# The metadata changes only with a deployment; an hour of caching spares clients a request per connection.
METADATA_MAX_AGE_SECONDS = 3600

# A DNS name or an IPv4/IPv6 literal, with an optional port: anything else in Host is not put into a URL.
_HOST = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?"
)


def public_base_url(request: HttpRequest, configured: str | None) -> str | None:
    """The server's public base URL: the configured one, else the request's scheme, Host and stage; None when the
    Host header cannot be part of a URL."""
    if configured:
        return configured
    host = request.header("host") or ""
    if not _HOST.fullmatch(host):
        return None
    # API Gateway and load balancers say which scheme the client used; `chalice local` is plain http.
    forwarded = (request.header("x-forwarded-proto") or "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else "http"
    return f"{scheme}://{host}{request.path_prefix}"


def invalid_host_reply() -> HttpReply:
    """The answer when `public_base_url` is None: no URL of this server can be built from the request."""
    return jsonrpc_error_reply(400, INVALID_REQUEST, "Bad Request: invalid Host header")


def metadata_url(base_url: str) -> str:
    return base_url + METADATA_PATH + ENDPOINT_PATH


def protected_resource_metadata(
    resource: str, issuer: str, scopes: Iterable[str], resource_name: str | None = None
) -> dict[str, object]:
    """The RFC 9728 document: this resource, the one authorization server that issues its tokens, its scopes."""
    metadata = ProtectedResourceMetadata.model_validate(
        {
            "resource": resource,
            "authorization_servers": [issuer],
            "scopes_supported": list(scopes) or None,
            "bearer_methods_supported": ["header"],
            "resource_name": resource_name,
        }
    )
    return metadata.model_dump(mode="json", exclude_none=True)


def bearer_challenge(
    base_url: str,
    scopes: Iterable[str],
    *,
    error: str | None = None,
    error_description: str | None = None,
) -> str:
    """A `WWW-Authenticate: Bearer …` value. Only fixed texts of this module's callers go in, never request data."""
    parameters = []
    if error is not None:
        parameters.append(f'error="{error}"')
    if error_description is not None:
        parameters.append(f'error_description="{_quotable(error_description)}"')
    scope = " ".join(scopes)
    if scope:
        parameters.append(f'scope="{_quotable(scope)}"')
    parameters.append(f'resource_metadata="{metadata_url(base_url)}"')
    return "Bearer " + ", ".join(parameters)


def _quotable(text: str) -> str:
    """RFC 6750 §3: error_description and scope use %x20-21 / %x23-5B / %x5D-7E only."""
    return "".join(character for character in text if 0x20 <= ord(character) <= 0x7E and character not in '"\\')


def metadata_reply(request: HttpRequest, settings: Settings, resource_name: str | None = None) -> HttpReply:
    """GET of the metadata, the same whatever `request` says. Without OAuth it is 404: an authless server that
    answered would send Claude into an OAuth flow it cannot finish."""
    if settings.auth_mode != "oauth" or settings.oauth_issuer is None or settings.resource_url is None:
        return jsonrpc_error_reply(404, INVALID_REQUEST, "Not Found: this server does not use OAuth")
    # Publicly cached, so nothing in it comes from the request: the resource is the configured one.
    document = protected_resource_metadata(
        settings.resource_url, settings.oauth_issuer, settings.all_scopes, resource_name
    )
    headers = {
        "Content-Type": JSON_CONTENT_TYPE,
        # Public metadata: any page (the browser-based MCP Inspector, say) may read it.
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": f"public, max-age={METADATA_MAX_AGE_SECONDS}",
    }
    return HttpReply(status=200, headers=headers, body=json.dumps(document).encode())
