"""The authorization server's WARNINGs, written by change of state, not per request: any caller can repeat a request
that fails, and must not drive up the log bill. Every request is counted anyway (its `authorization server request`
line, `SignInErrors`).

- An outage (the identity provider or the store cannot be reached): one WARNING when it starts, naming the failure;
  one INFO line when a request that needs them succeeds again, with how many requests got 503 meanwhile.
- A kind of unforeseen failure (the exception's class) and a reason the upstream refused a sign-in: one WARNING each
  per container, for at most `MAX_LOGGED_FAILURE_KINDS` kinds of each.
"""

from __future__ import annotations

import logging
import threading

from chalice_mcp.auth.access_tokens import MAX_LOGGED_FAILURE_KINDS

logger = logging.getLogger(__name__)


class TroubleLog:
    """Thread-safe; one per authorization server, so one per container."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outage_requests = 0
        self._logged: dict[str, set[str]] = {"failure": set(), "refusal": set()}

    def unavailable(self, reason: str) -> None:
        with self._lock:
            self._outage_requests += 1
            starts = self._outage_requests == 1
        if starts:
            logger.warning(
                "the authorization server cannot answer (503 until it can; logged once per outage): %s", reason
            )
        else:
            logger.debug("the authorization server still cannot answer: %s", reason)

    def answered(self) -> None:
        """A request that needed the identity provider or the store succeeded: an outage, if any, is over."""
        with self._lock:
            ended, self._outage_requests = self._outage_requests, 0
        if ended:
            logger.info("the authorization server answers again, after %d requests got 503", ended)

    def unforeseen(self, kind: str) -> None:
        if self._first("failure", kind):
            logger.warning("an authorization server request failed unexpectedly: %s (logged once per kind)", kind)

    def sign_in_refused(self, reason: str) -> None:
        if self._first("refusal", reason):
            logger.warning("an upstream sign-in was refused: %s (logged once per reason)", reason)

    def _first(self, family: str, kind: str) -> bool:
        with self._lock:
            logged = self._logged[family]
            if kind in logged or len(logged) >= MAX_LOGGED_FAILURE_KINDS:
                return False
            logged.add(kind)
            return True
