"""The fitness service in `MCP_AUTH=oauth` mode, in process, with an issuer whose keys are generated for the run."""

from __future__ import annotations

from chalice_mcp.auth.access_tokens import AccessTokenValidator, TokenRules
from chalice_mcp.auth.issuer_keys import Fetched, IssuerKeys, IssuerKeysUnavailable
from chalice_mcp.auth.oauth_authorizer import OAuthAuthorizer
from chalice_mcp.settings import Settings
from tests.support.signing_keys import SigningKey

ISSUER = "https://issuer.example"
PUBLIC_URL = "https://fitness.example/api"
AUDIENCE = PUBLIC_URL + "/mcp"
REQUIRED_SCOPE = "fitness:calculate"
SUBJECT_HASH_KEY = "test-subject-hash-key-of-this-run-0123456789"

ISSUER_KEY = SigningKey.rsa()


def oauth_settings(**overrides: str) -> Settings:
    environment = {
        "MCP_AUTH": "oauth",
        "MCP_OAUTH_ISSUER": ISSUER,
        "MCP_OAUTH_JWKS_URL": ISSUER + "/jwks",
        "MCP_PUBLIC_URL": PUBLIC_URL,
        "MCP_OAUTH_SCOPES": REQUIRED_SCOPE,
        "MCP_SUBJECT_HASH_KEY": SUBJECT_HASH_KEY,
        **overrides,
    }
    return Settings.from_environment(environment)


def oauth_authorizer(settings: Settings | None = None) -> OAuthAuthorizer:
    """The real authorizer; only the fetch of the key set is answered in memory."""
    settings = settings or oauth_settings()
    key_set = {"keys": [ISSUER_KEY.public_jwk()]}
    keys = IssuerKeys(ISSUER, settings.oauth_jwks_url, fetch=lambda url, timeout: Fetched(key_set))
    rules = TokenRules(issuer=ISSUER, client_ids=settings.oauth_client_ids, required_scopes=settings.oauth_scopes)
    return OAuthAuthorizer(settings, AccessTokenValidator(rules, keys))


class SwitchableIssuer:
    """Serves the run's key set until `down` is set, then fails every fetch as an unreachable issuer does."""

    def __init__(self) -> None:
        self.down = False
        self.fetches = 0

    def __call__(self, url: str, timeout_seconds: float) -> Fetched:
        self.fetches += 1
        if self.down:
            raise IssuerKeysUnavailable(f"GET {url} failed: [Errno 111] Connection refused")
        return Fetched({"keys": [ISSUER_KEY.public_jwk()]})


class ManualClock:
    """A `time.monotonic` stand-in that moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def switchable_authorizer(settings: Settings | None = None) -> tuple[OAuthAuthorizer, SwitchableIssuer, ManualClock]:
    """The real authorizer in front of an issuer a test can take down, on a clock the test moves."""
    settings = settings or oauth_settings()
    issuer, clock = SwitchableIssuer(), ManualClock()
    keys = IssuerKeys(
        ISSUER,
        settings.oauth_jwks_url,
        max_age_seconds=settings.oauth_jwks_max_age_seconds,
        fetch=issuer,
        clock=clock,
    )
    rules = TokenRules(issuer=ISSUER, client_ids=settings.oauth_client_ids, required_scopes=settings.oauth_scopes)
    return OAuthAuthorizer(settings, AccessTokenValidator(rules, keys)), issuer, clock
