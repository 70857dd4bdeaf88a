"""Merge several CloudFormation merge templates into the one file `chalice package --merge-template` accepts.

Chalice takes a single merge template, while a stage may need several (SnapStart for every stage, the usage plan for
API-key stages). The templates are merged the way Chalice merges its template with the given one (`TemplateDeepMerger`
in chalice/package.py): objects are merged key by key, recursively; any other value — a list, a string, a number —
of a later template replaces the earlier one whole.

Usage: python deploy/merge_templates.py OUTPUT TEMPLATE [TEMPLATE ...]
  Later TEMPLATEs win. OUTPUT's directory is created if missing. Standard library only: runs under any Python 3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

USAGE = "usage: python deploy/merge_templates.py OUTPUT TEMPLATE [TEMPLATE ...]"


def deep_merge(base: Any, overlay: Any) -> Any:
    """`overlay` over `base`: dicts merged key by key, anything else from `overlay`. Neither argument is changed."""
    if not (isinstance(base, dict) and isinstance(overlay, dict)):
        return overlay
    merged = dict(base)
    for key, value in overlay.items():
        merged[key] = deep_merge(base[key], value) if key in base else value
    return merged


def merge_files(paths: list[Path]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in paths:
        template = json.loads(path.read_text())
        if not isinstance(template, dict):
            raise ValueError(f"{path}: a merge template must be a JSON object")
        merged = deep_merge(merged, template)
    return merged


def main(arguments: list[str]) -> int:
    if len(arguments) < 2:
        print(USAGE, file=sys.stderr)
        return 2
    output, *templates = map(Path, arguments)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(merge_files(templates), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
