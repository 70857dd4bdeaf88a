"""Test helpers live in tests/support/: no test module imports from a conftest.py, which holds fixtures only."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_test_module_imports_from_a_conftest():
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 30
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.endswith("conftest"), f"{module.relative_to(TESTS)} imports {node.module}"
            elif isinstance(node, ast.Import):
                assert all(not alias.name.endswith("conftest") for alias in node.names), module
