"""Who gets which scope (MCP_OAUTH_SCOPE_GRANTS): the operator's rules on the upstream ID token's claims (Cognito
groups, say), applied whenever the server issues its own tokens, at the code exchange and at every refresh, so a
person removed from a group loses the scope within one access-token lifetime.

A scope the person may not have is left out of the token, not refused (RFC 6749 §3.3: the server may issue fewer
scopes than asked, and says which in the token response): the step-up 403 then repeats and the tool stays closed.
A scope without a rule is granted to whoever asks for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chalice_mcp.settings import ScopeGrant, Settings


def meets(rule: ScopeGrant, claims: Mapping[str, Any]) -> bool:
    """Whether `claims` meet `rule`; a missing claim never does."""
    if rule.claim not in claims:
        return False
    value = claims[rule.claim]
    if rule.contains is not None:
        if isinstance(value, str):
            # Some providers write a list claim as one space-separated string (as OAuth writes `scope`).
            return rule.contains in value.split()
        return isinstance(value, list) and rule.contains in value
    # `True == 1` in Python: a boolean rule matches only a boolean claim.
    return type(value) is type(rule.equals) and value == rule.equals


class ScopeGrants:
    def __init__(self, settings: Settings) -> None:
        self.rules: dict[str, ScopeGrant] = dict(settings.oauth_scope_grants)

    def granted(self, requested: Iterable[str], claims: Mapping[str, Any] | None) -> list[str]:
        """The requested scopes the person may have, in the requested order. `claims` None: the upstream said
        nothing of the person (no ID token), so no scope with a rule."""
        return [
            scope
            for scope in requested
            if (rule := self.rules.get(scope)) is None or (claims is not None and meets(rule, claims))
        ]

    def claims_to_keep(self, claims: Mapping[str, Any]) -> dict[str, Any]:
        """The claims the rules read, and no other: what a code keeps until it is exchanged."""
        names = {rule.claim for rule in self.rules.values()}
        return {name: value for name, value in claims.items() if name in names}
