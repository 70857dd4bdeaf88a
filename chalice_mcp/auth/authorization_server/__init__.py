"""The endpoint as its own OAuth 2.1 authorization server, in front of an upstream OpenID provider (Cognito, or any
other) that only signs people in: MCP clients register with a Client ID Metadata Document or by Dynamic Client
Registration, see a consent page, sign in upstream, and get this server's own tokens.

Imported only when MCP_OAUTH_UPSTREAM_ISSUER is configured: the cold start of other deployments does not pay for it.
The SDK's handlers (`mcp.server.auth.handlers`) answer /authorize, /token, /register and /revoke; `provider` is the
`OAuthAuthorizationServerProvider` behind them; `routes` runs them through the bridge's ASGI exchange.
"""
