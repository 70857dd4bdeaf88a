"""Stopping the server processes the tests start (each in its own session, so its children go with it)."""

from __future__ import annotations

import os
import signal
import subprocess

STOP_TIMEOUT_SECONDS = 10


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process's whole group, then SIGKILL if it has not ended within a bounded wait."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
