"""The server processes the tests start: each in its own session (so its children go with it), its output in a log
file, polled until ready within a bound, and stopped by its process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

STOP_TIMEOUT_SECONDS = 10
POLL_INTERVAL_SECONDS = 0.2

T = TypeVar("T")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_logged_process(
    command: Sequence[str], log_path: Path, environment: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start `command` in a session of its own, stdout and stderr into `log_path`."""
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            list(command),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=dict(environment) if environment is not None else None,
            start_new_session=True,
        )


def wait_until_ready(
    process: subprocess.Popen[bytes],
    ready: Callable[[], T | None],
    *,
    what: str,
    log_path: Path,
    timeout_seconds: float,
) -> T:
    """Poll `ready` until it returns a value, and return that value. If the process exits first, or the time runs
    out, the process is stopped and RuntimeError raised with its log."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        found = ready()
        if found is not None:
            return found
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
        time.sleep(POLL_INTERVAL_SECONDS)
    stop_process_group(process)
    raise RuntimeError(f"{what} was not ready within {timeout_seconds} s:\n{log_path.read_text(errors='replace')}")


def answers(url: str) -> bool | None:
    """True when `url` answers with a 2xx status, None while it does not (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return True if 200 <= response.status < 300 else None
    except OSError:
        return None


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's whole group, then SIGKILL if it has not ended within a bounded wait."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
