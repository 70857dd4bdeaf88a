"""Chalice's request and response types on one side, the bridge's plain `HttpRequest`/`HttpReply` on the other."""

from __future__ import annotations

from urllib.parse import urlencode

from chalice import Response
from chalice.app import Request

from chalicelib.bridge.exchange import HttpReply, HttpRequest


def http_request_from_chalice(request: Request, path: str) -> HttpRequest:
    """The Chalice request as an `HttpRequest`: header names lower-cased, values trimmed, body as the bytes sent."""
    raw_body = request.raw_body or b""
    body = raw_body if isinstance(raw_body, bytes) else raw_body.encode("utf-8")
    query = urlencode(dict(request.query_params)) if request.query_params else ""
    # RFC 9110 §5.5: whitespace around a field value is not part of it. `chalice local` keeps trailing blanks, and
    # the SDK compares Mcp-Name and Mcp-Method with the body exactly.
    headers = {name.lower(): value.strip(" \t") for name, value in request.headers.items()}
    request_id = (request.context or {}).get("requestId")
    return HttpRequest(
        method=request.method.upper(),
        path=path,
        headers=headers,
        body=body,
        query_string=query,
        request_id=request_id,
    )


def chalice_response(reply: HttpReply) -> Response:
    """A Chalice `Response`. It carries no Content-Length: Chalice and API Gateway set exactly one themselves."""
    headers = {name: value for name, value in reply.headers.items() if name.lower() != "content-length"}
    body = reply.body.decode("utf-8") if reply.body else ""
    return Response(body=body, status_code=reply.status, headers=headers)
