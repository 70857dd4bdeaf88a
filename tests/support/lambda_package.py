"""The Lambda package as a user builds it (`make package` for a stage, into a directory), and its SAM template as
CloudFormation deploys it, after the SAM transform."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from samtranslator.translator.transform import transform

from chalice_mcp.auth.key_material import new_sealing_key, new_signing_key_pem

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_TIMEOUT_SECONDS = 600


@dataclass
class BuiltPackage:
    stage: str
    directory: Path

    @cached_property
    def template(self) -> dict[str, Any]:
        return json.loads((self.directory / "sam.json").read_text())

    @property
    def function(self) -> dict[str, Any]:
        return self.template["Resources"]["APIHandler"]["Properties"]

    @property
    def runtime(self) -> str:
        return self.function["Runtime"]

    @property
    def environment(self) -> dict[str, str]:
        """The function's environment variables with a literal value (a `Ref` is resolved only by CloudFormation)."""
        variables = self.function.get("Environment", {}).get("Variables", {})
        return {name: value for name, value in variables.items() if isinstance(value, str)}

    @property
    def lambda_zip(self) -> Path:
        return self.directory / "deployment.zip"

    @property
    def chalice_zip(self) -> Path:
        return self.directory / "deployment-chalice.zip"

    def unpack(self, target: Path) -> Path:
        with zipfile.ZipFile(self.lambda_zip) as archive:
            archive.extractall(target)
        return target


def make_environment() -> dict[str, str]:
    """This process's environment without the outer `make test`'s flags, so the inner make runs on its own."""
    return {name: value for name, value in os.environ.items() if name not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}


def run_make(*arguments: str, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`make` in the project (a later `-C` in `arguments` names another directory)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT_ROOT), *arguments],
        capture_output=True,
        text=True,
        env=environment or make_environment(),
        timeout=PACKAGE_TIMEOUT_SECONDS,
        check=False,
    )


def build_package(stage: str, directory: Path, project_dir: Path = PROJECT_ROOT) -> BuiltPackage:
    result = run_make("-C", str(project_dir), "package", f"STAGE={stage}", f"PACKAGE_DIR={directory}")
    assert result.returncode == 0, f"make package STAGE={stage} failed:\n{result.stdout}\n{result.stderr}"
    return BuiltPackage(stage=stage, directory=directory)


# The prod stage as a user deploys it: `chalice package` refuses its placeholders, so they are filled in, the keys
# with fresh ones as `python -m chalice_mcp.auth.new_keys` prints them.
PROD_VALUES = {
    "MCP_PUBLIC_URL": "https://abc123.execute-api.eu-west-1.amazonaws.com/api",
    "MCP_OAUTH_UPSTREAM_ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool",
    "MCP_OAUTH_UPSTREAM_CLIENT_ID": "test-app-client",
    "MCP_OAUTH_UPSTREAM_CLIENT_SECRET": "test-app-client-secret",
    "MCP_OAUTH_SIGNING_KEY": new_signing_key_pem(),
    "MCP_OAUTH_SEALING_KEY": new_sealing_key(),
    "MCP_SUBJECT_HASH_KEY": "a-secret-of-this-test-deployment-0123456789",
}


def filled_in_project(directory: Path) -> Path:
    """The project through symlinks, with its own `.chalice/config.json` whose prod stage holds PROD_VALUES. The
    package venv in build/ is the project's own, so it is built once."""
    (PROJECT_ROOT / "build").mkdir(exist_ok=True)
    for name in (
        "app.py",
        "chalicelib",
        "vendor",
        "requirements.txt",
        "requirements-dev.txt",
        "Makefile",
        "deploy",
        "build",
    ):
        (directory / name).symlink_to(PROJECT_ROOT / name)
    config = json.loads((PROJECT_ROOT / ".chalice" / "config.json").read_text())
    prod = config["stages"]["prod"]["environment_variables"]
    assert set(PROD_VALUES) <= set(prod), "PROD_VALUES fills in variables the prod stage no longer has"
    prod.update(PROD_VALUES)
    (directory / ".chalice").mkdir()
    (directory / ".chalice" / "config.json").write_text(json.dumps(config))
    for policy in (PROJECT_ROOT / ".chalice").glob("policy-*.json"):
        (directory / ".chalice" / policy.name).symlink_to(policy)
    return directory


class NoManagedPolicies:
    """The template names no AWS managed policy, so the translator never needs to look one up in IAM."""

    def load(self) -> dict[str, str]:
        return {}


def sam_transform(template: dict[str, Any]) -> dict[str, Any]:
    """What CloudFormation deploys: the SAM transform of the template, after `aws cloudformation package` has put
    the zip in S3 (the translator accepts only an S3 CodeUri)."""
    uploaded = copy.deepcopy(template)
    uploaded["Resources"]["APIHandler"]["Properties"]["CodeUri"] = "s3://deploy-bucket/fitness-mcp/deployment.zip"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        return transform(uploaded, {}, NoManagedPolicies())
