"""The command that turns any app's `chalice package` output into a SnapStart package with bytecode:

    python -m chalice_mcp.snapstart_package PACKAGE_DIR

PACKAGE_DIR holds `sam.json` and `deployment.zip`, as `chalice package PACKAGE_DIR` writes them. `sam.json` is
rewritten in place with SnapStart on every function it finds and every route through the published alias
(`chalice_mcp.packaging.snapstart_template`); `deployment.zip` gets `unchecked-hash` bytecode for the function's
runtime (`chalice_mcp.packaging.bytecode`), which is why this must run under the Python that ran `chalice package`
(python3.12 or later). Running it again on its own output changes nothing. Priming is the app's part: the endpoint
answers one request of each kind before the snapshot when the Blueprint is built with `prime=True`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chalice_mcp.packaging.bytecode import TEMPLATE, BytecodeError, add_bytecode, check_runtime_matches_this_python
from chalice_mcp.packaging.snapstart_template import SnapStartTemplateError, with_snapstart


def snapstart_package(package_dir: Path) -> tuple[list[str], int]:
    """SnapStart and bytecode for the package in `package_dir`; the functions given SnapStart, and how many `.pyc`
    the zip gained. Nothing is written unless both can be done."""
    template_path = package_dir / TEMPLATE
    if not template_path.is_file():
        raise SnapStartTemplateError(f"no {TEMPLATE} in {package_dir}: give the directory `chalice package` wrote")
    template = json.loads(template_path.read_text())
    rewritten = with_snapstart(template)
    functions = [
        name for name, resource in rewritten["Resources"].items() if "SnapStart" in resource.get("Properties", {})
    ]
    check_runtime_matches_this_python(rewritten["Resources"][functions[0]]["Properties"]["Runtime"])
    added = add_bytecode(package_dir)
    template_path.write_text(json.dumps(rewritten, indent=2) + "\n")
    return functions, added


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chalice_mcp.snapstart_package",
        description="SnapStart in the SAM template and bytecode in the zip of `chalice package` output.",
    )
    parser.add_argument(
        "package_dir", type=Path, help="the directory `chalice package` wrote (sam.json, deployment.zip)"
    )
    options = parser.parse_args(arguments)
    try:
        functions, added = snapstart_package(options.package_dir)
    except (SnapStartTemplateError, BytecodeError) as error:
        print(f"snapstart_package: {error}", file=sys.stderr)
        return 1
    print(f"SnapStart on {', '.join(functions)} through alias(es); {added} unchecked-hash .pyc added to the zip.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
