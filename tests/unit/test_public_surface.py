"""What a user of the wheel imports: everything a page, a hook or a test needs, from `chalice_mcp` itself, typed
(PEP 561), with one version (the package's, which the wheel's metadata reads) and a changelog entry for it; the
wheel's README stands alone."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import chalice_mcp

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIRECTORY = Path(chalice_mcp.__file__).parent
# What a page (`page=`), a priming hook (`before_snapshot=`), a server's own errors and an app's tests reach for.
NEEDED = {
    "mcp_blueprint",
    "MCPBlueprint",
    "MCPEndpoint",
    "build_endpoint",
    "Settings",
    "SettingsError",
    "HttpReply",
    "HttpRequest",
    "Page",
    "LazyCatalogue",
    "ToolError",
    "install_answer_rules",
    "Authorizer",
    "AuthDecision",
    # What an Authorizer's AuthDecision lets a caller in with.
    "AccessToken",
    "prime_endpoint",
}


def test_everything_a_page_a_hook_or_a_test_needs_is_exported_from_the_package():
    assert set(chalice_mcp.__all__) >= NEEDED
    for name in chalice_mcp.__all__:
        assert getattr(chalice_mcp, name) is not None, name


def test_the_package_says_it_is_typed():
    assert (PACKAGE_DIRECTORY / "py.typed").is_file()


def test_the_version_has_one_source_and_a_changelog_entry():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project
    assert "version" in project["dynamic"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", chalice_mcp.__version__)
    changelog = (PROJECT_ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(chalice_mcp.__version__)}\b", changelog, re.MULTILINE)


def test_the_wheels_readme_links_to_nothing_it_does_not_hold():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    readme = (PROJECT_ROOT / project["readme"]).read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    assert "mcp_blueprint" in readme
    assert [target for target in targets if not target.startswith(("https://", "#"))] == []
