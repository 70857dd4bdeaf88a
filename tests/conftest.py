"""Shared fixtures: the app in an in-process Chalice client; and Hypothesis's profile for CI. Helpers live in
tests/support/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from hypothesis import settings as hypothesis_settings

# CI (CI=true) replays the same pseudo-random examples on every run, so a red build is reproducible and never
# flaky; a developer's `make test` draws new ones each time and explores further.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def chalice_app() -> Any:
    from app import app

    return app


@pytest.fixture
def http(chalice_app: Any) -> Iterator[Any]:
    """`chalice.test.Client().http`: the real app and its routing, in process."""
    with Client(chalice_app) as client:
        yield client.http
