"""Fixtures for the deployment tests: `make package` once per stage and session, into a temporary directory; each
stage's template after the SAM transform; and the runtime's Python."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.support.lambda_package import PROJECT_ROOT, BuiltPackage, build_package, filled_in_project, sam_transform


@pytest.fixture(scope="session")
def dev_package(tmp_path_factory: pytest.TempPathFactory) -> BuiltPackage:
    return build_package("dev", tmp_path_factory.mktemp("package") / "dev")


@pytest.fixture(scope="session")
def prod_package(tmp_path_factory: pytest.TempPathFactory) -> BuiltPackage:
    project = filled_in_project(tmp_path_factory.mktemp("prod-project"))
    return build_package("prod", tmp_path_factory.mktemp("package") / "prod", project)


@pytest.fixture(scope="session")
def metered_package(tmp_path_factory: pytest.TempPathFactory) -> BuiltPackage:
    return build_package("metered", tmp_path_factory.mktemp("package") / "metered")


@pytest.fixture(scope="session")
def all_packages(
    dev_package: BuiltPackage, prod_package: BuiltPackage, metered_package: BuiltPackage
) -> dict[str, BuiltPackage]:
    return {package.stage: package for package in (dev_package, prod_package, metered_package)}


@pytest.fixture(scope="session")
def transformed(all_packages: dict[str, BuiltPackage]) -> dict[str, dict[str, Any]]:
    """Each stage's template after the SAM transform, by stage name."""
    return {stage: sam_transform(package.template) for stage, package in all_packages.items()}


@pytest.fixture(scope="session")
def runtime_python(dev_package: BuiltPackage) -> str:
    """The interpreter of the function's runtime (python3.12 for `python3.12`), found as `make package` finds it."""
    version = dev_package.runtime.removeprefix("python")
    found = subprocess.run(
        ["bash", str(PROJECT_ROOT / "deploy" / "find-python.sh"), version], capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stderr
    return found.stdout.strip()
