"""Cold start by auth mode, from source: median time from a fresh `python -I` process's start to its first answer
(import `app`, answer one `initialize` proxy event through the Chalice handler), and the CPU it used, for the authless
app, the resource server (`MCP_AUTH=oauth` with an outside issuer) and the app as its own authorization server
(`MCP_OAUTH_UPSTREAM_ISSUER`). The first two are measured in this tree and, with `--before DIR`, in another checkout
of the project side by side: the authorization server's code is imported only where it is configured, so the other
modes should not pay for it. Nothing is fetched at import: the OAuth modes answer the token-less `initialize` 401.

Rounds alternate between all variants, so machine noise hits them alike. The time includes the interpreter's own
start-up (Lambda's does not), so compare ratios, not absolute numbers; bench/cold_start.py measures the package.

Run: .venv/bin/python bench/cold_start_by_auth.py [--runs N] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_gateway_events import INITIALIZE, LAMBDA_CONTEXT_SOURCE, proxy_event

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PUBLIC_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/api"
RESULT_MARKER = "COLD-START-RESULT "
CHILD = f"""
import json, sys, time
project, event_path = sys.argv[1:]
sys.path.insert(0, project)

{LAMBDA_CONTEXT_SOURCE}
with open(event_path) as event_file:
    event = json.load(event_file)
from app import app
reply = app(event, Context())
sys.__stdout__.write({RESULT_MARKER!r} + json.dumps({{"status": reply["statusCode"], "cpu_s": time.process_time()}}))
sys.__stdout__.write("\\n")
"""

RESOURCE_SERVER = {
    "MCP_AUTH": "oauth",
    "MCP_OAUTH_ISSUER": "https://issuer.example",
    "MCP_OAUTH_SCOPES": "fitness:calculate",
    "MCP_PUBLIC_URL": PUBLIC_URL,
    "MCP_SUBJECT_HASH_KEY": "bench-subject-hash-key-0123456789abcdef",
}


def own_authorization_server(store_path: Path) -> dict[str, str]:
    from chalice_mcp.auth.key_material import new_sealing_key, new_signing_key_pem

    return {
        **{name: value for name, value in RESOURCE_SERVER.items() if name != "MCP_OAUTH_ISSUER"},
        "MCP_OAUTH_UPSTREAM_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Bench",
        "MCP_OAUTH_UPSTREAM_CLIENT_ID": "bench-client",
        "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": "bench-secret",
        "MCP_OAUTH_SIGNING_KEY": new_signing_key_pem(),
        "MCP_OAUTH_SEALING_KEY": new_sealing_key(),
        "MCP_OAUTH_STORE_PATH": str(store_path),
    }


def sample(project: Path, settings: dict[str, str], event_path: Path) -> tuple[float, float, int]:
    """(wall seconds to the first answer, CPU seconds, status) of one fresh process."""
    environment = {"PATH": os.environ.get("PATH", ""), **settings}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-I", "-c", CHILD, str(project), str(event_path)],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"the child failed in {project}: {completed.stderr[-2000:]}")
    result = json.loads(lines[-1].removeprefix(RESULT_MARKER))
    return wall, float(result["cpu_s"]), int(result["status"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another checkout of the project, measured side by side")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        event_path = Path(scratch) / "initialize.json"
        event_path.write_text(json.dumps(proxy_event(INITIALIZE)))
        variants: dict[str, tuple[Path, dict[str, str]]] = {
            "authless": (PROJECT_ROOT, {}),
            "resource server": (PROJECT_ROOT, RESOURCE_SERVER),
            "own authorization server": (PROJECT_ROOT, own_authorization_server(Path(scratch) / "grants.sqlite3")),
        }
        if arguments.before is not None:
            variants["authless, before"] = (arguments.before.resolve(), {})
            variants["resource server, before"] = (arguments.before.resolve(), RESOURCE_SERVER)
        walls: dict[str, list[float]] = {name: [] for name in variants}
        cpus: dict[str, list[float]] = {name: [] for name in variants}
        statuses: dict[str, set[int]] = {name: set() for name in variants}
        for _ in range(arguments.runs):
            for name, (project, settings) in variants.items():
                wall, cpu, status = sample(project, settings, event_path)
                walls[name].append(wall)
                cpus[name].append(cpu)
                statuses[name].add(status)
    base = statistics.median(walls["authless"])
    print(f"cold start from source, {arguments.runs} alternating runs (median wall / CPU, ratio to authless):")
    for name in variants:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        answered = ",".join(str(status) for status in sorted(statuses[name]))
        print(f"  {name:26} {wall * 1000:7.1f} ms / {cpu * 1000:7.1f} ms CPU  {wall / base:5.2f}x  (HTTP {answered})")
    if arguments.before is not None:
        for mode in ("authless", "resource server"):
            ratio = statistics.median(walls[mode]) / statistics.median(walls[f"{mode}, before"])
            print(f"  {mode}: this tree / before = {ratio:.2f}")


if __name__ == "__main__":
    main()
