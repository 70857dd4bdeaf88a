"""Fixtures of the authorization server's in-process tests: the loopback upstream (one per module) and, over a
module's own `app`, a `chalice.test.Client` whose upstream behaves again for each test. Helpers live in
tests/support/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from tests.support.openid_upstream import OpenIDUpstream
from tests.support.sign_in import PUBLIC_URL


@pytest.fixture(scope="module")
def upstream() -> Iterator[OpenIDUpstream]:
    with OpenIDUpstream(PUBLIC_URL + "/callback") as running:
        yield running


@pytest.fixture
def client(app: Any, upstream: OpenIDUpstream) -> Iterator[Client]:
    upstream.behaviour.__init__()
    with Client(app) as test_client:
        yield test_client
