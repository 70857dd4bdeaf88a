"""The project as it is (app, fitness server, vendored Blueprint), in a folder of its own whose
`.chalice/config.json` has one stage, `dev`, with the settings a test chooses: `chalice local` takes a stage's
variables over the shell's, so a test that needs its own settings needs its own stage."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.chalice_local import PROJECT_ROOT

PROJECT_PARTS = ("app.py", "chalicelib", "vendor", "requirements.txt")


def project_with_settings(directory: Path, settings: dict[str, str]) -> Path:
    """`directory` made a project whose dev stage sets exactly `settings` (environment variables)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        (directory / name).symlink_to(PROJECT_ROOT / name)
    (directory / ".chalice").mkdir()
    config = {
        "version": "2.0",
        "app_name": "fitness-mcp",
        "stages": {"dev": {"api_gateway_stage": "api", "environment_variables": settings}},
    }
    (directory / ".chalice" / "config.json").write_text(json.dumps(config))
    return directory
