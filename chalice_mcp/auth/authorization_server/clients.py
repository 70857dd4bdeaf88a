"""Who the MCP clients are: a CIMD client is its metadata document (fetched, checked, cached); any other client was
registered by Dynamic Client Registration (RFC 7591) and is read from the store."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import Any

from mcp.shared.auth import OAuthClientInformationFull
from pydantic import ValidationError

from chalice_mcp.auth.authorization_server.client_documents import (
    ClientDocumentCache,
    ClientDocumentError,
    is_client_id_url,
)
from chalice_mcp.auth.authorization_server.sealing import SealedValueInvalid, Sealer
from chalice_mcp.auth.authorization_server.stores import GrantStore

# Schemes a browser must never be sent to with a code in the URL.
REFUSED_REDIRECT_SCHEMES = frozenset({"javascript", "data", "file", "vbscript", "blob"})


def redirect_uri_problem(uri: str) -> str | None:
    """Why a client may not name `uri` as a redirect URI (OAuth 2.1 §2.3.1, RFC 8252 §7.3), or None."""
    parts = urllib.parse.urlsplit(uri)
    if not parts.scheme or parts.scheme.lower() in REFUSED_REDIRECT_SCHEMES:
        return f"redirect URI scheme {parts.scheme!r} is not allowed"
    if parts.fragment:
        return "a redirect URI must not have a fragment"
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return "an http redirect URI must be on localhost (RFC 8252 §7.3); use https"
    return None


CLIENT_KIND = "client"
# A registered client's secret is kept sealed: whoever reads the store cannot authenticate as the client.
SECRET_PURPOSE = "client-secret"  # noqa: S105 - a sealing purpose, not a secret
SEALED_SECRET_FIELD = "sealed_client_secret"  # noqa: S105 - a field name
# Registered clients are kept for a year after registration; a client unused that long registers again.
CLIENT_LIFETIME_SECONDS = 365 * 86_400
# A CIMD client cannot hold a secret shared with this server: it is a public client (PKCE) or proves a key.
CIMD_AUTH_METHODS = frozenset({"none"})


class ClientRegistry:
    def __init__(
        self,
        store: GrantStore,
        documents: ClientDocumentCache,
        scopes: Sequence[str],
        allow_local_documents: bool,
        sealer: Sealer,
    ) -> None:
        self.store = store
        self.sealer = sealer
        self.documents = documents
        self.scope = " ".join(scopes) or None
        self.allow_local_documents = allow_local_documents

    def client(self, client_id: str, timeout_seconds: float) -> OAuthClientInformationFull | None:
        """The client, or None when there is none such. A CIMD client whose document cannot be used raises
        `ClientDocumentError`."""
        if is_client_id_url(client_id):
            return self.metadata_document_client(client_id, timeout_seconds)
        record = self.store.get(CLIENT_KIND, client_id)
        if record is None:
            return None
        if (sealed := record.pop(SEALED_SECRET_FIELD, None)) is not None:
            try:
                record["client_secret"] = self.sealer.open(SECRET_PURPOSE, str(sealed))["secret"]
            except (SealedValueInvalid, KeyError):
                # Sealed under a key the server no longer has: the client is unknown, and registers again.
                return None
        # The scopes are this server's to grant (MCP_OAUTH_SCOPE_GRANTS): whatever a client registered with, it may
        # ask for any of them, a tool's extra scope at a step-up included.
        return OAuthClientInformationFull.model_validate({**record, "scope": self.scope})

    def metadata_document_client(self, client_id: str, timeout_seconds: float) -> OAuthClientInformationFull:
        document = self.documents.document(client_id, timeout_seconds, self.allow_local_documents)
        return client_from_document(client_id, document, self.scope)

    def register(self, client: OAuthClientInformationFull) -> None:
        record = client.model_dump(mode="json")
        if secret := record.pop("client_secret", None):
            record[SEALED_SECRET_FIELD] = self.sealer.seal(SECRET_PURPOSE, {"secret": secret}, CLIENT_LIFETIME_SECONDS)
        self.store.put(CLIENT_KIND, client.client_id, record, CLIENT_LIFETIME_SECONDS)


def client_from_document(client_id: str, document: dict[str, Any], scope: str | None) -> OAuthClientInformationFull:
    """The client a metadata document describes, when it may be used (draft §4, §8.1)."""
    # Simple string comparison, no normalisation (draft §3).
    if document.get("client_id") != client_id:
        raise ClientDocumentError("the client metadata document's client_id is not the URL it was fetched from")
    method = document.get("token_endpoint_auth_method", "none")
    if method not in CIMD_AUTH_METHODS:
        raise ClientDocumentError(f"token_endpoint_auth_method {method!r} is not supported for a client_id URL")
    if "client_secret" in document or "client_secret_expires_at" in document:
        raise ClientDocumentError("a client metadata document must not contain a client_secret")
    redirect_uris = document.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not redirect_uris:
        raise ClientDocumentError("the client metadata document has no redirect_uris")
    for uri in redirect_uris:
        if not isinstance(uri, str) or (problem := redirect_uri_problem(uri)) is not None:
            raise ClientDocumentError(f"the client metadata document's redirect_uris: {problem or 'not a string'}")
    fields = {
        name: document[name]
        for name in ("client_name", "client_uri", "logo_uri", "software_id", "software_version", "response_types")
        if name in document
    }
    try:
        return OAuthClientInformationFull.model_validate(
            {
                **fields,
                "client_id": client_id,
                "redirect_uris": redirect_uris,
                "token_endpoint_auth_method": "none",
                "grant_types": ["authorization_code", "refresh_token"],
                # The scopes are this server's to grant; a document can only ask for them.
                "scope": scope,
            }
        )
    except ValidationError as invalid:
        fields_named = ", ".join(sorted({str(error["loc"][0]) for error in invalid.errors() if error["loc"]}))
        raise ClientDocumentError(f"the client metadata document has invalid fields: {fields_named}") from None
