"""The `chalice_mcp` package other apps install knows nothing of the fitness server: no module of it imports
`chalicelib` (a user's app has a `chalicelib` of its own), and the fitness app's `vendor/` holds a link to it, not a
copy."""

from __future__ import annotations

import ast
from pathlib import Path

import chalice_mcp

PACKAGE_DIRECTORY = Path(chalice_mcp.__file__).parent


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_no_module_of_the_endpoint_package_imports_the_fitness_server():
    sources = sorted(PACKAGE_DIRECTORY.rglob("*.py"))
    assert len(sources) > 15
    for source in sources:
        fitness_imports = {name for name in imported_modules(source) if name.split(".")[0] == "chalicelib"}
        assert fitness_imports == set(), f"{source.relative_to(PACKAGE_DIRECTORY)} imports {fitness_imports}"


def test_the_fitness_apps_vendor_folder_links_to_the_one_copy_of_the_package():
    link = PACKAGE_DIRECTORY.parent / "vendor" / "chalice_mcp"
    assert link.is_symlink()
    assert link.resolve() == PACKAGE_DIRECTORY.resolve()
