"""The zip `make package` writes is the whole function: a fresh Python of the runtime's version, with nothing but the
unpacked zip and the standard library on its path, imports `app` and answers API Gateway proxy events — and does
so from the zip's `unchecked-hash` bytecode, not by compiling the sources."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from bench.api_gateway_events import proxy_event
from chalicelib.fitness import estimate_vo2_max_cooper
from tests.support.jsonrpc import encode, handshake_headers, initialize_body, request_body
from tests.support.lambda_package import PROJECT_ROOT, BuiltPackage

pytestmark = pytest.mark.e2e

COOPER = "estimate-vo2-max-cooper"
COOPER_ARGUMENTS = {"distance_m": 2700, "age": 25, "sex": "male"}
ANSWER_TIMEOUT_SECONDS = 120
RESULT_MARKER = "LAMBDA-RESULT "

# Runs in the isolated interpreter: Lambda's own loop, in short — import the handler, call it with each event.
ISOLATED_HANDLER_RUN = f"""
import json, sys
package_dir, events_path = sys.argv[1:]
sys.path.insert(0, package_dir)

class Context:
    function_name = "fitness-mcp-dev"
    memory_limit_in_mb = 1769
    aws_request_id = "offline-test"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fitness-mcp-dev"
    def get_remaining_time_in_millis(self):
        return 30000

from app import app
with open(events_path) as events_file:
    replies = [app(event, Context()) for event in json.load(events_file)]
loaded_from = sorted({{getattr(module, "__file__", None) or "" for module in list(sys.modules.values())}} - {{""}})
sys.__stdout__.write({RESULT_MARKER!r} + json.dumps({{"replies": replies, "sys_path": sys.path,
    "stdlib": sys.base_prefix, "loaded_from": loaded_from}}) + "\\n")
"""


def run_isolated(python: str, package_dir: Path, events: list[dict[str, Any]], environment: dict[str, str]) -> dict:
    """`python -I -S -B`: no user site, no site-packages, no environment PYTHON* variables, no bytecode written; with
    the variable Lambda sets in every function's environment, so the settings see what they see on Lambda."""
    environment = {"AWS_LAMBDA_FUNCTION_NAME": "fitness-mcp-test-api_handler", **environment}
    events_path = package_dir.parent / f"{package_dir.name}-events.json"
    events_path.write_text(json.dumps(events))
    completed = subprocess.run(
        [python, "-I", "-S", "-B", "-c", ISOLATED_HANDLER_RUN, str(package_dir), str(events_path)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=ANSWER_TIMEOUT_SECONDS,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-5000:]
    results = [line for line in completed.stdout.splitlines() if line.startswith(RESULT_MARKER)]
    assert len(results) == 1, completed.stdout[-5000:]
    return json.loads(results[0].removeprefix(RESULT_MARKER))


def mcp_events() -> list[dict[str, Any]]:
    return [
        proxy_event(initialize_body()),
        proxy_event(request_body("tools/list"), handshake_headers()),
        proxy_event(request_body("tools/call", {"name": COOPER, "arguments": COOPER_ARGUMENTS}), handshake_headers()),
    ]


@pytest.fixture(scope="module")
def unpacked(dev_package: BuiltPackage, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dev_package.unpack(tmp_path_factory.mktemp("lambda") / "task")


@pytest.fixture(scope="module")
def isolated_run(runtime_python: str, unpacked: Path, dev_package: BuiltPackage) -> dict:
    return run_isolated(runtime_python, unpacked, mcp_events(), dev_package.environment)


def test_a_fresh_isolated_python_answers_initialize_tools_list_and_tools_call(isolated_run, http):
    initialize, tools_list, tools_call = isolated_run["replies"]
    for reply in (initialize, tools_list, tools_call):
        assert reply["statusCode"] == 200, reply

    assert json.loads(initialize["body"])["result"]["serverInfo"]["name"] == "fitness-calculators"

    packaged_tools = [tool["name"] for tool in json.loads(tools_list["body"])["result"]["tools"]]
    in_process = http.post("/mcp", headers=handshake_headers(), body=encode(request_body("tools/list")))
    assert packaged_tools == [tool["name"] for tool in json.loads(in_process.body)["result"]["tools"]]
    assert COOPER in packaged_tools

    result = json.loads(tools_call["body"])["result"]
    assert result["isError"] is False
    assert result["structuredContent"] == estimate_vo2_max_cooper(**COOPER_ARGUMENTS).model_dump(mode="json")


def test_the_package_imports_nothing_but_itself_and_the_standard_library(isolated_run, unpacked):
    package_dir, stdlib = str(unpacked), isolated_run["stdlib"]
    assert isolated_run["sys_path"][0] == package_dir
    assert not [entry for entry in isolated_run["sys_path"] if "site-packages" in entry]
    outside = [path for path in isolated_run["loaded_from"] if not path.startswith((package_dir, stdlib))]
    assert outside == []
    assert any(path.startswith(f"{package_dir}/mcp/") for path in isolated_run["loaded_from"])


def test_every_module_in_the_zip_has_unchecked_hash_bytecode_for_the_runtime(dev_package, runtime_python):
    magic_number = subprocess.run(
        [runtime_python, "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    cache_tag = "cpython-" + dev_package.runtime.removeprefix("python").replace(".", "")
    with zipfile.ZipFile(dev_package.lambda_zip) as archive:
        names = set(archive.namelist())
        sources = [PurePosixPath(name) for name in names if name.endswith(".py")]
        assert len(sources) > 100
        for source in sources:
            bytecode = str(source.parent / "__pycache__" / f"{source.stem}.{cache_tag}.pyc")
            assert bytecode in names, source
            header = archive.read(bytecode)[:8]
            assert header[:4].hex() == magic_number, bytecode
            # PEP 552 flags: bit 0 = hash-based, bit 1 = check the source. Unchecked hash-based is exactly 0b01.
            assert int.from_bytes(header[4:8], "little") == 0b01, bytecode


def test_the_optimised_zip_holds_chalices_files_unchanged_plus_bytecode_only(dev_package):
    with zipfile.ZipFile(dev_package.chalice_zip) as chalice_zip, zipfile.ZipFile(dev_package.lambda_zip) as ours:
        chalice_entries = {entry.filename: entry.CRC for entry in chalice_zip.infolist()}
        our_entries = {entry.filename: entry.CRC for entry in ours.infolist()}
    assert {name: our_entries.get(name) for name in chalice_entries} == chalice_entries
    added = set(our_entries) - set(chalice_entries)
    assert added
    assert all("/__pycache__/" in f"/{name}" and name.endswith(".pyc") for name in added)


def test_the_packaged_app_runs_from_bytecode_alone(runtime_python, unpacked, dev_package, tmp_path):
    """With every source replaced by code that fails, the app still answers: nothing was compiled from source."""
    bytecode_only = tmp_path / "task"
    shutil.copytree(unpacked, bytecode_only)
    replaced = 0
    for source in bytecode_only.rglob("*.py"):
        source.write_text('raise ImportError("compiled from source instead of the packaged bytecode")\n')
        replaced += 1
    assert replaced > 100
    run = run_isolated(runtime_python, bytecode_only, mcp_events()[:1], dev_package.environment)
    assert run["replies"][0]["statusCode"] == 200


def test_the_snapstart_package_command_refuses_a_python_other_than_the_runtime_and_changes_nothing(
    dev_package, tmp_path
):
    """Bytecode is read only by the Python minor version that wrote it; the wrong one would ship dead weight."""
    shutil.copy(dev_package.chalice_zip, tmp_path / "deployment.zip")
    template = json.loads((dev_package.directory / "sam.json").read_text())
    template["Resources"]["APIHandler"]["Properties"]["Runtime"] = "python3.13"
    (tmp_path / "sam.json").write_text(json.dumps(template))
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    result = subprocess.run(
        [sys.executable, "-m", "chalice_mcp.snapstart_package", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert "python3.13" in result.stderr
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before
