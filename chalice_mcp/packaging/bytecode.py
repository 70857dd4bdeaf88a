"""`unchecked-hash` bytecode in the Lambda zip that `chalice package` wrote, so a cold start imports `.pyc` instead
of compiling every module.

Chalice's zip holds sources only, and Lambda's `/var/task` is read-only: without bytecode in the zip, every cold start
compiles every module again. Timestamp-based `.pyc` would not help either, because Chalice restamps every file to
1980-01-01 and the stored source mtime would never match. `unchecked-hash` `.pyc` (PEP 552) are used without looking
at the source at all, so they survive any restamping; the zip is built once and never edited in place, so they
cannot go stale.

A `.pyc` is only read by the Python minor version that wrote it (`__pycache__/NAME.cpython-312.pyc`): the bytecode is
written only by the same Python as the function's runtime. Chalice's own zip is kept beside the new one as
`deployment-chalice.zip`.
"""

from __future__ import annotations

import compileall
import json
import py_compile
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

CHALICE_ZIP = "deployment-chalice.zip"
LAMBDA_ZIP = "deployment.zip"
TEMPLATE = "sam.json"

# Where Lambda unpacks the function's code: the path tracebacks from the bytecode name.
LAMBDA_TASK_ROOT = "/var/task"

# Chalice's own timestamp for every entry, kept for the added files so that the zip's content alone decides its hash.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


class BytecodeError(RuntimeError):
    """The package cannot be given bytecode as asked; the message says why."""


def function_runtime(template_path: Path) -> str:
    """The one `Runtime` of the Lambda functions in Chalice's SAM template, e.g. `python3.12`."""
    template = json.loads(template_path.read_text())
    runtimes = {
        resource["Properties"]["Runtime"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    if len(runtimes) != 1:
        raise BytecodeError(f"expected one function runtime in {template_path}, found {sorted(runtimes)}")
    return str(runtimes.pop())


def check_runtime_matches_this_python(runtime: str) -> None:
    this_python = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != this_python:
        raise BytecodeError(
            f"the function runs on {runtime} but this is {this_python}: its bytecode would be ignored. "
            f"Run this with the Python that ran `chalice package`."
        )


def compile_tree(root: Path) -> None:
    """Write `unchecked-hash` bytecode next to every source under `root`, named as `/var/task` paths."""
    compiled = compileall.compile_dir(
        root,
        quiet=1,
        ddir=LAMBDA_TASK_ROOT,
        workers=0,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    if not compiled:
        raise BytecodeError("some modules in the package do not compile (see above): they could not be imported")


def rebuild_zip_with_bytecode(source_zip: Path, target_zip: Path) -> int:
    """Copy `source_zip` to `target_zip` with bytecode for each of its modules added; return how many were added."""
    with tempfile.TemporaryDirectory(prefix="lambda-package-") as scratch:
        root = Path(scratch)
        with zipfile.ZipFile(source_zip) as original:
            original.extractall(root)
            compile_tree(root)
            bytecode_files = sorted(root.rglob("*.pyc"))
            with zipfile.ZipFile(target_zip, "w", compression=zipfile.ZIP_DEFLATED) as rebuilt:
                for entry in original.infolist():
                    rebuilt.writestr(entry, original.read(entry))
                for path in bytecode_files:
                    entry = zipfile.ZipInfo(str(PurePosixPath(*path.relative_to(root).parts)), ZIP_TIMESTAMP)
                    entry.external_attr = 0o644 << 16
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    rebuilt.writestr(entry, path.read_bytes())
    return len(bytecode_files)


def has_bytecode(zip_path: Path) -> bool:
    with zipfile.ZipFile(zip_path) as archive:
        return any(name.endswith(".pyc") for name in archive.namelist())


def add_bytecode(package_dir: Path) -> int:
    """Give `package_dir/deployment.zip` bytecode for the function's runtime; return how many `.pyc` it gained."""
    check_runtime_matches_this_python(function_runtime(package_dir / TEMPLATE))
    chalice_zip = package_dir / CHALICE_ZIP
    lambda_zip = package_dir / LAMBDA_ZIP
    # Chalice's zip is the input: a zip without bytecode is fresh from `chalice package`; one with bytecode was made
    # by an earlier run, whose input was kept.
    if not has_bytecode(lambda_zip):
        shutil.move(lambda_zip, chalice_zip)
    return rebuild_zip_with_bytecode(chalice_zip, lambda_zip)
