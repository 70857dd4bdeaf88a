"""Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; the MCP authorization spec of
2025-11-25 and 2026-07-28): a `client_id` that is an https URL names a JSON document of the client's metadata,
which this server fetches.

The fetch is a request a stranger makes the server send, so it is fenced (the draft's SSRF and size
considerations): https only, to a host whose every address is public (no private, link-local, loopback or other
special address, unless this server's own URL is on loopback: tests and `chalice local`), the connection made to the
address that was checked (no second DNS answer), no redirects at all, at most `MAX_DOCUMENT_BYTES`, and all of it
(connection, TLS handshake, every read) within the request's time and `FETCH_TIMEOUT_SECONDS`
(`chalice_mcp.auth.bounded_fetch`). The document is cached as its `Cache-Control` allows, between a minute and a day.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

from chalice_mcp.auth.bounded_fetch import FetchTimeLimit, LimitedHTTPSConnection, default_tls
from chalice_mcp.auth.issuer_keys import cache_max_age

# The draft recommends a limit of 5 kilobytes: a client's metadata is a few hundred bytes.
MAX_DOCUMENT_BYTES = 5 * 1024
FETCH_TIMEOUT_SECONDS = 5.0
# A client that changes its document is seen within a day; one that says no-store is still fetched once a minute at
# most, so a flood of authorize requests is not a flood of fetches.
MIN_CACHE_SECONDS = 60.0
MAX_CACHE_SECONDS = 86_400.0
DEFAULT_CACHE_SECONDS = 3600.0
# A URL whose document could not be used is not fetched again for a few seconds: a retry loop is not a fetch loop,
# and a client that fixes its document is not kept waiting.
FAILED_FETCH_BACKOFF_SECONDS = 10.0
# A container meets a handful of clients; any domain can serve valid documents at as many URLs as it likes, so the
# cache is bounded (documents of at most 5 KB: a few megabytes at most).
MAX_REMEMBERED_DOCUMENTS = 1024


class ClientDocumentError(ValueError):
    """The client_id URL or its document cannot be used; the message says why, for the client's developer."""


def client_id_url_problem(client_id: str) -> str | None:
    """Why `client_id` cannot be a CIMD URL (draft §3: https, a path, no fragment, no user info, no dot segments)."""
    parts = urlsplit(client_id)
    if parts.scheme != "https" or not parts.hostname:
        return "a client_id URL must be an https URL"
    if parts.username is not None or parts.password is not None:
        return "a client_id URL must not contain user information"
    if parts.fragment or "#" in client_id:
        return "a client_id URL must not have a fragment"
    if not parts.path or parts.path == "/":
        return "a client_id URL must have a path"
    if any(segment in (".", "..") for segment in parts.path.split("/")):
        return "a client_id URL must not have dot segments"
    return None


def is_client_id_url(client_id: str) -> bool:
    return client_id.startswith("https://")


def address_problem(host: str, port: int, allow_local: bool) -> tuple[str | None, str]:
    """(why the host may not be fetched, or None; the address to connect to)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return f"the client_id host {host} cannot be resolved", ""
    addresses = [str(answer[4][0]) for answer in answers]
    if not addresses:
        return f"the client_id host {host} has no address", ""
    if not allow_local:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                return f"the client_id host {host} has a private, loopback or link-local address", ""
    return None, addresses[0]


@dataclass(frozen=True)
class FetchedDocument:
    document: dict[str, Any]
    max_age_seconds: float | None


def fetch_client_document(url: str, timeout_seconds: float, allow_local: bool) -> FetchedDocument:
    """GET the document at `url` within the fences above; `ClientDocumentError` says why not."""
    if (problem := client_id_url_problem(url)) is not None:
        raise ClientDocumentError(problem)
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    problem, address = address_problem(host, port, allow_local)
    if problem is not None:
        raise ClientDocumentError(problem)
    seconds = min(timeout_seconds, FETCH_TIMEOUT_SECONDS)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    with FetchTimeLimit(seconds) as time_limit:
        # The platform's trust store; SSL_CERT_FILE, when set, names another (tests on loopback).
        connection = LimitedHTTPSConnection(
            host, port, timeout=seconds, time_limit=time_limit, tls=default_tls(), address=address
        )
        try:
            connection.request("GET", target, headers={"Accept": "application/json", "Host": parts.netloc})
            response = connection.getresponse()
            body = response.read(MAX_DOCUMENT_BYTES + 1)
            headers: Message = response.msg
            status = response.status
        except (OSError, http.client.HTTPException, ValueError) as error:
            if not time_limit.over:
                problem = f"the client metadata document cannot be fetched: {type(error).__name__}"
                raise ClientDocumentError(problem) from None
        finally:
            connection.close()
    # Checked after a read that succeeded too: a connection shut down mid-body reads as a short, complete one.
    if time_limit.over:
        raise ClientDocumentError(f"the client metadata document gave no answer within {seconds:.3g} s")
    if status != 200:
        # Redirects included: the document must be at the client_id URL itself.
        raise ClientDocumentError(f"the client metadata document answered HTTP {status}, not 200")
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ClientDocumentError(f"the client metadata document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        raise ClientDocumentError("the client metadata document is not JSON") from None
    if not isinstance(document, dict):
        raise ClientDocumentError("the client metadata document is not a JSON object")
    return FetchedDocument(document, cache_max_age(headers))


FetchDocument = Callable[[str, float, bool], FetchedDocument]


class ClientDocumentCache:
    """Documents by URL, kept as long as their Cache-Control says (within the bounds above), at most
    `MAX_REMEMBERED_DOCUMENTS` of them: past that, the expired go first, then the longest kept. Thread-safe."""

    def __init__(self, fetch: FetchDocument = fetch_client_document, clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._documents: dict[str, tuple[float, dict[str, Any]]] = {}
        self._failures: dict[str, tuple[float, ClientDocumentError]] = {}

    def document(self, url: str, timeout_seconds: float, allow_local: bool) -> dict[str, Any]:
        with self._lock:
            cached = self._documents.get(url)
            if cached is not None and cached[0] > self._clock():
                return cached[1]
            failed = self._failures.get(url)
            if failed is not None and failed[0] > self._clock():
                raise failed[1]
        try:
            fetched = self._fetch(url, timeout_seconds, allow_local)
        except ClientDocumentError as failure:
            with self._lock:
                self._failures[url] = (self._clock() + FAILED_FETCH_BACKOFF_SECONDS, failure)
                # Only recent failures matter: the dictionary never outgrows a burst of bad URLs.
                now = self._clock()
                self._failures = {key: value for key, value in self._failures.items() if value[0] > now}
            raise
        max_age = DEFAULT_CACHE_SECONDS if fetched.max_age_seconds is None else fetched.max_age_seconds
        keep = min(max(max_age, MIN_CACHE_SECONDS), MAX_CACHE_SECONDS)
        with self._lock:
            now = self._clock()
            self._documents.pop(url, None)  # re-inserted last: the order is that of the fetches
            self._documents[url] = (now + keep, fetched.document)
            if len(self._documents) > MAX_REMEMBERED_DOCUMENTS:
                self._documents = {key: value for key, value in self._documents.items() if value[0] > now}
                while len(self._documents) > MAX_REMEMBERED_DOCUMENTS:
                    del self._documents[next(iter(self._documents))]
        return fetched.document
