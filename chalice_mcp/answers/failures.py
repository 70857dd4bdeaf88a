"""Exceptions the SDK caught while answering: recorded for the request log by type, never logged with a traceback.

The SDK logs a tool (or resource, or completion) that raised an unexpected exception with `logger.exception`: a
plain-text traceback outside the JSON request log, without the request id, whose frames and message may quote the
caller's (health) arguments. A filter on that logger takes the exception instead, while an answer is being made, and
the endpoint reports its type on the request's own log line (`outcome: tool_failed`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# The logger of `mcp.server.mcpserver.server`, the module whose handlers catch what tools and resources raise.
SDK_SERVER_LOGGER = "mcp.server.mcpserver.server"


@dataclass
class AnswerNotes:
    """What the request log needs to know of one answer beyond its reply: set by the server's middleware, read by
    the bridge after the exchange."""

    failure: str | None = None
    """The type name of the exception a tool or prompt raised unexpectedly (never its message)."""


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


_FILTER = _TakeLoggedExceptions()


def take_sdk_exceptions() -> None:
    """Install the filter on the SDK's server logger, once per process."""
    logger = logging.getLogger(SDK_SERVER_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
