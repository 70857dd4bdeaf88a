"""What may be logged of one request to the authorization server's own routes (`/authorize` … `/token`): the route,
the status and the OAuth error code, never a code, a token, a client secret, a state or a redirect URI.

The error is the `error` of a JSON reply (RFC 6749 §5.2, RFC 7591 §3.2.2) or of the redirect that carries one back to
the client (RFC 6749 §4.1.2.1), and only when it is one of the codes the OAuth RFCs define: anything else is `other`.
"""

from __future__ import annotations

import json
import urllib.parse

from chalice_mcp.bridge.exchange import HttpReply

# RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 7591 §3.2.2, RFC 8707 §2, OpenID Connect Core
# §3.1.2.6.
OAUTH_ERRORS = frozenset(
    {
        "access_denied",
        "consent_required",
        "insufficient_scope",
        "interaction_required",
        "invalid_client",
        "invalid_client_metadata",
        "invalid_grant",
        "invalid_redirect_uri",
        "invalid_request",
        "invalid_scope",
        "invalid_target",
        "invalid_token",
        "login_required",
        "server_error",
        "temporarily_unavailable",
        "unauthorized_client",
        "unsupported_grant_type",
        "unsupported_response_type",
        "unsupported_token_type",
    }
)
OTHER_ERROR = "other"


def oauth_error_of(reply: HttpReply) -> str | None:
    """The OAuth error `reply` carries (a JSON body's, or a redirect's query's), None if it carries none."""
    if 300 <= reply.status < 400:
        query = urllib.parse.urlsplit(reply.headers.get("Location", "")).query
        errors = urllib.parse.parse_qs(query).get("error")
        return _known(errors[0]) if errors else None
    if reply.status < 400:
        return None
    try:
        body = json.loads(reply.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return OTHER_ERROR
    error = body.get("error") if isinstance(body, dict) else None
    return _known(error)


def _known(error: object) -> str:
    return error if isinstance(error, str) and error in OAUTH_ERRORS else OTHER_ERROR
