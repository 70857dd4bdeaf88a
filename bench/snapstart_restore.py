"""Simulated SnapStart restore: a restored container's first `tools/call`, from a primed snapshot or not, against
the warm median.

A snapshot and its restore are simulated by `fork`: a template process initialises the app as SnapStart does
(`AWS_LAMBDA_INITIALIZATION_TYPE=snap-start`, with a stand-in `snapshot_restore_py` that records the hooks the app
registers), then forks one child per round. The child runs the after-restore hook, times its first `tools/call`
through `app(event, context)` and then the same call `--warm` more times for the warm median. Three templates:
  unprimed   the before-snapshot hook is not run: SnapStart without priming.
  primed     the before-snapshot hook is run: what the app ships.
  warmed     the hook is run and then the template itself answers `--warm` calls before it forks: the floor of this
             simulation. A forked child shares its parent's memory copy-on-write, so its first call also pays for
             copying every page it writes (reference counts are writes); a restored SnapStart container likewise
             faults its pages in from the snapshot. No priming can go below this floor.
The templates run side by side, the rounds alternate between them and each round starts with the next one, so
machine noise hits all alike. Every call is the same API Gateway proxy event (estimate-vo2-max-cooper). Printed: the
medians, their ratios to the warm median and to the floor, and the page faults of each first call.

Run: .venv/bin/python bench/snapstart_restore.py [--rounds N] [--warm N]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import types
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
VARIANTS = ("unprimed", "primed", "warmed")
CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {"name": "estimate-vo2-max-cooper", "arguments": {"distance_m": 2700, "age": 25, "sex": "male"}},
}


def run_template(variant: str, warm_calls: int) -> None:
    """Initialise as SnapStart would, then fork a measured child for each line read from stdin."""
    results = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    # The app's request log and metrics go to stdout; here they would mix with the results.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    hooks: dict[str, object] = {}
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = lambda hook: hooks.__setitem__("before_snapshot", hook)
    runtime.register_after_restore = lambda hook: hooks.__setitem__("after_restore", hook)
    sys.modules["snapshot_restore_py"] = runtime
    os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
    # On Lambda the server starts only with shared request-state keys.
    os.environ.setdefault("MCP_REQUEST_STATE_KEYS", "a-request-state-key-of-this-bench-0123456789")
    sys.path[:0] = [str(PROJECT_ROOT), str(BENCH_DIR)]
    from api_gateway_events import LambdaContext, proxy_event

    import app

    assert set(hooks) == {"before_snapshot", "after_restore"}, f"the app registered {sorted(hooks)}"
    event = proxy_event(CALL, {"Mcp-Protocol-Version": "2025-11-25"})
    context = LambdaContext()
    if variant in ("primed", "warmed"):
        hooks["before_snapshot"]()
    if variant == "warmed":
        for _ in range(warm_calls):
            app.app(event, context)
        gc.collect()
        gc.freeze()
    for _ in sys.stdin:
        child = os.fork()
        if child == 0:
            hooks["after_restore"]()
            samples = []
            faults_before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            for call in range(1 + warm_calls):
                started = time.perf_counter()
                reply = app.app(event, context)
                samples.append(time.perf_counter() - started)
                if call == 0:
                    first_call_faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults_before
                assert reply["statusCode"] == 200 and '"isError":false' in reply["body"], reply
            sample = {"first": samples[0], "warm": statistics.median(samples[1:]), "faults": first_call_faults}
            results.write(json.dumps(sample) + "\n")
            results.flush()
            os._exit(0)
        os.waitpid(child, 0)


def start_template(variant: str, warm_calls: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--template", variant, "--warm", str(warm_calls)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        # Lambda's own environment, whatever the shell's.
        env={**os.environ, "MCP_LOG_LEVEL": "INFO", "PYTHONHASHSEED": "random"},
    )


def main(rounds: int, warm_calls: int) -> None:
    templates = {variant: start_template(variant, warm_calls) for variant in VARIANTS}
    firsts: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    warms: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    faults: dict[str, list[int]] = {variant: [] for variant in VARIANTS}
    try:
        for round_number in range(rounds):
            # Each round starts with the next variant: no variant always forks right after the same other one.
            order = VARIANTS[round_number % len(VARIANTS) :] + VARIANTS[: round_number % len(VARIANTS)]
            for variant in order:
                template = templates[variant]
                assert template.stdin is not None and template.stdout is not None
                template.stdin.write("fork\n")
                template.stdin.flush()
                line = template.stdout.readline()
                if not line:
                    raise RuntimeError(f"the {variant} template exited with {template.wait()}")
                sample = json.loads(line)
                firsts[variant].append(sample["first"])
                warms[variant].append(sample["warm"])
                faults[variant].append(sample["faults"])
    finally:
        for template in templates.values():
            assert template.stdin is not None
            template.stdin.close()
            template.wait(timeout=30)
    warm_ms = statistics.median([sample for variant in VARIANTS for sample in warms[variant]]) * 1000
    floor_ms = statistics.median(firsts["warmed"]) * 1000
    print(
        f"tools/call after a simulated SnapStart restore (fork after init): {rounds} restores per variant, "
        f"alternating; warm = median of {warm_calls} calls after the first, in the same child"
    )
    print(f"  {'warm median (all)':<28} {warm_ms:8.3f} ms")
    for variant in VARIANTS:
        first_ms = statistics.median(firsts[variant]) * 1000
        variant_warm_ms = statistics.median(warms[variant]) * 1000
        print(
            f"  {'first call, ' + variant:<28} {first_ms:8.3f} ms   ratio to warm {first_ms / warm_ms:6.2f}x"
            f"   to the floor (warmed) {first_ms / floor_ms:5.2f}x"
            f"   page faults {statistics.median(faults[variant]):6.0f}"
            f"   (warm median here {variant_warm_ms:.3f} ms)"
        )
    primed_ms, unprimed_ms = (statistics.median(firsts[v]) * 1000 for v in ("primed", "unprimed"))
    print(f"  primed first / unprimed first {primed_ms / unprimed_ms:6.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--warm", type=int, default=200)
    parser.add_argument("--template", choices=VARIANTS)
    arguments = parser.parse_args()
    if arguments.template:
        run_template(arguments.template, arguments.warm)
    else:
        main(arguments.rounds, arguments.warm)
