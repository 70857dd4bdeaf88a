"""Median time to build a key fetch's opener (`bounded_fetch.limited_opener`), with the process's shared TLS context
and with a TLS context built for it, as every fetch did before the context was shared.

Building a context loads the CA bundle; a container pays it on its first token-bearing request, inside that request's
deadline. Rounds alternate the two variants so machine noise hits both alike.
Run: .venv/bin/python bench/tls_context.py [rounds]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalice_mcp.auth import bounded_fetch


def opener_ms(fresh_context: bool) -> float:
    if fresh_context:
        bounded_fetch._tls_for.cache_clear()
    started = time.perf_counter()
    bounded_fetch.limited_opener(bounded_fetch.FetchTimeLimit(5.0))
    return (time.perf_counter() - started) * 1000


def main(rounds: int = 200) -> None:
    opener_ms(fresh_context=False)
    shared, fresh = [], []
    for _ in range(rounds):
        fresh.append(opener_ms(fresh_context=True))
        shared.append(opener_ms(fresh_context=False))
    fresh_ms, shared_ms = statistics.median(fresh), statistics.median(shared)
    print(f"opener with a TLS context of its own: median {fresh_ms:.3f} ms")
    print(f"opener with the shared TLS context:   median {shared_ms:.3f} ms")
    print(f"ratio (own / shared): {fresh_ms / shared_ms:.0f}x over {rounds} rounds")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:2]))
