"""The project as it is, under another folder, with a `.chalice/config.json` of its own whose dev stage sets the
given environment: `chalice local` takes a stage's variables over the shell's, so a test that needs settings the
real stages do not have serves this copy."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.chalice_local import PROJECT_ROOT


def project_with_dev_environment(directory: Path, environment: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("app.py", "chalicelib", "vendor", "requirements.txt"):
        (directory / name).symlink_to(PROJECT_ROOT / name)
    (directory / ".chalice").mkdir()
    config = {
        "version": "2.0",
        "app_name": "fitness-mcp",
        "stages": {"dev": {"api_gateway_stage": "api", "environment_variables": environment}},
    }
    (directory / ".chalice" / "config.json").write_text(json.dumps(config))
    return directory
