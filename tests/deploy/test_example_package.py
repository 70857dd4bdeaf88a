"""The example app's Lambda package, built as its user builds it (`make example-package`: the chalice_mcp wheel named
by the app's requirements.txt, `chalice package`): a fresh interpreter of the runtime's version, with nothing but the
unpacked zip and the standard library on its path, answers `initialize` and calls the app's own tools at the
prefixed endpoint — and imports chalice_mcp from the zip, where the wheel put it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bench.api_gateway_events import proxy_event
from tests.deploy.test_lambda_package_offline import run_isolated
from tests.support.jsonrpc import handshake_headers, initialize_body, request_body
from tests.support.lambda_package import PROJECT_ROOT, BuiltPackage, run_make

pytestmark = pytest.mark.e2e

ENDPOINT = "/tools/mcp"


@pytest.fixture(scope="module")
def example_package(tmp_path_factory: pytest.TempPathFactory) -> BuiltPackage:
    directory = tmp_path_factory.mktemp("example") / "bookshop"
    result = run_make("example-package", f"EXAMPLE_PACKAGE_DIR={directory}")
    assert result.returncode == 0, f"make example-package failed:\n{result.stdout}\n{result.stderr}"
    return BuiltPackage(stage="dev", directory=directory)


@pytest.fixture(scope="module")
def example_runtime_python(example_package: BuiltPackage) -> str:
    version = example_package.runtime.removeprefix("python")
    found = subprocess.run(
        ["bash", str(PROJECT_ROOT / "deploy" / "find-python.sh"), version], capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()


@pytest.fixture(scope="module")
def isolated_run(
    example_package: BuiltPackage, example_runtime_python: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    unpacked = example_package.unpack(tmp_path_factory.mktemp("example-lambda") / "task")
    events = [
        proxy_event(initialize_body(), path=ENDPOINT),
        proxy_event(request_body("tools/list"), handshake_headers(), path=ENDPOINT),
        proxy_event(
            request_body("tools/call", {"name": "quote-order", "arguments": {"isbn": "9780131103627", "quantity": 2}}),
            handshake_headers(),
            path=ENDPOINT,
        ),
    ]
    return {"unpacked": unpacked, **run_isolated(example_runtime_python, unpacked, events, example_package.environment)}


def test_the_packaged_example_answers_initialize_and_its_own_tools_in_an_isolated_python(isolated_run):
    initialize, tools_list, tools_call = isolated_run["replies"]
    for reply in (initialize, tools_list, tools_call):
        assert reply["statusCode"] == 200, reply
    assert json.loads(initialize["body"])["result"]["serverInfo"]["name"] == "bookshop"
    listed = [tool["name"] for tool in json.loads(tools_list["body"])["result"]["tools"]]
    assert listed == ["find-books", "quote-order", "estimate-delivery"]
    assert json.loads(tools_call["body"])["result"]["structuredContent"]["total_eur"] == 85.0


def test_the_packaged_example_imports_chalice_mcp_from_the_zip(isolated_run):
    package_dir: Path = isolated_run["unpacked"]
    loaded = isolated_run["loaded_from"]
    assert any(path.startswith(f"{package_dir}/chalice_mcp/") for path in loaded)
    assert any(path.startswith(f"{package_dir}/chalicelib/tools.py") for path in loaded)
    assert (package_dir / "chalice_mcp-0.1.0.dist-info").is_dir()
