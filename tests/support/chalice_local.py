"""A real `chalice local --no-autoreload` process on a free port, as the end-to-end tests run it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import answers, free_port, start_logged_process, stop_process_group, wait_until_ready

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 60.0


@dataclass
class RunningServer:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_chalice_local(
    project_dir: Path,
    log_path: Path,
    environment: dict[str, str] | None = None,
    port: int | None = None,
    stage: str | None = None,
) -> RunningServer:
    """Start `chalice local` for `project_dir` (on `port`, else a free one; with the `stage` of its config, else
    dev) and wait (bounded) until `GET /` answers."""
    port = port or free_port()
    chalice = Path(sys.executable).with_name("chalice")
    command = [
        str(chalice),
        "--project-dir",
        str(project_dir),
        "local",
        "--no-autoreload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *(["--stage", stage] if stage else []),
    ]
    process = start_logged_process(command, log_path, {**os.environ, **(environment or {})})
    server = RunningServer(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    wait_until_ready(
        process,
        lambda: answers(server.base_url + "/"),
        what="chalice local",
        log_path=log_path,
        timeout_seconds=STARTUP_TIMEOUT_SECONDS,
    )
    return server


def stop(server: RunningServer) -> None:
    """Stop the server by its PID (its whole process group), waiting a bounded time."""
    stop_process_group(server.process)
