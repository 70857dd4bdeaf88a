"""The example app as its user runs it: the chalice_mcp wheel built from this repository and installed on its own
(no source tree of this project on the path), the app's own `chalicelib` beside it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = PROJECT_ROOT / "examples" / "bookshop"
BUILD_TIMEOUT_SECONDS = 120


def build_wheel(target: Path) -> Path:
    """`make wheel`'s command: the wheel of the chalice_mcp package, built from this repository."""
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*command, str(PROJECT_ROOT), "-w", str(target)],
        check=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    (wheel,) = target.glob("chalice_mcp-*.whl")
    return wheel


def install_wheel(wheel: Path, target: Path) -> Path:
    """The wheel installed into a folder of its own; its dependencies are this environment's (mcp, pydantic...)."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    return target


def copy_example(target: Path, environment_variables: dict[str, str] | None = None) -> Path:
    """A copy of the example app; its dev stage gets `environment_variables` on top of its own."""
    shutil.copytree(EXAMPLE_DIR, target, ignore=shutil.ignore_patterns("__pycache__", "deployments", "wheels"))
    config_path = target / ".chalice" / "config.json"
    config = json.loads(config_path.read_text())
    config["stages"]["dev"].setdefault("environment_variables", {}).update(environment_variables or {})
    config_path.write_text(json.dumps(config, indent=2))
    return target
