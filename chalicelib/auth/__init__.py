"""Who may call the server: OAuth 2.1 bearer tokens checked against the issuer's keys, and the metadata that tells
clients where to get them."""

from chalicelib.auth.oauth_authorizer import OAuthAuthorizer
from chalicelib.auth.protected_resource import metadata_reply

__all__ = ["OAuthAuthorizer", "metadata_reply"]
