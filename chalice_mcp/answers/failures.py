"""Exceptions the SDK caught while answering: recorded for the request log by type, never logged with a traceback.

The SDK logs a tool (or resource, or completion) that raised an unexpected exception with `logger.exception`: a
plain-text traceback outside the JSON request log, without the request id, whose frames and message may quote the
caller's (health) arguments. A filter on that logger takes the exception instead, while an answer is being made, and
the endpoint reports its type on the request's own log line (`outcome: tool_failed`).

The SDK also logs each `requestState` it refuses (tampered, expired, sealed under other keys) as a plain-text WARNING:
the caller's mistake, which any caller can repeat as often as it likes, already answered with a clean -32602. While
an answer is being made a second filter notes its reason on the request's log line (`request_state_refused`), where
a burst of them (keys that differ between containers, say) shows and can be counted, and lets the SDK's line through
only for the first refusal of each reason in the container.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# The logger of `mcp.server.mcpserver.server`, the module whose handlers catch what tools and resources raise.
SDK_SERVER_LOGGER = "mcp.server.mcpserver.server"
# The SDK's request-state middleware, and the line it logs for each state it refuses (`_reject`).
SDK_REQUEST_STATE_LOGGER = "mcp.server.request_state"
_REQUEST_STATE_REFUSED = "requestState rejected on %s: %s"
# The SDK's reasons are fixed words ("seal", "expired", "request binding"); a custom codec's other text is "other".
_REASON = re.compile(r"[A-Za-z][A-Za-z -]{0,39}")
_MAX_LOGGED_REASONS = 32


@dataclass
class AnswerNotes:
    """What the request log needs to know of one answer beyond its reply: set by the server's middleware, read by
    the bridge after the exchange."""

    failure: str | None = None
    """The type name of the exception a tool or prompt raised unexpectedly (never its message)."""
    request_state_refused: str | None = None
    """Why the SDK refused the request's `requestState`, in its own fixed words."""


# The bridge's notes for the request being answered; the SDK's handlers run in a copy of the bridge's context.
ANSWER_NOTES: ContextVar[AnswerNotes | None] = ContextVar("chalice_mcp_answer_notes", default=None)
_caught: ContextVar[list[BaseException] | None] = ContextVar("chalice_mcp_caught_exceptions", default=None)


def note_failure(exception: BaseException) -> str:
    """Note the type of what a tool or prompt raised (the original, under the SDK's wrapper) for the request log."""
    original = exception.__cause__ if exception.__cause__ is not None else exception
    failure = type(original).__name__
    notes = ANSWER_NOTES.get()
    if notes is not None:
        notes.failure = failure
    return failure


@contextmanager
def catching_sdk_exceptions() -> Iterator[list[BaseException]]:
    """While answering: the exceptions the SDK would have logged with a traceback, in order, instead of the log."""
    caught: list[BaseException] = []
    token = _caught.set(caught)
    try:
        yield caught
    finally:
        _caught.reset(token)


class _TakeLoggedExceptions(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        caught = _caught.get()
        if caught is None or record.exc_info is None or record.exc_info[1] is None:
            return True
        caught.append(record.exc_info[1])
        return False


class _NoteRefusedRequestStates(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        # The reasons whose SDK line this container has written once; a few fixed words, so never large.
        self._logged_reasons: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        notes = ANSWER_NOTES.get()
        if notes is None or record.msg != _REQUEST_STATE_REFUSED or not isinstance(record.args, tuple):
            return True
        reason = record.args[-1] if record.args else None
        known = reason if isinstance(reason, str) and _REASON.fullmatch(reason) else "other"
        notes.request_state_refused = known
        if known in self._logged_reasons or len(self._logged_reasons) >= _MAX_LOGGED_REASONS:
            return False
        self._logged_reasons.add(known)
        return True


_FILTERS = {SDK_SERVER_LOGGER: _TakeLoggedExceptions(), SDK_REQUEST_STATE_LOGGER: _NoteRefusedRequestStates()}


def take_sdk_exceptions() -> None:
    """Install the filters on the SDK's server and request-state loggers, once per process."""
    for name, log_filter in _FILTERS.items():
        logger = logging.getLogger(name)
        if log_filter not in logger.filters:
            logger.addFilter(log_filter)
