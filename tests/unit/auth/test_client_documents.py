"""Fetching Client ID Metadata Documents: from a real https server on loopback (trusted through SSL_CERT_FILE), with
the fences a stranger's URL needs: the address, https, no redirects, the size cap, the cache's bounds."""

from __future__ import annotations

import json

import pytest

from chalice_mcp.auth.authorization_server.client_documents import (
    MAX_CACHE_SECONDS,
    MAX_DOCUMENT_BYTES,
    MAX_REMEMBERED_DOCUMENTS,
    MIN_CACHE_SECONDS,
    ClientDocumentCache,
    ClientDocumentError,
    FetchedDocument,
    client_id_url_problem,
    fetch_client_document,
)
from tests.support.dripping_issuer import dripping_issuer
from tests.support.loopback_https import LoopbackHttps

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def document_server(tmp_path_factory):
    replies = {
        "/client.json": (200, {**JSON, "Cache-Control": "max-age=120"}, b'{"client_id": "x"}'),
        "/moved.json": (302, {"Location": "/client.json"}, b""),
        "/large.json": (200, JSON, b'{"pad": "' + b"a" * MAX_DOCUMENT_BYTES + b'"}'),
        "/list.json": (200, JSON, b"[1, 2]"),
        "/text.json": (200, JSON, b"not json"),
    }
    with LoopbackHttps(tmp_path_factory.mktemp("tls"), replies) as server:
        yield server


@pytest.fixture
def trusted(document_server, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(document_server.certificate))
    return document_server


def test_a_document_on_loopback_is_fetched_when_the_server_itself_is_on_loopback(trusted):
    fetched = fetch_client_document(trusted.origin + "/client.json", 2.0, allow_local=True)
    assert fetched.document == {"client_id": "x"}
    assert fetched.max_age_seconds == 120


def test_a_document_on_loopback_is_refused_for_a_server_on_the_internet_without_a_request(trusted):
    requests_before = len(trusted.requests)
    with pytest.raises(ClientDocumentError, match="private, loopback or link-local"):
        fetch_client_document(trusted.origin + "/client.json", 2.0, allow_local=False)
    assert len(trusted.requests) == requests_before


def test_a_server_that_drips_its_tls_handshake_is_given_up_on_by_the_fetchs_time_limit():
    # Before: the time limit bounded each socket read, and each dripped byte came well within it (~16 s in all).
    with dripping_issuer(tls_handshake=True) as server:
        with pytest.raises(ClientDocumentError, match="no answer within 2 s"):
            fetch_client_document(server.url + "/client.json", 2.0, allow_local=True)
        assert server.requested == ["(TLS handshake)"]
        assert server.dripped_whole == [], "the fetch waited for the server's last byte"


def test_a_redirect_is_not_followed(trusted):
    with pytest.raises(ClientDocumentError, match="HTTP 302"):
        fetch_client_document(trusted.origin + "/moved.json", 2.0, allow_local=True)


@pytest.mark.parametrize(
    ("path", "problem"),
    [("/large.json", "larger than"), ("/list.json", "not a JSON object"), ("/text.json", "not JSON")],
)
def test_a_document_too_large_or_not_an_object_is_refused(trusted, path, problem):
    with pytest.raises(ClientDocumentError, match=problem):
        fetch_client_document(trusted.origin + path, 2.0, allow_local=True)


def test_a_certificate_the_server_does_not_trust_is_refused(document_server, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(ClientDocumentError, match="cannot be fetched"):
        fetch_client_document(document_server.origin + "/client.json", 2.0, allow_local=True)


@pytest.mark.parametrize(
    ("client_id", "problem"),
    [
        ("http://client.example/metadata.json", "https"),
        ("https://client.example", "path"),
        ("https://client.example/", "path"),
        ("https://user:pw@client.example/metadata.json", "user information"),
        ("https://client.example/a/../metadata.json", "dot segments"),
        ("https://client.example/metadata.json#x", "fragment"),
    ],
)
def test_a_client_id_url_that_cannot_name_a_document_is_refused_before_any_fetch(client_id, problem):
    assert problem in (client_id_url_problem(client_id) or "")
    with pytest.raises(ClientDocumentError, match=problem):
        fetch_client_document(client_id, 1.0, allow_local=True)


def test_documents_are_cached_as_their_cache_control_says_but_at_least_a_minute():
    now = [0.0]
    fetched: list[str] = []

    def fetch(url: str, timeout: float, allow_local: bool) -> FetchedDocument:
        fetched.append(url)
        return FetchedDocument({"n": len(fetched)}, 0.0)  # no-store

    cache = ClientDocumentCache(fetch, clock=lambda: now[0])
    assert cache.document("https://c.example/m.json", 1.0, False) == {"n": 1}
    now[0] = MIN_CACHE_SECONDS - 1
    assert cache.document("https://c.example/m.json", 1.0, False) == {"n": 1}
    now[0] = MIN_CACHE_SECONDS + 1
    assert cache.document("https://c.example/m.json", 1.0, False) == {"n": 2}
    assert json.dumps(fetched).count("m.json") == 2


def test_a_url_whose_fetch_failed_is_not_fetched_again_for_a_few_seconds():
    now = [0.0]
    attempts: list[str] = []

    def fetch(url: str, timeout: float, allow_local: bool) -> FetchedDocument:
        attempts.append(url)
        raise ClientDocumentError("the client metadata document answered HTTP 500, not 200")

    cache = ClientDocumentCache(fetch, clock=lambda: now[0])
    for _ in range(3):
        with pytest.raises(ClientDocumentError, match="HTTP 500"):
            cache.document("https://c.example/m.json", 1.0, False)
    assert len(attempts) == 1
    now[0] = 11.0
    with pytest.raises(ClientDocumentError):
        cache.document("https://c.example/m.json", 1.0, False)
    assert len(attempts) == 2


class CountingFetch:
    """A valid document for any URL, each for `max_age` seconds; counts the fetches per URL."""

    def __init__(self) -> None:
        self.fetched: list[str] = []
        self.max_age: float | None = None

    def __call__(self, url: str, timeout: float, allow_local: bool) -> FetchedDocument:
        self.fetched.append(url)
        return FetchedDocument({"client_id": url}, self.max_age)


def test_the_document_cache_keeps_at_most_its_limit_dropping_the_oldest():
    # Any domain can serve valid documents at as many URLs as it likes: memory must not grow with them.
    fetch = CountingFetch()
    cache = ClientDocumentCache(fetch, clock=lambda: 0.0)
    urls = [f"https://evil.example/{n}" for n in range(MAX_REMEMBERED_DOCUMENTS + 10)]
    for url in urls:
        cache.document(url, 1.0, False)
    assert len(fetch.fetched) == len(urls)
    cache.document(urls[-1], 1.0, False)  # still kept
    assert len(fetch.fetched) == len(urls)
    cache.document(urls[0], 1.0, False)  # dropped, so fetched again
    assert fetch.fetched[-1] == urls[0] and len(fetch.fetched) == len(urls) + 1


def test_the_document_cache_drops_expired_documents_before_current_ones():
    now = [0.0]
    fetch = CountingFetch()
    cache = ClientDocumentCache(fetch, clock=lambda: now[0])
    fetch.max_age = MAX_CACHE_SECONDS
    cache.document("https://client.example/kept.json", 1.0, False)
    fetch.max_age = 0.0  # kept the minimum
    for n in range(MAX_REMEMBERED_DOCUMENTS - 1):
        cache.document(f"https://evil.example/{n}", 1.0, False)
    now[0] = MIN_CACHE_SECONDS + 1
    cache.document("https://evil.example/one-more", 1.0, False)
    fetched = len(fetch.fetched)
    assert fetched == MAX_REMEMBERED_DOCUMENTS + 1
    # The oldest, but current: kept, while the expired ones made room.
    cache.document("https://client.example/kept.json", 1.0, False)
    assert len(fetch.fetched) == fetched
