"""docs/own-tools.md runs as written: its Python blocks are the files of an app (each names its path on its first
line), written into a fresh project with the guide's `.chalice/config.json`, served by `chalice local` with the
chalice_mcp wheel installed on its own; the guide's client scripts then run against it (URL and ports aside) and
print what the guide says they print. Section 9 runs against a real token issuer process."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client

from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.example_app import build_wheel, install_wheel
from tests.support.processes import free_port
from tests.support.token_issuer import start_token_issuer

pytestmark = pytest.mark.e2e

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GUIDE = PROJECT_ROOT / "docs" / "own-tools.md"
GUIDE_ISSUER = "http://localhost:8080"
GUIDE_BASE_URL = "http://127.0.0.1:8000"
SCRIPT_TIMEOUT_SECONDS = 60
PACKAGE_TIMEOUT_SECONDS = 180


def fenced(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", GUIDE.read_text(), flags=re.DOTALL | re.MULTILINE)


SNIPPETS = "snippets/"


def python_blocks() -> dict[str, str]:
    """Each Python block of the guide, by the path its first line names."""
    files = {}
    for block in fenced("python"):
        first_line = block.splitlines()[0]
        assert re.fullmatch(r"# [\w/]+\.py", first_line), f"a Python block must name its file: {first_line!r}"
        path = first_line.removeprefix("# ")
        assert path not in files, path
        files[path] = block
    return files


def guide_files() -> dict[str, str]:
    """The files of the guide's app: every Python block but the stand-alone snippets of the later sections."""
    return {path: block for path, block in python_blocks().items() if not path.startswith(SNIPPETS)}


def guide_snippets() -> dict[str, str]:
    """The stand-alone examples (SnapStart priming, the registry entry): each runs on its own."""
    return {path: block for path, block in python_blocks().items() if path.startswith(SNIPPETS)}


def printed_by_client_script() -> str:
    """The output the guide shows for client.py: the text block that follows it."""
    text = GUIDE.read_text()
    after = text[text.index("# client.py\n") :]
    return re.search(r"It prints:\n\n```text\n(.*?)```", after, flags=re.DOTALL)[1]


def test_the_guide_names_a_file_for_every_python_block_and_has_one_config():
    files = guide_files()
    assert set(files) == {
        "chalicelib/shop.py",
        "chalicelib/server.py",
        "chalicelib/views.py",
        "chalicelib/page.py",
        "app.py",
        "client.py",
        "client_with_token.py",
    }
    assert set(guide_snippets()) == {
        "snippets/app_primed_from_examples.py",
        "snippets/app_primed_with_calls.py",
        "snippets/registry_entry.py",
    }
    [config] = fenced("json")
    assert json.loads(config)["app_name"] == "bookshop"
    assert any("touch chalicelib/__init__.py" in block for block in fenced("bash"))


@pytest.mark.parametrize("path", sorted(guide_snippets()))
def test_each_snippet_of_the_guide_runs_on_its_own_with_the_wheel(path, installed_wheel, tmp_path):
    script = tmp_path / Path(path).name
    script.write_text(guide_snippets()[path])
    completed = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        env={**os.environ, "PYTHONPATH": str(installed_wheel)},
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr


def write_project(target: Path, base_url: str, issuer: str = GUIDE_ISSUER) -> Path:
    """The guide's app, as its reader ends up with it; the addresses of this run in place of the guide's."""
    for path, source in guide_files().items():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        (target / path).write_text(source)
    (target / "chalicelib" / "__init__.py").touch()
    [config] = fenced("json")
    (target / ".chalice").mkdir()
    (target / ".chalice" / "config.json").write_text(
        config.replace(GUIDE_ISSUER, issuer).replace(GUIDE_BASE_URL, base_url)
    )
    return target


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wheel = build_wheel(tmp_path_factory.mktemp("dist"))
    return install_wheel(wheel, tmp_path_factory.mktemp("site"))


def serve(work_dir: Path, installed_wheel: Path, stage: str | None = None, issuer: str = GUIDE_ISSUER) -> RunningServer:
    port = free_port()
    project = write_project(work_dir / "bookshop", f"http://127.0.0.1:{port}", issuer)
    # The wheel, not this repository's source, is what the app imports chalice_mcp from.
    return start_chalice_local(
        project, work_dir / "chalice-local.log", {"PYTHONPATH": str(installed_wheel)}, port, stage
    )


@pytest.fixture(scope="module")
def guide_app(installed_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = serve(tmp_path_factory.mktemp("guide"), installed_wheel)
    try:
        yield server
    finally:
        stop(server)


def run_script(server: RunningServer, name: str, **environment: str) -> str:
    script = server.log_path.parent / "bookshop" / name
    completed = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        env={**os.environ, "MCP_URL": f"{server.base_url}/tools/mcp", **environment},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_the_client_script_prints_what_the_guide_says(guide_app):
    assert run_script(guide_app, "client.py") == printed_by_client_script()


def test_the_apps_own_route_the_card_and_the_page_answer(guide_app):
    with urllib.request.urlopen(guide_app.base_url + "/", timeout=10) as response:
        assert json.loads(response.read()) == {"books": ["Design Patterns", "The C Programming Language"]}
    with urllib.request.urlopen(guide_app.base_url + "/tools", timeout=10) as response:
        assert json.loads(response.read())["tools"] == ["quote-order", "count-titles"]
    page_request = urllib.request.Request(guide_app.base_url + "/tools", headers={"Accept": "text/html"})
    with urllib.request.urlopen(page_request, timeout=10) as response:
        page = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/html")
    assert "<li>quote-order</li>" in page


async def view_of_the_quote(url: str) -> tuple[str | None, str, str]:
    async with Client(url, mode="2026-07-28") as client:
        tools = await client.list_tools()
        [quote] = [tool for tool in tools.tools if tool.name == "quote-order"]
        view_uri = (quote.meta or {})["ui"]["resourceUri"]
        resources = await client.list_resources()
        [view] = [resource for resource in resources.resources if str(resource.uri) == view_uri]
        document = await client.read_resource(view_uri)
        return view.mime_type, view_uri, document.contents[0].text


def test_the_quote_tool_points_at_its_apps_view(guide_app):
    mime_type, view_uri, html = asyncio.run(view_of_the_quote(f"{guide_app.base_url}/tools/mcp"))
    assert view_uri.startswith("ui://")
    assert mime_type == "text/html;profile=mcp-app"
    assert "ui/notifications/tool-result" in html


def test_the_oauth_section_runs_against_a_real_issuer(installed_wheel, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("guide-oauth")
    issuer = start_token_issuer(work_dir)
    try:
        server = serve(work_dir, installed_wheel, stage="oauth-local", issuer=issuer.issuer)
        try:
            token = issuer.token(audience=f"{server.base_url}/tools/mcp")
            assert run_script(server, "client_with_token.py", MCP_TOKEN=token) == "['quote-order', 'count-titles']\n"
            other_audience = issuer.token(audience="https://someone-else.example/mcp")
            refused = subprocess.run(
                [sys.executable, str(server.log_path.parent / "bookshop" / "client_with_token.py")],
                capture_output=True,
                text=True,
                timeout=SCRIPT_TIMEOUT_SECONDS,
                env={**os.environ, "MCP_URL": f"{server.base_url}/tools/mcp", "MCP_TOKEN": other_audience},
                check=False,
            )
            assert refused.returncode != 0
            assert "Unauthorized: the access token is for another audience" in refused.stderr
        finally:
            stop(server)
    finally:
        issuer.stop()


def guide_command(program: str) -> list[str]:
    """The one command line of the guide's bash blocks that starts with `program`, split as a shell would."""
    lines = [line.strip() for block in fenced("bash") for line in block.splitlines()]
    [command] = [shlex.split(line) for line in lines if line.startswith(program)]
    return command


def test_the_metered_stage_packages_with_the_usage_plan_fragment(installed_wheel, tmp_path):
    project = write_project(tmp_path / "bookshop", GUIDE_BASE_URL)
    copy_command = guide_command("cp ../fitness-mcp/deploy/usage-plan.merge.json")
    assert copy_command[-1] == "."
    shutil.copy(PROJECT_ROOT / "deploy" / "usage-plan.merge.json", project)
    package_command = guide_command("AWS_DEFAULT_REGION=")
    region = package_command[0].split("=", 1)
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("chalice")), *package_command[2:]],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=PACKAGE_TIMEOUT_SECONDS,
        env={**os.environ, region[0]: region[1], "PYTHONPATH": str(installed_wheel)},
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    template = json.loads((project / "build" / "sam.json").read_text())
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert {"AWS::ApiGateway::UsagePlan", "AWS::ApiGateway::ApiKey", "AWS::ApiGateway::UsagePlanKey"} <= types
    paths = template["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]["paths"]
    assert paths["/tools/mcp"]["post"]["security"] == [{"api_key": []}]
    assert "security" not in paths["/tools/mcp"]["options"]
