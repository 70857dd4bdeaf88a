"""The container's own asyncio event loop, for running the SDK from synchronous Chalice views."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


class ContainerEventLoop:
    """One event loop per container, shared by every request and run by the thread that serves the request.

    Chalice views are synchronous. A Lambda container serves one request at a time, so the request's own thread
    runs the loop until its answer is ready: no hand-over to another thread, whose cost is a noticeable share of a
    warm call. `chalice local` serves each request on a thread of its own; the lock lets one of them run the loop at
    a time. Between requests the loop is idle, and the SDK's long-lived task (its session manager's task group)
    simply waits on it.
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()

    def run(self, coroutine: Awaitable[T], timeout_seconds: float | None = None) -> T:
        """Run `coroutine` to completion; past `timeout_seconds` it is cancelled and TimeoutError raised."""
        with self._lock:
            return self._loop.run_until_complete(_bounded(coroutine, timeout_seconds))

    def pending_tasks(self) -> set[asyncio.Task[Any]]:
        """The loop's tasks that have not finished: between requests, only the long-lived ones should be left."""
        with self._lock:
            return {task for task in asyncio.all_tasks(self._loop) if not task.done()}

    def close(self) -> None:
        with self._lock:
            self._loop.close()


async def _bounded(coroutine: Awaitable[T], timeout_seconds: float | None) -> T:
    async with asyncio.timeout(timeout_seconds):
        return await coroutine
