"""The authorization server's signing keys: found through its metadata, fetched on first use, cached per container.

Discovery follows OpenID Connect Discovery 1.0 (`<issuer>/.well-known/openid-configuration`) and, failing that,
RFC 8414 (`<origin>/.well-known/oauth-authorization-server<issuer path>`). The key set is trusted for at most
`MCP_OAUTH_JWKS_MAX_AGE_SECONDS`, or less when the issuer's `Cache-Control: max-age` says so; the next request after
that fetches it again, so a key the issuer stops publishing stops working. While the issuer cannot be reached, keys
that expired less than `STALE_KEYS_GRACE_SECONDS` ago still serve; after that callers are told to retry (503).

A token signed with a key id the cache does not know refreshes the cache, at most once a minute, so a flood of
made-up key ids cannot turn the server into a flood of requests to the issuer.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError

from chalice_mcp.auth.bounded_fetch import FetchTimeLimit, limited_opener
from chalice_mcp.settings import DEFAULT_JWKS_MAX_AGE_SECONDS, url_problem

logger = logging.getLogger(__name__)

# An issuer rotates keys by publishing the new one before signing with it: a minute's wait covers that. It is also
# the shortest time a key set is kept, whatever the issuer's Cache-Control says (`no-store`, say).
UNKNOWN_KEY_REFRESH_SECONDS = 60.0
# After a failed fetch, callers get the failure at once for a while instead of each waiting on a dead issuer.
FAILED_FETCH_BACKOFF_SECONDS = 10.0
# How long expired keys still serve while the issuer cannot be reached: long enough for a restart or a failover of
# the issuer, short enough that a retired key does not keep working for long.
STALE_KEYS_GRACE_SECONDS = 600.0
# The longest one fetch (connection, redirects, every read) may take, and less when the request has less left.
FETCH_TIMEOUT_SECONDS = 5.0
MAX_DOCUMENT_BYTES = 512 * 1024

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Fetched:
    """A JSON document and how long its sender said it may be cached (None: it did not say)."""

    document: Any
    max_age_seconds: float | None = None


FetchJson = Callable[[str, float], Fetched]


@dataclass(frozen=True)
class SigningKey:
    """One of the issuer's public keys, with the algorithm it was published for, if the issuer said."""

    key_id: str | None
    key_type: str
    algorithm: str | None
    public_key: Any


class IssuerKeysUnavailable(RuntimeError):
    """The issuer's metadata or key set could not be fetched or read; the message names which and why."""


class _NoSchemeChangingRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same scheme and to a URL the issuer itself could have (https or loopback)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme != urlsplit(req.full_url).scheme or url_problem(newurl) is not None:
            return None  # urllib then raises the 3xx as an HTTPError
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_json(url: str, timeout_seconds: float = FETCH_TIMEOUT_SECONDS) -> Fetched:
    """GET a JSON document over http(s), all of it within `timeout_seconds` (connection, redirects, every read),
    with a size cap, and the max-age its sender gave it."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise IssuerKeysUnavailable(f"{url} is not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    with FetchTimeLimit(timeout_seconds) as time_limit:
        try:
            opener = limited_opener(time_limit, _NoSchemeChangingRedirects())
            with opener.open(request, timeout=timeout_seconds) as response:
                document = response.read(MAX_DOCUMENT_BYTES + 1)
                max_age = cache_max_age(response.headers)
        except (OSError, ValueError, http.client.HTTPException) as error:
            if not time_limit.over:
                raise IssuerKeysUnavailable(f"GET {url} failed: {error}") from None
    # Checked after a read that succeeded too: a connection shut down mid-body reads as a short, complete one.
    if time_limit.over:
        raise IssuerKeysUnavailable(f"GET {url}: no answer within {timeout_seconds:.3g} s") from None
    if len(document) > MAX_DOCUMENT_BYTES:
        raise IssuerKeysUnavailable(f"GET {url}: the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        return Fetched(json.loads(document), max_age)
    except (ValueError, RecursionError):
        raise IssuerKeysUnavailable(f"GET {url}: the answer is not JSON") from None


def cache_max_age(headers: Message) -> float | None:
    """Seconds a reply may be cached by its `Cache-Control` (RFC 9111 §5.2.2): `no-store`/`no-cache` give 0."""
    cache_control = ",".join(headers.get_all("Cache-Control") or [])
    if not cache_control:
        return None
    directives = {part.split("=", 1)[0].strip().lower() for part in cache_control.split(",")}
    if directives & {"no-store", "no-cache"}:
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


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
        max_age_seconds: float = DEFAULT_JWKS_MAX_AGE_SECONDS,
        fetch: FetchJson = fetch_json,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self.max_age_seconds = max_age_seconds
        self._jwks_url = jwks_url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._expires_at = 0.0
        self._failed_at: float | None = None
        self._failure: IssuerKeysUnavailable | None = None
        self._failed_fetches = 0
        self._grace_over_reported = False

    def key(self, key_id: str | None, deadline: float | None = None) -> SigningKey | None:
        """The key with this id (or the only key, for a token without one), or None when the issuer has none such.

        Raises `IssuerKeysUnavailable` when the keys cannot be had now: never fetched, expired past the grace
        period, or an unknown key id while the issuer cannot be reached (a refresh could have found it). Fetches
        end by `deadline` (`time.monotonic`).
        """
        with self._lock:
            if self._fetched_at is None:
                self._refresh(deadline)
            elif self._clock() >= self._expires_at:
                try:
                    self._refresh(deadline)
                except IssuerKeysUnavailable:
                    if self._clock() >= self._expires_at + STALE_KEYS_GRACE_SECONDS:
                        self._report_grace_over()
                        raise
            found = self._find(key_id)
            if found is None and self._clock() - (self._fetched_at or 0.0) >= UNKNOWN_KEY_REFRESH_SECONDS:
                # A failure here is the issuer's, not the token's: the caller must hear "retry", not "sign in again".
                self._refresh(deadline)
                found = self._find(key_id)
            if found is None and self._failure is not None:
                # The last fetch failed: the key may be one the issuer published since, so this is "retry" too.
                raise self._failure
            return found

    @property
    def expired(self) -> bool:
        """Whether the keys are past their max age: served anyway while the issuer cannot be reached (the grace)."""
        return self._fetched_at is not None and self._clock() >= self._expires_at

    def _find(self, key_id: str | None) -> SigningKey | None:
        if key_id is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(key_id)

    def _refresh(self, deadline: float | None) -> None:
        now = self._clock()
        if self._failure is not None and self._failed_at is not None:
            if now - self._failed_at < FAILED_FETCH_BACKOFF_SECONDS:
                raise self._failure
        try:
            fetched = self._get(self._key_set_url(deadline), deadline)
            self._keys = self._read_key_set(fetched.document)
        except IssuerKeysUnavailable as failure:
            self._report_failure(failure)
            # The back-off counts from the failure, not from the start of a fetch that may have used up its time.
            self._failure, self._failed_at = failure, self._clock()
            self._failed_fetches += 1
            raise
        if self._failed_fetches:
            logger.info("the issuer's keys are fetched again, after %d failed fetches", self._failed_fetches)
        max_age = self.max_age_seconds
        if fetched.max_age_seconds is not None:
            max_age = min(max_age, max(fetched.max_age_seconds, UNKNOWN_KEY_REFRESH_SECONDS))
        self._fetched_at, self._expires_at, self._failure = now, now + max_age, None
        self._failed_fetches, self._grace_over_reported = 0, False

    def _report_failure(self, failure: IssuerKeysUnavailable) -> None:
        # Once per outage: the fetches after it (one per back-off period) and the requests they fail are counted in
        # the metrics, never logged one by one, since any caller can drive them.
        if self._failed_fetches:
            logger.debug("the issuer's keys still cannot be fetched: %s", failure)
        elif self._fetched_at is not None and self._clock() < self._expires_at + STALE_KEYS_GRACE_SECONDS:
            logger.warning(
                "cannot fetch the issuer's keys, so the ones fetched before serve for up to %.0f s past their max "
                "age; retrying every %.0f s: %s",
                STALE_KEYS_GRACE_SECONDS,
                FAILED_FETCH_BACKOFF_SECONDS,
                failure,
            )
        else:
            self._grace_over_reported = self._fetched_at is not None  # this line says it already
            logger.warning(
                "cannot fetch the issuer's keys, so requests with a token get 503; retrying every %.0f s: %s",
                FAILED_FETCH_BACKOFF_SECONDS,
                failure,
            )

    def _report_grace_over(self) -> None:
        if not self._grace_over_reported:
            self._grace_over_reported = True
            logger.warning(
                "the issuer's keys expired more than %.0f s ago and still cannot be fetched: requests with a token "
                "get 503 until they are",
                STALE_KEYS_GRACE_SECONDS,
            )

    def _get(self, url: str, deadline: float | None) -> Fetched:
        timeout = FETCH_TIMEOUT_SECONDS
        if deadline is not None:
            timeout = min(timeout, deadline - time.monotonic())
            if timeout <= 0:
                raise IssuerKeysUnavailable(f"GET {url}: no time left before the request's deadline")
        return self._fetch(url, timeout)

    def _key_set_url(self, deadline: float | None) -> str:
        if self._jwks_url is None:
            self._jwks_url = self._discover_key_set_url(deadline)
        return self._jwks_url

    def _discover_key_set_url(self, deadline: float | None) -> str:
        problems = []
        for url in metadata_urls(self.issuer):
            try:
                metadata = self._get(url, deadline).document
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
            # The keys decide which tokens are accepted: they come over https, like the issuer's own metadata.
            if (problem := _url_problem(metadata["jwks_uri"])) is not None:
                problems.append(f"{url} names a jwks_uri that {problem}")
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


def _url_problem(url: str) -> str | None:
    try:
        return url_problem(url)
    except ValueError:
        return "is not a URL"
