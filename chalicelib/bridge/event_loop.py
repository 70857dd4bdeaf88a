"""The container's own asyncio event loop, on a daemon thread, for running the SDK from synchronous Chalice views."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class ContainerEventLoop:
    """One event loop per container, shared by every request.

    Chalice views are synchronous and `chalice local` serves each request on its own thread, so the SDK's
    long-lived task group cannot live on any request's thread: it lives here, and requests hand coroutines over.
    """

    def __init__(self, name: str = "mcp-event-loop") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def run(self, coroutine: Coroutine[Any, Any, T], timeout_seconds: float | None = None) -> T:
        """Run `coroutine` on the loop and wait for its result; on timeout it is cancelled and TimeoutError raised."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout_seconds)
        except TimeoutError:
            future.cancel()
            raise
