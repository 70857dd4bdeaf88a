"""An httpx transport that sends requests for some paths to another process than their URL names: two
`chalice local` processes behind one public URL, as two Lambda containers behind one API Gateway stage answer the
steps of one sign-in."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx2


class RoutingTransport(httpx2.AsyncBaseTransport):
    """Requests whose path is a key of `routes` go to that base URL (scheme, host and port); the rest as addressed.
    `sent` records (path, base URL it went to) for each request."""

    def __init__(self, routes: Mapping[str, str]) -> None:
        self.routes = dict(routes)
        self.sent: list[tuple[str, str]] = []
        self._transport: httpx2.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        target = self.routes.get(request.url.path)
        if target is not None:
            parts = urlsplit(target)
            request.url = request.url.copy_with(scheme=parts.scheme, host=parts.hostname, port=parts.port)
        self.sent.append((request.url.path, f"{request.url.scheme}://{request.url.host}:{request.url.port}"))
        if self._transport is None:
            self._transport = httpx2.AsyncHTTPTransport()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        """Closes the connections only: a client that closes it may be followed by another that uses it."""
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None
