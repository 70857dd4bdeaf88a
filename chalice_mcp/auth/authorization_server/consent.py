"""The consent page and the browser's sign-in session: the defence against the confused deputy (MCP security best
practices). Before anything goes to the upstream identity provider, whose session cookie would otherwise let any
registered client get a code silently, the person sees which client asks (its name, and the host its redirect URI
is on) for which server, and approves or denies.

The page lists the access asked for in plain words: each scope, and the tools it opens (MCP_OAUTH_TOOL_SCOPES).

The browser holds one cookie, sealed (`sealing`), HttpOnly, SameSite=Lax, `__Host-` and Secure on https: the CSRF
token of the consent form (double submit: the form must carry the cookie's token), the clients this browser has
approved and for which scopes (remembered for `CONSENT_LIFETIME_SECONDS`; a client asking for more, at a step-up,
is shown the page again), and the sign-ins it has started upstream, so that a callback
is accepted only in the browser that consented (no login CSRF).
"""

from __future__ import annotations

import html
import secrets
import time
from collections.abc import Sequence
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

from chalice_mcp.auth.authorization_server.sealing import SealedValueInvalid, Sealer
from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.settings import Settings

SESSION_PURPOSE = "sign-in-session"
# A returning client is not asked again for 30 days; after that the person sees the page once more.
CONSENT_LIFETIME_SECONDS = 30 * 86_400
# At most this many sign-ins in progress, and clients remembered, per browser: the cookie stays well under the 4 KB
# browsers keep (RFC 6265 §6.1), whatever the number of clients a person approves.
MAX_PENDING_SIGN_INS = 5
MAX_REMEMBERED_CLIENTS = 16

PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    # Self-contained: nothing loads from anywhere; no page may frame it (clickjacking the approve button). No
    # `form-action`: browsers apply it to the redirects after the form too, to the upstream and back to the client.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    # Not `no-referrer`: under it browsers send `Origin: null` with the page's own form, which the consent check then
    # refuses. `same-origin` keeps the URL (and its sealed request) from every other site, the upstream included.
    "Referrer-Policy": "same-origin",
}


class SignInSession:
    """The browser's sealed cookie, opened; a missing, forged or expired one is a new, empty session."""

    def __init__(self, value: dict[str, Any] | None = None) -> None:
        value = value or {}
        self.csrf_token: str = str(value.get("csrf") or secrets.token_urlsafe(24))
        now = time.time()
        consented = value.get("consented")
        # client → [until, the scopes approved]
        self.consented: dict[str, tuple[float, list[str]]] = {
            str(client): (float(approval[0]), [str(scope) for scope in approval[1]])
            for client, approval in (consented.items() if isinstance(consented, dict) else ())
            if isinstance(approval, list) and len(approval) == 2 and isinstance(approval[1], list)
            if float(approval[0]) > now
        }
        pending = value.get("pending")
        self.pending: list[str] = [str(each) for each in (pending if isinstance(pending, list) else [])][
            -MAX_PENDING_SIGN_INS:
        ]

    def has_consented(self, client_id: str, scopes: Sequence[str]) -> bool:
        """Whether this browser approved `client_id` for every one of `scopes`."""
        approval = self.consented.get(client_id)
        return approval is not None and set(scopes) <= set(approval[1])

    def remember_consent(self, client_id: str, scopes: Sequence[str]) -> None:
        self.consented.pop(client_id, None)
        self.consented[client_id] = (time.time() + CONSENT_LIFETIME_SECONDS, list(dict.fromkeys(scopes)))
        # The oldest approval is forgotten first: that client sees the page once more.
        while len(self.consented) > MAX_REMEMBERED_CLIENTS:
            del self.consented[next(iter(self.consented))]

    def start_sign_in(self) -> str:
        binding = secrets.token_urlsafe(16)
        self.pending = [*self.pending, binding][-MAX_PENDING_SIGN_INS:]
        return binding

    def finish_sign_in(self, binding: str) -> bool:
        """Whether this browser started the sign-in `binding` names; it cannot be finished twice."""
        if not any(secrets.compare_digest(binding, each) for each in self.pending):
            return False
        self.pending = [each for each in self.pending if each != binding]
        return True

    def value(self) -> dict[str, Any]:
        consented = {client: [until, scopes] for client, (until, scopes) in self.consented.items()}
        return {"csrf": self.csrf_token, "consented": consented, "pending": self.pending}


class SessionCookies:
    def __init__(self, sealer: Sealer, secure: bool) -> None:
        self.sealer = sealer
        self.secure = secure
        # `__Host-`: only this host may set it, on https, for the whole host; on plain http (loopback) browsers and
        # HTTP clients refuse Secure cookies, so the name is a plain one there.
        self.name = "__Host-mcp-sign-in" if secure else "mcp-sign-in"

    def session(self, request: HttpRequest) -> SignInSession:
        raw = request.header("cookie")
        if not raw:
            return SignInSession()
        try:
            cookies = SimpleCookie(raw)
        except CookieError:
            return SignInSession()
        morsel = cookies.get(self.name)
        if morsel is None:
            return SignInSession()
        try:
            return SignInSession(self.sealer.open(SESSION_PURPOSE, morsel.value))
        except (SealedValueInvalid, ValueError, TypeError):
            return SignInSession()

    def set_cookie(self, session: SignInSession) -> str:
        sealed = self.sealer.seal(SESSION_PURPOSE, session.value(), CONSENT_LIFETIME_SECONDS)
        attributes = [f"{self.name}={sealed}", "Path=/", f"Max-Age={CONSENT_LIFETIME_SECONDS}", "HttpOnly"]
        # Lax: the upstream's redirect back to the callback is a top-level navigation from another site.
        attributes.append("SameSite=Lax")
        if self.secure:
            attributes.append("Secure")
        return "; ".join(attributes)


def consent_page(
    *,
    client_name: str | None,
    client_id: str,
    redirect_uri: str,
    server_name: str,
    server_url: str,
    scopes: list[tuple[str, str]],
    identity_provider: str,
    sealed_request: str,
    csrf_token: str,
    action: str,
) -> HttpReply:
    """The page that asks the person; `scopes` are (scope, what it allows in plain words). Every value from a client
    is escaped."""
    redirect_host = urlsplit(redirect_uri).hostname or redirect_uri
    sign_in_host = urlsplit(identity_provider).hostname or identity_provider
    name = client_name or "An unnamed client"
    client_line = f"{html.escape(name)}"
    if client_id.startswith("https://"):
        client_line += f" <small>(described at {html.escape(urlsplit(client_id).hostname or client_id)})</small>"
    scope_items = (
        "".join(
            f"<li>{html.escape(meaning)} <small>(<code>{html.escape(scope)}</code>)</small></li>"
            if meaning
            else f"<li><code>{html.escape(scope)}</code></li>"
            for scope, meaning in scopes
        )
        or "<li>no scopes</li>"
    )
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Allow access to {html.escape(server_name)}?</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
.box{{border:1px solid #ccc;border-radius:8px;padding:1rem 1.5rem}}button{{font-size:1rem;padding:.5rem 1.2rem;
margin-right:.5rem}}code{{background:#f3f3f3;padding:0 .2rem}}</style></head>
<body><main class="box">
<h1>Allow access?</h1>
<p><strong>{client_line}</strong> asks to use <strong>{html.escape(server_name)}</strong>
(<code>{html.escape(server_url)}</code>) on your behalf.</p>
<p>If you approve, you sign in at <strong>{html.escape(sign_in_host)}</strong>
and are then sent back to <strong>{html.escape(redirect_host)}</strong>.
Approve only if you started this from that application.</p>
<p>Access asked for:</p><ul>{scope_items}</ul>
<form method="post" action="{html.escape(action)}">
<input type="hidden" name="request" value="{html.escape(sealed_request)}">
<input type="hidden" name="csrf_token" value="{html.escape(csrf_token)}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></main></body></html>
"""
    return HttpReply(status=200, headers=dict(PAGE_HEADERS), body=body.encode())


def scope_descriptions(settings: Settings, server_name: str) -> dict[str, str]:
    """Each scope a client may ask for, in the consent page's plain words: what it lets the client do."""
    tools: dict[str, list[str]] = {}
    for tool, scope in settings.oauth_tool_scopes.items():
        tools.setdefault(scope, []).append(tool)
    descriptions = {}
    for scope in settings.all_scopes:
        if scope in settings.oauth_scopes:
            meaning = f"Use the tools of {server_name}"
        else:
            names = sorted(tools[scope])
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            meaning = f"Also use {'the tool' if len(names) == 1 else 'the tools'} {listed}"
        if scope in settings.oauth_scope_grants:
            meaning += ", if your account has this access"
        descriptions[scope] = meaning
    return descriptions


def message_page(status: int, title: str, message: str) -> HttpReply:
    """A plain page for a person whose sign-in cannot go on (no client redirect URI can be trusted)."""
    body = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>\n"
    )
    return HttpReply(status=status, headers=dict(PAGE_HEADERS), body=body.encode())
