"""Who may call the server: OAuth 2.1 bearer tokens checked against the issuer's keys (`oauth_authorizer`), and the
metadata that tells clients where to get them (`protected_resource`).

Nothing is imported here: an authless server never loads PyJWT and cryptography, which would lengthen its cold start.
"""
