"""A start with the cyclic garbage collector paused: an app's import and build, and priming before a snapshot.

Importing the MCP SDK builds thousands of pydantic models and their validators. CPython's cyclic collector runs every
few hundred new container objects and now and then walks all of them, while almost none are garbage. Pausing it for
the start shortens a cold start (`bench/cold_start.py`, (c) against (c'); figures in docs/performance.md). At the
end, `gc.freeze()` moves what the start built to the permanent generation: the few cycles left are never freed, and
collections during warm requests no longer walk the SDK (nor, in a container restored from a snapshot, fault in
every page of it).

Importing this module imports neither the SDK nor the rest of `chalice_mcp` (the package's names are loaded when
first used), so an app can pause the collector before it imports anything heavy:

    from chalice_mcp.garbage_collector import paused_while_starting

    with paused_while_starting():
        from chalice_mcp import mcp_blueprint
        ...
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_while_starting() -> Iterator[None]:
    """Pause the collector for the block; then freeze what it built, and resume as it was, even if the block raised."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
