"""Bytes of the tool catalogue as `tools/list` sends it, and of the part a model reads, now and at another revision.

A model's context gets each tool's name, title, description and input schema, in every conversation that has the
server connected; the rest of `tools/list` (output schemas, annotations, icons) is for the client. Both are
measured on the reply the bridge gives a 2025-11-25 `tools/list`, as UTF-8 bytes of compact JSON. The other
revision (by default the catalogue before its schemas were trimmed) is taken from git into a temporary directory
and measured by this same script there, side by side.
Run: .venv/bin/python bench/catalogue_size.py [revision]
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The last commit whose tool schemas were pydantic's defaults.
BEFORE_REVISION = "81fa3a9"
MODEL_VISIBLE_FIELDS = ("name", "title", "description", "inputSchema")


def compact_bytes(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def measure(project_root: Path) -> dict[str, int]:
    """Sizes of the `tools/list` reply of the project at `project_root`, built as the app builds it."""
    sys.path.insert(0, str(project_root))
    from chalicelib.bridge import HttpRequest
    from chalicelib.service import build_service
    from chalicelib.settings import Settings

    # The request log and metrics lines go nowhere: stdout carries the result.
    service = build_service(Settings(auth_mode="none"), log_stream=io.StringIO(), metrics_stream=io.StringIO())
    headers = {
        "content-type": "application/json",
        "accept": "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
    }
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    reply = service.bridge.handle(HttpRequest("POST", "/mcp", headers, body))
    tools = json.loads(reply.body)["result"]["tools"]
    model_visible = [{field: tool[field] for field in MODEL_VISIBLE_FIELDS if field in tool} for tool in tools]
    return {
        "tools": len(tools),
        "model_visible_bytes": compact_bytes(model_visible),
        "tools_list_bytes": compact_bytes(json.loads(reply.body)),
    }


def measure_revision(revision: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as directory:
        archive = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "archive", revision, "app.py", "chalicelib"],
            capture_output=True,
            check=True,
        ).stdout
        archive_path = Path(directory) / "tree.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tree:
            tree.extractall(directory, filter="data")
        measured = subprocess.run(
            [sys.executable, __file__, "--measure", directory],
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, int] = json.loads(measured.stdout.splitlines()[-1])
    return result


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(Path(sys.argv[2]))))
        return
    revision = sys.argv[1] if len(sys.argv) > 1 else BEFORE_REVISION
    before = measure_revision(revision)
    after = measure(PROJECT_ROOT)
    print(f"{'':28}{revision:>12}{'this tree':>12}{'ratio':>8}")
    for key, label in (("model_visible_bytes", "model-visible (bytes)"), ("tools_list_bytes", "tools/list (bytes)")):
        print(f"{label:28}{before[key]:>12,}{after[key]:>12,}{after[key] / before[key]:>8.2f}")
    print(f"{'tools':28}{before['tools']:>12}{after['tools']:>12}")


if __name__ == "__main__":
    main()
