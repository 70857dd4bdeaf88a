"""Run the official MCP conformance suite (`conformance server --requirements …`) and judge what it found.

The suite writes one `server-<scenario>-<timestamp>/checks.json` per scenario into its output folder. This module
reads them and applies `expected_failures.yaml` with the suite's own baseline rules: a scenario fails when one of
its checks is FAILURE or WARNING; an entry `scenario:check-id` excuses only that check; an excused scenario or
check that passes is stale. Every problem is described by scenario and check, in the suite's own words.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFORMANCE_DIR = Path(__file__).resolve().parent
FIXTURE_APP_DIR = CONFORMANCE_DIR / "fixture_app"
EXPECTED_FAILURES_FILE = CONFORMANCE_DIR / "expected_failures.yaml"

SERVERS = ("fixture", "app")
REASON_PREFIXES = ("needs a back-channel:", "needs a stream:", "bridge bug:", "app bug:")

FAILING_STATUSES = ("FAILURE", "WARNING")
# A check id that occurs several times in a scenario counts once, at its worst occurrence (the suite's rule).
SEVERITY = {"FAILURE": 0, "WARNING": 1, "SUCCESS": 2, "INFO": 3, "SKIPPED": 4}

# A whole requirement set takes a few seconds against `chalice local`; 2 minutes leaves room for a slow CI runner.
SUITE_TIMEOUT_SECONDS = 120
# The suite's own per-scenario clock (its default is 30 s): a scenario waiting for a stream that never comes stops.
SCENARIO_TIMEOUT_MS = 15_000

_RESULT_DIR = re.compile(r"^server-(?P<scenario>.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Requirements:
    """One revision's requirement set as the installed suite ships it (`requirements/<revision>.yaml`)."""

    revision: str
    scored: tuple[str, ...]
    not_scored: Mapping[str, str]
    """Scenario → why the suite runs it without scoring it: `extension`, `added-after-release` or `pending`."""

    @property
    def all_scenarios(self) -> tuple[str, ...]:
        return (*self.scored, *self.not_scored)

    @property
    def optional_extensions(self) -> tuple[str, ...]:
        """Extensions: "not required for any tier" (SEP-1730); the suite runs them for visibility only."""
        return tuple(name for name, reason in self.not_scored.items() if reason == "extension")


@dataclass(frozen=True)
class ExpectedFailure:
    scenario: str
    check_id: str | None
    reason: str
    servers: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.scenario}:{self.check_id}" if self.check_id else self.scenario


def load_expected_failures(path: Path = EXPECTED_FAILURES_FILE) -> dict[str, list[ExpectedFailure]]:
    """Revision → its expected failures, as the file lists them."""
    data = yaml.safe_load(path.read_text()) or {}
    return {
        str(revision): [
            ExpectedFailure(
                scenario=key.partition(":")[0],
                check_id=key.partition(":")[2] or None,
                reason=" ".join(str(entry.get("reason", "")).split()),
                servers=tuple(entry.get("servers", SERVERS)),
            )
            for key, entry in (entries or {}).items()
        ]
        for revision, entries in data.items()
    }


@dataclass
class SuiteRun:
    """What one `conformance server --requirements <revision>` run against one server left behind."""

    revision: str
    server: str
    output_dir: Path
    returncode: int
    output: str
    results: dict[str, list[dict[str, Any]]]
    """Scenario → its checks."""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(_ANSI_ESCAPE.sub("", self.output).splitlines()[-lines:])


@dataclass(frozen=True)
class ConformanceCli:
    """The suite's installed command line and the Node ≥ 22 environment it runs in."""

    executable: Path
    package_dir: Path
    environment: Mapping[str, str] = field(repr=False)

    def requirements(self, revision: str) -> Requirements:
        data = yaml.safe_load((self.package_dir / "requirements" / f"{revision}.yaml").read_text())
        not_scored = {entry["scenario"]: entry["reason"] for entry in data["not_scored"] if entry["leg"] == "server"}
        return Requirements(revision=revision, scored=tuple(data["server"]), not_scored=not_scored)

    def run(
        self,
        *,
        url: str,
        revision: str,
        server: str,
        output_dir: Path,
        expected: Iterable[ExpectedFailure] | None = None,
    ) -> SuiteRun:
        """Run the whole requirement set for `revision` against `url`.

        With `expected`, the suite also gets them as its own `--expected-failures` baseline, so its exit code is
        its verdict on the scenarios it scores.
        """
        command = [
            str(self.executable),
            "server",
            "--url",
            url,
            "--requirements",
            revision,
            "--output-dir",
            str(output_dir),
            "--timeout",
            str(SCENARIO_TIMEOUT_MS),
        ]
        if expected is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            baseline = output_dir.with_name(f"{output_dir.name}-expected-failures.json")
            # The suite reads YAML, and JSON is YAML: `server` lists `scenario` and `scenario:check-id` entries.
            baseline.write_text(json.dumps({"server": [entry.key for entry in expected]}))
            command += ["--expected-failures", str(baseline)]
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=SUITE_TIMEOUT_SECONDS,
            env=dict(self.environment),
            check=False,
        )
        return SuiteRun(
            revision=revision,
            server=server,
            output_dir=output_dir,
            returncode=completed.returncode,
            output=completed.stdout + completed.stderr,
            results=read_results(output_dir),
        )


def node_environment(node_bin_dir: Path) -> dict[str, str]:
    """This process's environment with the project's own Node first on PATH, when it is installed."""
    environment = dict(os.environ)
    if node_bin_dir.is_dir():
        environment["PATH"] = f"{node_bin_dir}{os.pathsep}{environment.get('PATH', '')}"
    return environment


def read_results(output_dir: Path) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {}
    if not output_dir.is_dir():
        return results
    for result_dir in sorted(output_dir.iterdir()):
        match = _RESULT_DIR.match(result_dir.name)
        if match and (result_dir / "checks.json").is_file():
            results[match["scenario"]] = json.loads((result_dir / "checks.json").read_text())
    return results


def worst_by_id(checks: Iterable[Mapping[str, Any]], ignored: Iterable[str] = ()) -> dict[str, Mapping[str, Any]]:
    """Check id → its worst occurrence, without the `ignored` check ids."""
    worst: dict[str, Mapping[str, Any]] = {}
    skipped = set(ignored)
    for check in checks:
        if check["id"] in skipped:
            continue
        current = worst.get(check["id"])
        if current is None or _rank(check) < _rank(current):
            worst[check["id"]] = check
    return worst


def _rank(check: Mapping[str, Any]) -> int:
    return SEVERITY.get(check["status"], len(SEVERITY))


def describe(check: Mapping[str, Any]) -> str:
    message = check.get("errorMessage") or (check.get("details") or {}).get("message") or check.get("description")
    return f"{check['id']} ({check['status']}): {message}"


@dataclass
class Verdict:
    outcomes: dict[str, str] = field(default_factory=dict)
    """Scenario → "pass", "expected failure" or "FAIL", in the order judged."""
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return "\n".join(f"  {outcome:<16} {scenario}" for scenario, outcome in self.outcomes.items())


def judge(
    run: SuiteRun,
    scenarios: Iterable[str],
    expected: Iterable[ExpectedFailure],
    ignored_checks: Mapping[str, Iterable[str]] | None = None,
) -> Verdict:
    """Judge `scenarios` of `run` against the expected failures that apply to it.

    A problem is a scenario that did not run, a failing (or warning) check nobody expected, or an expected failure
    that passes. `ignored_checks` (scenario → check ids) are checks that belong to another server's run.
    """
    verdict = Verdict()
    wholesale = {entry.scenario: entry for entry in expected if entry.check_id is None}
    per_check: dict[str, dict[str, ExpectedFailure]] = {}
    for entry in expected:
        if entry.check_id is not None:
            per_check.setdefault(entry.scenario, {})[entry.check_id] = entry
    label = f"[{run.server}, {run.revision}]"
    stale_advice = f"remove it from {EXPECTED_FAILURES_FILE.name}"

    for scenario in scenarios:
        if scenario not in run.results:
            verdict.outcomes[scenario] = "FAIL"
            verdict.problems.append(f"{scenario} {label}: did not run (no checks.json under {run.output_dir})")
            continue
        checks = worst_by_id(run.results[scenario], (ignored_checks or {}).get(scenario, ()))
        failing = {check_id: check for check_id, check in checks.items() if check["status"] in FAILING_STATUSES}
        if scenario in wholesale:
            verdict.outcomes[scenario] = "expected failure" if failing else "FAIL"
            if not failing:
                entry = wholesale[scenario]
                verdict.problems.append(
                    f"{scenario} {label}: passes, yet is an expected failure ({entry.reason}); {stale_advice}"
                )
            continue
        excused = per_check.get(scenario, {})
        unexpected = [check for check_id, check in failing.items() if check_id not in excused]
        stale = [entry for check_id, entry in excused.items() if checks.get(check_id, {}).get("status") == "SUCCESS"]
        for entry in stale:
            verdict.problems.append(
                f"{entry.key} {label}: passes, yet is an expected failure ({entry.reason}); {stale_advice}"
            )
        if unexpected:
            details = "\n".join(f"    - {describe(check)}" for check in unexpected)
            verdict.problems.append(f"{scenario} {label}: fails\n{details}")
        if unexpected or stale:
            verdict.outcomes[scenario] = "FAIL"
        else:
            verdict.outcomes[scenario] = "expected failure" if failing else "pass"
    return verdict
