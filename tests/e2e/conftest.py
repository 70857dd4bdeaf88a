"""Fixtures for the end-to-end tests: a real `chalice local` process, and the Node tools `make test` installs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.chalice_local import PROJECT_ROOT, RunningServer, start_chalice_local, stop


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
