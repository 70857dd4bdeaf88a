"""A real `chalice local --no-autoreload` process on a free port, and the Node tools `make test` installs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import stop_process_group

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    project_dir: Path, log_path: Path, environment: dict[str, str] | None = None, port: int | None = None
) -> RunningServer:
    """Start `chalice local` for `project_dir` (on `port`, else a free one) and wait (bounded) until `GET /` answers."""
    port = port or free_port()
    chalice = Path(sys.executable).with_name("chalice")
    env = {**os.environ, **(environment or {})}
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [
            str(chalice),
            "--project-dir",
            str(project_dir),
            "local",
            "--no-autoreload",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    server = RunningServer(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chalice local exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.base_url + "/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"chalice local did not answer within {STARTUP_TIMEOUT_SECONDS} s:\n{server.log()}")


def stop(server: RunningServer) -> None:
    """Stop the server by its PID (its whole process group), waiting a bounded time."""
    stop_process_group(server.process)


@pytest.fixture(scope="session")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_chalice_local(PROJECT_ROOT, tmp_path_factory.mktemp("chalice") / "chalice-local.log")
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """The `.tools/node_modules/.bin` folder `make test` fills; the tests fail loudly if it is missing."""
    tools_dir = Path(os.environ.get("MCP_TOOLS_DIR", PROJECT_ROOT / ".tools"))
    bin_dir = tools_dir / "node_modules" / ".bin"
    if not (bin_dir / "inspector").exists() or shutil.which("node") is None:
        pytest.fail(f"Node tools missing in {bin_dir}: run `make test`, which installs them")
    return bin_dir
