"""Finding and caching the issuer's keys: lazy, discovered over https, refreshed for an unknown kid at most once a
minute, trusted for at most their max age, within the request's deadline."""

from __future__ import annotations

import http.server
import json
import logging
import re
import ssl
import threading
import time
import urllib.parse
from email.message import Message

import pytest

from chalice_mcp.auth.issuer_keys import (
    FAILED_FETCH_BACKOFF_SECONDS,
    STALE_KEYS_GRACE_SECONDS,
    UNKNOWN_KEY_REFRESH_SECONDS,
    Fetched,
    IssuerKeys,
    IssuerKeysUnavailable,
    cache_max_age,
    fetch_json,
    metadata_urls,
)
from tests.support.dripping_issuer import dripping_issuer
from tests.support.signing_keys import SigningKey
from tests.support.tls_issuer import tls_issuer

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"
JWKS_URL = ISSUER + "/.well-known/jwks.json"


class FakeIssuer:
    """Answers fetches from a dict of URL → document and counts them."""

    def __init__(self, documents: dict[str, object]) -> None:
        self.documents = documents
        self.fetched: list[str] = []
        self.max_age_seconds: float | None = None

    def __call__(self, url: str, timeout_seconds: float) -> Fetched:
        self.fetched.append(url)
        if url not in self.documents:
            raise IssuerKeysUnavailable(f"GET {url} failed: 404")
        return Fetched(self.documents[url], self.max_age_seconds)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_metadata_is_looked_for_by_oidc_discovery_then_rfc_8414():
    assert metadata_urls("https://id.example/tenant") == [
        "https://id.example/tenant/.well-known/openid-configuration",
        "https://id.example/.well-known/oauth-authorization-server/tenant",
    ]


def test_nothing_is_fetched_until_a_key_is_needed_and_then_once():
    key = SigningKey.rsa()
    issuer = FakeIssuer(
        {
            ISSUER + "/.well-known/openid-configuration": {"issuer": ISSUER, "jwks_uri": JWKS_URL},
            JWKS_URL: {"keys": [key.public_jwk()]},
        }
    )
    keys = IssuerKeys(ISSUER, fetch=issuer)
    assert issuer.fetched == []
    assert keys.key(key.key_id).key_type == "RSA"
    assert keys.key(key.key_id).algorithm == "RS256"
    assert issuer.fetched == [ISSUER + "/.well-known/openid-configuration", JWKS_URL]


def test_rfc_8414_metadata_is_used_when_there_is_no_oidc_discovery():
    key = SigningKey.ec()
    issuer = FakeIssuer(
        {
            "https://id.example/.well-known/oauth-authorization-server/tenant": {
                "issuer": "https://id.example/tenant",
                "jwks_uri": "https://id.example/keys",
            },
            "https://id.example/keys": {"keys": [key.public_jwk()]},
        }
    )
    assert IssuerKeys("https://id.example/tenant", fetch=issuer).key(key.key_id).key_type == "EC"


def test_metadata_naming_another_issuer_is_not_trusted():
    issuer = FakeIssuer(
        {ISSUER + "/.well-known/openid-configuration": {"issuer": "https://evil.example", "jwks_uri": JWKS_URL}}
    )
    with pytest.raises(IssuerKeysUnavailable, match=re.escape("names issuer 'https://evil.example'")):
        IssuerKeys(ISSUER, fetch=issuer).key("any")


def test_an_unknown_kid_refreshes_the_keys_at_most_once_a_minute():
    old, rotated = SigningKey.rsa(), SigningKey.rsa()
    issuer = FakeIssuer({JWKS_URL: {"keys": [old.public_jwk()]}})
    clock = Clock()
    keys = IssuerKeys(ISSUER, JWKS_URL, fetch=issuer, clock=clock)
    assert keys.key(old.key_id) is not None
    issuer.documents[JWKS_URL] = {"keys": [old.public_jwk(), rotated.public_jwk()]}
    for _ in range(50):
        assert keys.key("made-up-kid") is None
    assert keys.key(rotated.key_id) is None
    assert len(issuer.fetched) == 1
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS
    assert keys.key(rotated.key_id) is not None
    assert len(issuer.fetched) == 2


def test_a_failed_fetch_is_not_retried_by_every_request():
    issuer = FakeIssuer({})
    clock = Clock()
    keys = IssuerKeys(ISSUER, JWKS_URL, fetch=issuer, clock=clock)
    for _ in range(5):
        with pytest.raises(IssuerKeysUnavailable):
            keys.key("kid")
    assert issuer.fetched == [JWKS_URL]
    clock.now += FAILED_FETCH_BACKOFF_SECONDS
    with pytest.raises(IssuerKeysUnavailable):
        keys.key("kid")
    assert issuer.fetched == [JWKS_URL, JWKS_URL]


def test_encryption_keys_and_unknown_key_types_are_skipped():
    signing = SigningKey.rsa()
    encryption = {**SigningKey.rsa().public_jwk(), "use": "enc"}
    unknown = {"kty": "XYZ", "kid": "strange"}
    issuer = FakeIssuer({JWKS_URL: {"keys": [encryption, unknown, signing.public_jwk()]}})
    keys = IssuerKeys(ISSUER, JWKS_URL, fetch=issuer)
    assert keys.key(signing.key_id) is not None
    assert keys.key(encryption["kid"]) is None
    assert keys.key("strange") is None


@pytest.mark.parametrize("document", [{"keys": []}, {"no": "keys"}, ["not", "an", "object"]])
def test_a_key_set_without_usable_keys_is_unavailable(document):
    with pytest.raises(IssuerKeysUnavailable):
        IssuerKeys(ISSUER, JWKS_URL, fetch=FakeIssuer({JWKS_URL: document})).key("kid")


def rotating_issuer(key: SigningKey) -> tuple[FakeIssuer, Clock, IssuerKeys]:
    issuer = FakeIssuer({JWKS_URL: {"keys": [key.public_jwk()]}})
    clock = Clock()
    return issuer, clock, IssuerKeys(ISSUER, JWKS_URL, max_age_seconds=3600, fetch=issuer, clock=clock)


def test_a_key_the_issuer_stops_publishing_is_refused_once_the_key_set_is_older_than_its_max_age():
    retired, current = SigningKey.rsa(), SigningKey.rsa()
    issuer, clock, keys = rotating_issuer(retired)
    assert keys.key(retired.key_id) is not None
    issuer.documents[JWKS_URL] = {"keys": [current.public_jwk()]}
    clock.now += 3599
    assert keys.key(retired.key_id) is not None
    clock.now += 1
    assert keys.key(retired.key_id) is None
    assert keys.key(current.key_id) is not None
    assert len(issuer.fetched) == 2


def test_the_issuers_cache_control_max_age_shortens_the_key_sets_life_but_never_below_a_minute():
    key = SigningKey.rsa()
    issuer, clock, keys = rotating_issuer(key)
    issuer.max_age_seconds = 300
    keys.key(key.key_id)
    clock.now += 299
    keys.key(key.key_id)
    assert len(issuer.fetched) == 1
    clock.now += 1
    keys.key(key.key_id)
    assert len(issuer.fetched) == 2
    issuer.max_age_seconds = 0  # Cache-Control: no-store
    clock.now += 300
    keys.key(key.key_id)
    for _ in range(10):
        keys.key(key.key_id)
    assert len(issuer.fetched) == 3
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS
    keys.key(key.key_id)
    assert len(issuer.fetched) == 4


def test_expired_keys_serve_through_an_issuer_outage_for_the_grace_period_then_the_keys_are_unavailable():
    key = SigningKey.rsa()
    issuer, clock, keys = rotating_issuer(key)
    keys.key(key.key_id)
    del issuer.documents[JWKS_URL]
    clock.now += 3600
    assert keys.key(key.key_id) is not None
    clock.now += STALE_KEYS_GRACE_SECONDS - 1
    assert keys.key(key.key_id) is not None
    clock.now += 1
    with pytest.raises(IssuerKeysUnavailable):
        keys.key(key.key_id)


def test_an_unknown_kid_while_the_issuer_is_down_is_unavailable_not_unknown():
    # Before: the failed refresh was swallowed and the token refused as signed by an unpublished key (401).
    known, rotated = SigningKey.rsa(), SigningKey.rsa()
    issuer, clock, keys = rotating_issuer(known)
    keys.key(known.key_id)
    del issuer.documents[JWKS_URL]
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS
    with pytest.raises(IssuerKeysUnavailable):
        keys.key(rotated.key_id)
    assert keys.key(known.key_id) is not None


def test_an_unknown_kid_while_expired_keys_serve_through_an_outage_is_unavailable_not_unknown():
    # Before: None (401): keys kept less than a minute expire before the unknown-kid refresh may run again.
    known, rotated = SigningKey.rsa(), SigningKey.rsa()
    issuer = FakeIssuer({JWKS_URL: {"keys": [known.public_jwk()]}})
    clock = Clock()
    keys = IssuerKeys(ISSUER, JWKS_URL, max_age_seconds=30, fetch=issuer, clock=clock)
    keys.key(known.key_id)
    del issuer.documents[JWKS_URL]
    clock.now += 30
    assert keys.key(known.key_id) is not None
    with pytest.raises(IssuerKeysUnavailable):
        keys.key(rotated.key_id)
    clock.now += FAILED_FETCH_BACKOFF_SECONDS
    with pytest.raises(IssuerKeysUnavailable):
        keys.key(rotated.key_id)
    assert len(issuer.fetched) == 3


def test_an_unknown_kid_while_the_keys_are_fresh_and_the_issuer_answers_is_unknown():
    known = SigningKey.rsa()
    issuer, clock, keys = rotating_issuer(known)
    keys.key(known.key_id)
    assert keys.key("made-up-kid") is None
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS
    assert keys.key("made-up-kid") is None  # refreshed, and the issuer still does not publish it
    assert len(issuer.fetched) == 2


def test_an_outage_logs_its_start_once_and_its_end_once_whatever_the_number_of_requests(caplog):
    key = SigningKey.rsa()
    issuer, clock, keys = rotating_issuer(key)
    keys.key(key.key_id)
    del issuer.documents[JWKS_URL]
    clock.now += 3600
    with caplog.at_level(logging.DEBUG, logger="chalice_mcp.auth.issuer_keys"):
        for _ in range(100):
            clock.now += 1
            assert keys.key(key.key_id) is not None
        issuer.documents[JWKS_URL] = {"keys": [key.public_jwk()]}
        clock.now += FAILED_FETCH_BACKOFF_SECONDS
        assert keys.key(key.key_id) is not None
    assert len(issuer.fetched) == 12
    by_level = [(record.levelname, record.getMessage().split(",")[0]) for record in caplog.records]
    assert [entry for entry in by_level if entry[0] != "DEBUG"] == [
        ("WARNING", "cannot fetch the issuer's keys"),
        ("INFO", "the issuer's keys are fetched again"),
    ]
    assert not keys.expired


@pytest.mark.parametrize(
    "jwks_uri",
    ["http://issuer.example/jwks", "ftp://issuer.example/jwks", "file:///etc/passwd", "/relative/jwks", "http://[::1"],
)
def test_a_discovered_jwks_uri_must_be_https_or_loopback(jwks_uri):
    issuer = FakeIssuer({ISSUER + "/.well-known/openid-configuration": {"issuer": ISSUER, "jwks_uri": jwks_uri}})
    with pytest.raises(IssuerKeysUnavailable, match="names a jwks_uri that"):
        IssuerKeys(ISSUER, fetch=issuer).key("kid")
    assert jwks_uri not in issuer.fetched


def test_fetches_get_no_more_time_than_the_request_has_left():
    timeouts: list[float] = []
    key = SigningKey.rsa()

    def fetch(url: str, timeout_seconds: float) -> Fetched:
        timeouts.append(timeout_seconds)
        return Fetched({"keys": [key.public_jwk()]})

    assert IssuerKeys(ISSUER, JWKS_URL, fetch=fetch).key(key.key_id, deadline=time.monotonic() + 2) is not None
    assert 0 < timeouts[0] <= 2
    with pytest.raises(IssuerKeysUnavailable, match="no time left"):
        IssuerKeys(ISSUER, JWKS_URL, fetch=fetch).key(key.key_id, deadline=time.monotonic() - 1)
    assert len(timeouts) == 1


@pytest.mark.parametrize(
    ("cache_control", "seconds"),
    [
        (None, None),
        ("max-age=300", 300.0),
        ("public, max-age=60, must-revalidate", 60.0),
        ("no-store", 0.0),
        ("private", None),
        ("max-age=" + "9" * 400, None),
    ],
)
def test_the_max_age_is_read_from_cache_control(cache_control, seconds):
    headers = Message()
    if cache_control is not None:
        headers["Cache-Control"] = cache_control
    assert cache_max_age(headers) == seconds


class Redirecting(http.server.BaseHTTPRequestHandler):
    """/keys answers a key set with a max-age; every other path redirects to the URL its query names."""

    def do_GET(self) -> None:
        if self.path == "/keys":
            body = json.dumps({"keys": []}).encode()
            self.send_response(200)
            self.send_header("Cache-Control", "public, max-age=120")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(302)
        self.send_header("Location", urllib.parse.unquote(self.path.split("?to=", 1)[1]))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *arguments: object) -> None:
        pass


@pytest.fixture(scope="module")
def redirecting_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_redirect_within_the_same_scheme_is_followed_and_the_max_age_read(redirecting_server):
    target = urllib.parse.quote(redirecting_server + "/keys")
    assert fetch_json(f"{redirecting_server}/jwks?to={target}", 5) == Fetched({"keys": []}, 120.0)


@pytest.mark.parametrize(
    "target", ["https://127.0.0.1:1/keys", "http://issuer.example/keys", "ftp://127.0.0.1/keys", "file:///etc/passwd"]
)
def test_a_redirect_to_another_scheme_or_to_plain_http_elsewhere_is_not_followed(redirecting_server, target):
    with pytest.raises(IssuerKeysUnavailable, match="302"):
        fetch_json(f"{redirecting_server}/jwks?to={urllib.parse.quote(target)}", 5)


# Five times shorter than the drips: a fetch that reads to the end of the dripped body takes ~11 s.
BUDGET_SECONDS = 2.0


@pytest.fixture
def dripping():
    with dripping_issuer() as issuer:
        yield issuer


def test_a_fetch_from_an_issuer_that_drips_its_body_ends_by_its_time_limit(dripping):
    # Before: the limit bounded each socket read, and each dripped byte came well within it.
    with pytest.raises(IssuerKeysUnavailable, match="no answer within"):
        fetch_json(dripping.jwks_url, BUDGET_SECONDS)
    assert dripping.requested == ["/jwks"]
    assert dripping.dripped_whole == [], "the fetch waited for the issuer's last byte"


def test_discovery_and_keys_from_a_dripping_issuer_end_by_the_deadline_and_then_fail_fast(dripping):
    keys = IssuerKeys(dripping.url)
    with pytest.raises(IssuerKeysUnavailable):
        keys.key("kid", deadline=time.monotonic() + BUDGET_SECONDS)
    assert dripping.requested == ["/.well-known/openid-configuration", "/jwks"]
    assert dripping.dripped_whole == [], "the fetch waited for the issuer's last byte"
    # The failure is recorded: the next request is refused at once, without asking the issuer again.
    with pytest.raises(IssuerKeysUnavailable):
        keys.key("kid", deadline=time.monotonic() + BUDGET_SECONDS)
    assert dripping.requested == ["/.well-known/openid-configuration", "/jwks"]


def test_a_tls_handshake_that_drips_ends_by_the_fetchs_time_limit():
    with dripping_issuer(tls_handshake=True) as issuer:
        with pytest.raises(IssuerKeysUnavailable, match="no answer within"):
            fetch_json(issuer.jwks_url, BUDGET_SECONDS)
        assert issuer.requested == ["(TLS handshake)"]
        assert issuer.dripped_whole == [], "the handshake waited for the issuer's last byte"


def test_a_key_set_over_https_is_fetched_through_a_verified_tls_handshake(tmp_path, monkeypatch):
    with tls_issuer(tmp_path) as issuer:
        with pytest.raises(IssuerKeysUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_json(issuer.jwks_url, BUDGET_SECONDS)
        monkeypatch.setenv("SSL_CERT_FILE", str(issuer.trusted_by))
        assert fetch_json(issuer.jwks_url, BUDGET_SECONDS) == Fetched({"keys": []}, 300.0)


def test_key_fetches_share_one_tls_context_per_trust_store(tmp_path, monkeypatch):
    """Building a TLS context loads the CA bundle (~30 ms): once per process, and again only for another
    SSL_CERT_FILE."""
    built: list[ssl.SSLContext] = []
    create_default_context = ssl.create_default_context

    def counted(*arguments, **options):
        built.append(create_default_context(*arguments, **options))
        return built[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    with tls_issuer(tmp_path) as issuer:
        monkeypatch.setenv("SSL_CERT_FILE", str(issuer.trusted_by))
        for _ in range(3):
            assert fetch_json(issuer.jwks_url, BUDGET_SECONDS) == Fetched({"keys": []}, 300.0)
    assert len(built) == 1
