"""What the bridge lets the host plug in: who may call (an `Authorizer`), who watches each answer (an `Observer`),
and, as the bridge's `before_sdk` argument, a call just before the SDK answers (lazy registration, say)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from mcp.server.auth.provider import AccessToken

from chalice_mcp.bridge.exchange import HttpReply, HttpRequest

# Why an authorizer refused a request, or that it let one in on keys past their max age, in a word the metrics count
# by: a fixed set, so no caller can add a dimension value.
AuthOutcome = Literal[
    "missing_token",
    "invalid_token",
    "malformed_token",
    "insufficient_scope",
    "keys_unavailable",
    "invalid_host",
    "expired_keys",
]


@dataclass(frozen=True)
class AuthDecision:
    """Either a refusal to send as it is (401/403/503), or leave to pass with the caller's validated token, if any;
    `outcome` says why, for the metrics (None: let in as usual)."""

    access_token: AccessToken | None = None
    refusal: HttpReply | None = None
    outcome: AuthOutcome | None = None


class Authorizer(Protocol):
    def authorize(self, request: HttpRequest, deadline: float | None = None) -> AuthDecision:
        """Decide by `deadline` (`time.monotonic`), which the SDK's answer shares: work past it is the caller's
        time API Gateway no longer waits for."""
        ...


class AllowEveryone:
    """No authentication: for `chalice local` and the authless dev stage."""

    def authorize(self, request: HttpRequest, deadline: float | None = None) -> AuthDecision:
        return AuthDecision()


# Which part of the bridge produced the reply: the edge rules, the authorizer, or the SDK.
AnsweredBy = Literal["edge", "auth", "sdk"]


@dataclass(frozen=True)
class HandledRequest:
    request: HttpRequest
    reply: HttpReply
    answered_by: AnsweredBy
    duration_ms: float
    access_token: AccessToken | None = None
    message: Mapping[str, Any] | None = None
    """The body as the edge decoded it, when it was one JSON-RPC object (else the edge refused it, or never read it)."""
    auth_outcome: AuthOutcome | None = None
    decoded: Mapping[str, Any] | None = None
    """The JSON object the body held, as the edge decoded it, also when it refused it as no JSON-RPC message; None
    when the body held no object or the edge refused it unread (its Origin, size, media type or Accept)."""


class Observer(Protocol):
    """Sees every handled request once, after its reply is final. Must not raise and must not log health data."""

    def observe(self, handled: HandledRequest) -> None: ...
