"""The authorization server's signing keys: found through its metadata, fetched on first use, cached per container.

Discovery follows OpenID Connect Discovery 1.0 (`<issuer>/.well-known/openid-configuration`) and, failing that,
RFC 8414 (`<origin>/.well-known/oauth-authorization-server<issuer path>`). A token signed with a key id the cache
does not know refreshes the cache, at most once a minute, so a flood of made-up key ids cannot turn the server into
a flood of requests to the issuer.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError

# An issuer rotates keys by publishing the new one before signing with it: a minute's wait covers that.
UNKNOWN_KEY_REFRESH_SECONDS = 60.0
# After a failed fetch, callers get the failure at once for a while instead of each waiting on a dead issuer.
FAILED_FETCH_BACKOFF_SECONDS = 10.0
FETCH_TIMEOUT_SECONDS = 5.0
MAX_DOCUMENT_BYTES = 512 * 1024

FetchJson = Callable[[str], Any]


@dataclass(frozen=True)
class SigningKey:
    """One of the issuer's public keys, with the algorithm it was published for, if the issuer said."""

    key_id: str | None
    key_type: str
    algorithm: str | None
    public_key: Any


class IssuerKeysUnavailable(RuntimeError):
    """The issuer's metadata or key set could not be fetched or read; the message names which and why."""


def fetch_json(url: str) -> Any:
    """GET a JSON document over http(s), with a timeout and a size cap."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise IssuerKeysUnavailable(f"{url} is not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            document = response.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise IssuerKeysUnavailable(f"GET {url} failed: {error}") from None
    if len(document) > MAX_DOCUMENT_BYTES:
        raise IssuerKeysUnavailable(f"GET {url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return json.loads(document)
    except ValueError:
        raise IssuerKeysUnavailable(f"GET {url}: the answer is not JSON") from None


def metadata_urls(issuer: str) -> list[str]:
    """Where the issuer's metadata may be: OIDC discovery first (Cognito, most IdPs), then RFC 8414."""
    parts = urlsplit(issuer)
    issuer_path = parts.path.rstrip("/")
    return [
        issuer.rstrip("/") + "/.well-known/openid-configuration",
        urlunsplit((parts.scheme, parts.netloc, "/.well-known/oauth-authorization-server" + issuer_path, "", "")),
    ]


class IssuerKeys:
    """The issuer's JSON Web Key Set, by key id. Thread-safe; nothing is fetched until a key is first asked for."""

    def __init__(
        self,
        issuer: str,
        jwks_url: str | None = None,
        *,
        fetch: FetchJson = fetch_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self._jwks_url = jwks_url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._failed_at: float | None = None
        self._failure: IssuerKeysUnavailable | None = None

    def key(self, key_id: str | None) -> SigningKey | None:
        """The key with this id (or the only key, for a token without one), or None when the issuer has none such.

        Raises `IssuerKeysUnavailable` when the keys were never fetched and cannot be now.
        """
        with self._lock:
            if self._fetched_at is None:
                self._refresh()
            found = self._find(key_id)
            if found is None and self._clock() - (self._fetched_at or 0.0) >= UNKNOWN_KEY_REFRESH_SECONDS:
                try:
                    self._refresh()
                except IssuerKeysUnavailable:
                    return None
                found = self._find(key_id)
            return found

    def _find(self, key_id: str | None) -> SigningKey | None:
        if key_id is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(key_id)

    def _refresh(self) -> None:
        now = self._clock()
        if self._failure is not None and self._failed_at is not None:
            if now - self._failed_at < FAILED_FETCH_BACKOFF_SECONDS:
                raise self._failure
        try:
            self._keys = self._read_key_set(self._fetch(self._key_set_url()))
        except IssuerKeysUnavailable as failure:
            self._failure, self._failed_at = failure, now
            raise
        self._fetched_at, self._failure = now, None

    def _key_set_url(self) -> str:
        if self._jwks_url is None:
            self._jwks_url = self._discover_key_set_url()
        return self._jwks_url

    def _discover_key_set_url(self) -> str:
        problems = []
        for url in metadata_urls(self.issuer):
            try:
                metadata = self._fetch(url)
            except IssuerKeysUnavailable as failure:
                problems.append(str(failure))
                continue
            if not isinstance(metadata, dict) or not isinstance(metadata.get("jwks_uri"), str):
                problems.append(f"{url} has no jwks_uri")
                continue
            # Both specs require the document to name the issuer it was fetched for (OIDC Discovery §4.3).
            if metadata.get("issuer") != self.issuer:
                problems.append(f"{url} names issuer {metadata.get('issuer')!r}, not {self.issuer!r}")
                continue
            return str(metadata["jwks_uri"])
        raise IssuerKeysUnavailable("no usable issuer metadata: " + "; ".join(problems))

    def _read_key_set(self, document: Any) -> dict[str, SigningKey]:
        if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise IssuerKeysUnavailable("the issuer's key set is not a JWKS document")
        keys = [key for entry in document["keys"] if (key := _signing_key(entry)) is not None]
        if not keys:
            raise IssuerKeysUnavailable("the issuer's key set has no usable signing key")
        if len(keys) == 1 and keys[0].key_id is None:
            return {"": keys[0]}
        return {key.key_id: key for key in keys if key.key_id is not None}


def _signing_key(entry: Any) -> SigningKey | None:
    """A JWKS entry as a `SigningKey`; None for keys meant for encryption (RFC 7517 §4.2) or of unknown types."""
    if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
        return None
    try:
        key = PyJWK(entry)
    except (PyJWKError, InvalidKeyError, ValueError, TypeError):
        return None
    algorithm = entry.get("alg")
    key_id = entry.get("kid")
    return SigningKey(
        key_id=key_id if isinstance(key_id, str) else None,
        key_type=str(key.key_type),
        algorithm=algorithm if isinstance(algorithm, str) else None,
        public_key=key.key,
    )
