"""Cold start of the Lambda package: median time from process start to the first `initialize` answer, peak RSS, CPU.

Each sample is a fresh `python -I -S` process (the function's runtime version, no site-packages, only the unpacked
package on its path) that imports a handler and answers one API Gateway proxy event, as a new Lambda container does:
  (a) chalice package   the zip `chalice package` writes: sources only, so every module is compiled on import.
  (b) optimised         the zip `make package` ships: the same files plus `unchecked-hash` bytecode.
  (c) import mcp        the floor: only `import mcp` from the optimised package, no handler, no answer.
  (c') import mcp, collector paused
                        the same with the cyclic garbage collector paused, as (b) pauses it while it starts
                        (chalice_mcp/garbage_collector.py): not a target, it shows what (b) adds to the SDK's import.
  (d) SDK ASGI + Mangum the Lambda cookbooks' wiring: the same fitness server's `streamable_http_app` (stateless,
                        JSON) under Mangum, from the optimised package plus Mangum (with bytecode too).
  (e) awslabs handler   `awslabs-mcp-lambda-handler`, a hand-rolled JSON-RPC handler without the MCP SDK, serving
                        one fitness tool from the same domain code (with bytecode too).
Rounds alternate between the variants, so machine noise hits all of them alike. The time includes the interpreter's
own start-up and Lambda's does not include ours (its runtime client), so compare ratios, not absolute numbers.

Also printed: the packages' sizes, and a projection of the cold start at several memory sizes — Lambda gives a
function CPU in proportion to its memory, a full vCPU at 1,769 MB — from the CPU seconds each start used.

Run: make bench-cold-start   (builds the package and the peers first), or
     .venv/bin/python bench/cold_start.py --python PYTHON3.12 [--runs N] [--package-dir build/package]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from api_gateway_events import INITIALIZE, LAMBDA_CONTEXT_SOURCE, proxy_event

PROJECT_ROOT = Path(__file__).resolve().parents[1]
RESULT_MARKER = "COLD-START-RESULT "

# Lambda's documented CPU scaling: one full vCPU at 1,769 MB, proportionally less below it.
FULL_VCPU_MEMORY_MB = 1769
PROJECTED_MEMORY_SIZES_MB = (512, 1024, 1769)

# Runs in the measured process: stdlib only, as little as possible beyond the import and the one answer.
CHILD = f"""
import json, sys, time
mode, event_path, *paths = sys.argv[1:]
sys.path[:0] = paths

{LAMBDA_CONTEXT_SOURCE}
reply = None
if mode == "import-mcp":
    import mcp
elif mode == "import-mcp-collector-paused":
    import gc
    gc.disable()
    import mcp
else:
    with open(event_path) as event_file:
        event = json.load(event_file)
    if mode == "chalice":
        from app import app as handler
    elif mode == "mangum":
        from bench_mangum_handler import handler
    else:
        from bench_awslabs_handler import handler
    reply = handler(event, Context())
sys.__stdout__.write({RESULT_MARKER!r} + json.dumps({{"reply": reply, "cpu_s": time.process_time()}}) + "\\n")
sys.__stdout__.flush()
"""

MANGUM_HANDLER = '''
"""The cookbook wiring: the SDK's Starlette app, stateless with JSON answers, under Mangum."""
from mangum import Mangum
from mcp.server.transport_security import TransportSecuritySettings

from chalicelib.mcp_server import build_fitness_server
from chalicelib.mcp_server.catalogue import register_catalogue

server = build_fitness_server()
register_catalogue(server)
# API Gateway's Host is not localhost; the cookbooks bind 0.0.0.0, which leaves the check off, as here.
asgi_app = server.streamable_http_app(
    stateless_http=True,
    json_response=True,
    transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
)
handler = Mangum(asgi_app, lifespan="auto")
'''

AWSLABS_HANDLER = '''
"""awslabs-mcp-lambda-handler: JSON-RPC by hand, no MCP SDK; one fitness tool from the same domain code."""
from awslabs.mcp_lambda_handler import MCPLambdaHandler

from chalicelib.fitness import estimate_vo2_max_cooper as cooper

mcp = MCPLambdaHandler(name="fitness-calculators", version="0.1.0")


@mcp.tool()
def estimate_vo2_max_cooper(distance_m: float, age: float, sex: str) -> dict:
    """VO2max from the Cooper 12-minute run distance."""
    return cooper(distance_m=distance_m, age=age, sex=sex).model_dump(mode="json")


def handler(event, context):
    return mcp.handle_request(event, context)
'''


@dataclass
class Variant:
    key: str
    label: str
    mode: str
    paths: list[Path]
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def median_cpu_ms(self) -> float:
        return statistics.median(self.cpu_seconds) * 1000

    @property
    def max_rss_mb(self) -> float:
        return max(self.peak_rss_mb)


def unzipped_bytes(zip_path: Path) -> int:
    with zipfile.ZipFile(zip_path) as archive:
        return sum(entry.file_size for entry in archive.infolist())


def compile_unchecked(python: str, directory: Path) -> None:
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(directory)],
        check=True,
    )


def function_environment(template_path: Path) -> dict[str, str]:
    """The environment variables the template gives the function (the stage's, e.g. MCP_AUTH=none for dev)."""
    template = json.loads(template_path.read_text())
    handler = template["Resources"]["APIHandler"]["Properties"]
    return dict(handler.get("Environment", {}).get("Variables", {}))


def measure_once(python: str, variant: Variant, event_path: Path, environment: dict[str, str]) -> None:
    # -B: Lambda's /var/task is read-only, so a cold start can never leave bytecode behind for the next one.
    command = [python, "-B", "-I", "-S", "-c", CHILD, variant.mode, str(event_path), *map(str, variant.paths)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True)
    assert process.stdout is not None
    result = None
    for line in process.stdout:
        if line.startswith(RESULT_MARKER):
            elapsed = time.perf_counter() - started
            result = json.loads(line[len(RESULT_MARKER) :])
            break
    process.stdout.close()
    # wait4 gives this one child's own peak RSS (KiB on Linux), which Popen.wait does not.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read() if process.stderr else ""
    if result is None or process.returncode != 0:
        raise RuntimeError(f"{variant.label}: exit {process.returncode}, no answer:\n{stderr[-3000:]}")
    check_answer(variant, result["reply"])
    variant.seconds.append(elapsed)
    variant.cpu_seconds.append(result["cpu_s"])
    variant.peak_rss_mb.append(usage.ru_maxrss / 1024)


def check_answer(variant: Variant, reply: dict | None) -> None:
    if variant.mode.startswith("import-mcp"):
        return
    if reply is None or reply.get("statusCode") != 200:
        raise RuntimeError(f"{variant.label}: initialize was not answered with 200: {reply}")
    body = json.loads(reply["body"])
    if "serverInfo" not in body.get("result", {}):
        raise RuntimeError(f"{variant.label}: no initialize result: {body}")


def prepare_variants(work: Path, package_dir: Path, peers_dir: Path, python: str) -> list[Variant]:
    naive, optimised, handlers = work / "a-chalice-package", work / "b-optimised", work / "handlers"
    with zipfile.ZipFile(package_dir / "deployment-chalice.zip") as archive:
        archive.extractall(naive)
    with zipfile.ZipFile(package_dir / "deployment.zip") as archive:
        archive.extractall(optimised)
    handlers.mkdir()
    (handlers / "bench_mangum_handler.py").write_text(MANGUM_HANDLER)
    (handlers / "bench_awslabs_handler.py").write_text(AWSLABS_HANDLER)
    peers = work / "peers"
    shutil.copytree(peers_dir, peers)
    # The peers get bytecode exactly as the optimised package does, so (b), (d) and (e) differ only in their code.
    compile_unchecked(python, handlers)
    compile_unchecked(python, peers)
    return [
        Variant("a", "(a) chalice package", "chalice", [naive]),
        Variant("b", "(b) optimised (make package)", "chalice", [optimised]),
        Variant("c", "(c) import mcp (floor)", "import-mcp", [optimised]),
        Variant("c'", "(c') import mcp, collector paused", "import-mcp-collector-paused", [optimised]),
        Variant("d", "(d) SDK ASGI app + Mangum", "mangum", [handlers, optimised, peers]),
        Variant("e", "(e) awslabs-mcp-lambda-handler", "awslabs", [handlers, optimised, peers]),
    ]


def draw_chart(variants: list[Variant], png_path: Path, python_version: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7.5, 3.6), dpi=120)
    labels = [variant.label for variant in variants]
    medians = [variant.median_ms for variant in variants]
    colours = ["#b0b0b0", "#2b7bba", "#8fbbd9", "#c6dcec", "#e0a040", "#9c6ade"]
    bars = axes.barh(labels, medians, color=colours[: len(variants)])
    for bar, variant in zip(bars, variants, strict=True):
        axes.text(
            bar.get_width() + max(medians) * 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{variant.median_ms:.0f} ms · {variant.max_rss_mb:.0f} MB",
            va="center",
            fontsize=8,
        )
    axes.invert_yaxis()
    axes.set_xlim(0, max(medians) * 1.3)
    axes.set_xlabel("median time from process start to the first answer (ms)")
    axes.set_title(f"Cold start, fresh python{python_version} -I -S process each ({len(variants[0].seconds)} runs)")
    figure.tight_layout()
    figure.savefig(png_path)
    plt.close(figure)


def report(variants: list[Variant], package_dir: Path) -> None:
    by_key = {variant.key: variant for variant in variants}
    runs = len(variants[0].seconds)
    print(f"Cold start to the first initialize answer: {runs} fresh processes per variant, rounds alternating")
    print(f"  {'variant':<34} {'median':>9} {'min':>9} {'max':>9} {'CPU':>9} {'peak RSS':>9}")
    for variant in variants:
        print(
            f"  {variant.label:<34} {variant.median_ms:7.0f} ms {min(variant.seconds) * 1000:6.0f} ms "
            f"{max(variant.seconds) * 1000:6.0f} ms {variant.median_cpu_ms:6.0f} ms {variant.max_rss_mb:6.1f} MB"
        )
    optimised = by_key["b"].median_ms
    print("Ratios of medians (targets: b/a <= 0.50, b/c <= 1.05):")
    for key in ("a", "c", "c'", "d", "e"):
        print(f"  b/{key} = {optimised / by_key[key].median_ms:.2f}")
    print(f"Peak RSS of (b): {by_key['b'].max_rss_mb:.1f} MB (target <= 110 MB)")
    naive_zip, optimised_zip = package_dir / "deployment-chalice.zip", package_dir / "deployment.zip"
    print("Package sizes:")
    for name, path in (("chalice package", naive_zip), ("optimised", optimised_zip)):
        print(
            f"  {name:<16} zip {path.stat().st_size / 1e6:5.1f} MB   unzipped {unzipped_bytes(path) / 1e6:5.1f} MB"
            f"   (Lambda's limit: 250 MB unzipped)"
        )
    print(f"Projected cold start of (b) by memory size (CPU {by_key['b'].median_cpu_ms:.0f} ms at one full vCPU):")
    for memory_mb in PROJECTED_MEMORY_SIZES_MB:
        share = min(1.0, memory_mb / FULL_VCPU_MEMORY_MB)
        print(f"  {memory_mb:>5} MB  {share:4.2f} vCPU  ≈ {by_key['b'].median_cpu_ms / share:5.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", required=True, help="the interpreter of the function's runtime (python3.12)")
    parser.add_argument("--package-dir", type=Path, default=PROJECT_ROOT / "build" / "package")
    parser.add_argument("--peers-dir", type=Path, default=PROJECT_ROOT / "build" / "bench-peers")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--png", type=Path, default=PROJECT_ROOT / "bench" / "cold_start.png")
    arguments = parser.parse_args()

    python_version = subprocess.run(
        [arguments.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    environment = {"PATH": os.environ.get("PATH", ""), **function_environment(arguments.package_dir / "sam.json")}
    with tempfile.TemporaryDirectory(prefix="cold-start-") as scratch:
        work = Path(scratch)
        event_path = work / "initialize-event.json"
        event_path.write_text(json.dumps(proxy_event(INITIALIZE)))
        variants = prepare_variants(work, arguments.package_dir, arguments.peers_dir, arguments.python)
        # One unmeasured round: the first reads of the unpacked files come from disk, later ones from the page cache.
        for variant in variants:
            measure_once(arguments.python, variant, event_path, environment)
            variant.seconds.clear(), variant.cpu_seconds.clear(), variant.peak_rss_mb.clear()
        for _ in range(arguments.runs):
            for variant in variants:
                measure_once(arguments.python, variant, event_path, environment)
    report(variants, arguments.package_dir)
    draw_chart(variants, arguments.png, python_version)
    print(f"Chart: {arguments.png}")


if __name__ == "__main__":
    main()
