"""The example app's Lambda package, built as its user builds it (`make example-package`: the chalice_mcp wheel named
by the app's requirements.txt, `chalice package`, then the wheel's `python -m chalice_mcp.snapstart_package`): its
template has SnapStart on the app's function with every route through the alias, and its zip the bytecode; a fresh
interpreter of the runtime's version, with nothing but the unpacked zip and the standard library on its path,
answers `initialize` and calls the app's own tools at the prefixed endpoint from that bytecode alone — and imports
chalice_mcp from the zip, where the wheel put it."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bench.api_gateway_events import proxy_event
from tests.deploy.test_lambda_package_offline import run_isolated
from tests.deploy.test_lambda_template import cfn_lint
from tests.support.jsonrpc import handshake_headers, initialize_body, request_body
from tests.support.lambda_package import (
    PACKAGE_REQUEST_STATE_KEYS,
    PROJECT_ROOT,
    BuiltPackage,
    run_make,
    sam_transform,
)

pytestmark = pytest.mark.e2e

ENDPOINT = "/tools/mcp"


def deployed_environment(package: BuiltPackage) -> dict[str, str]:
    """The function's environment as its user deploys it: with the request-state keys the guide says every deployed
    stage needs (the bookshop's config, an example, holds no secret)."""
    return {**package.environment, "MCP_REQUEST_STATE_KEYS": PACKAGE_REQUEST_STATE_KEYS}


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
    return {
        "unpacked": unpacked,
        **run_isolated(example_runtime_python, unpacked, events, deployed_environment(example_package)),
    }


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


def test_the_example_function_has_snapstart_and_every_route_invokes_its_alias(example_package):
    resources = example_package.template["Resources"]
    functions = [name for name, resource in resources.items() if resource["Type"] == "AWS::Serverless::Function"]
    assert functions == ["APIHandler"]
    assert example_package.function["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert example_package.function["AutoPublishAlias"] == "live"
    paths = resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    uris = [operation["x-amazon-apigateway-integration"]["uri"] for ops in paths.values() for operation in ops.values()]
    assert f"{ENDPOINT}" in paths and len(uris) > 5
    assert all(uri["Fn::Sub"][1] == {"AliasArn": {"Ref": "APIHandler.Alias"}} for uri in uris)
    assert resources["APIHandlerInvokePermission"]["Properties"]["FunctionName"] == {"Ref": "APIHandler.Alias"}
    url = example_package.template["Outputs"]["MCPEndpointURL"]["Value"]["Fn::Sub"]
    assert url.endswith(f"/api{ENDPOINT}")


def test_the_example_template_passes_cfn_lint_before_and_after_the_sam_transform(example_package, tmp_path):
    transformed = tmp_path / "example-transformed.json"
    transformed.write_text(json.dumps(sam_transform(example_package.template)))
    result = cfn_lint(example_package.directory / "sam.json", transformed)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_zip_holds_unchecked_hash_bytecode_for_its_own_code_and_the_wheels(example_package):
    with zipfile.ZipFile(example_package.lambda_zip) as archive:
        names = archive.namelist()
        app_bytecode = [name for name in names if name.startswith("chalicelib/__pycache__/") and name.endswith(".pyc")]
        assert app_bytecode
        header = archive.read(app_bytecode[0])[:16]
    assert any(name.startswith("chalice_mcp/__pycache__/") and name.endswith(".pyc") for name in names)
    # PEP 552: flags 0b01 is a hash-based .pyc whose source is never checked.
    assert int.from_bytes(header[4:8], "little") == 0b01


def test_the_packaged_example_runs_from_bytecode_alone(example_package, example_runtime_python, isolated_run, tmp_path):
    """With every source replaced by code that fails, the app still answers: nothing was compiled from source."""
    bytecode_only = tmp_path / "task"
    shutil.copytree(isolated_run["unpacked"], bytecode_only)
    replaced = 0
    for source in bytecode_only.rglob("*.py"):
        source.write_text('raise ImportError("compiled from source instead of the packaged bytecode")\n')
        replaced += 1
    assert replaced > 100
    events = [proxy_event(initialize_body(), path=ENDPOINT)]
    run = run_isolated(example_runtime_python, bytecode_only, events, deployed_environment(example_package))
    assert run["replies"][0]["statusCode"] == 200
