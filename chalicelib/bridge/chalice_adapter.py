"""Chalice's request and response types on one side, the bridge's plain `HttpRequest`/`HttpReply` on the other."""

from __future__ import annotations

from urllib.parse import urlencode

from chalice.app import Chalice, Response

from chalicelib.bridge.exchange import HttpReply, HttpRequest


def http_request_from_chalice(app: Chalice, path: str) -> HttpRequest:
    """The app's current request as an `HttpRequest`: names lower-cased, values trimmed, the body as sent."""
    request = app.current_request
    if request is None:
        raise RuntimeError("called outside a Chalice request")
    raw_body = request.raw_body or b""
    body = raw_body if isinstance(raw_body, bytes) else raw_body.encode("utf-8")
    query = urlencode(dict(request.query_params)) if request.query_params else ""
    # RFC 9110 §5.5: whitespace around a field value is not part of it. `chalice local` keeps trailing blanks, and
    # the SDK compares Mcp-Name and Mcp-Method with the body exactly.
    headers = {name.lower(): value.strip(" \t") for name, value in request.headers.items()}
    context = request.context or {}
    request_id = context.get("requestId")
    # API Gateway's context path is the path the client asked for, stage included (`/api/mcp`); chalice local's
    # has no stage.
    client_path = str(context.get("path") or path)
    path_prefix = client_path[: -len(path)].rstrip("/") if client_path.endswith(path) else ""
    # Chalice sets the Lambda context on the app for each invocation; `chalice local` gives a stand-in.
    invocation_id = getattr(getattr(app, "lambda_context", None), "aws_request_id", None)
    identity = context.get("identity")
    # API Gateway's id of the API key it checked; the key itself (`apiKey`) is never read.
    api_key_id = identity.get("apiKeyId") if isinstance(identity, dict) else None
    return HttpRequest(
        method=request.method.upper(),
        path=path,
        headers=headers,
        body=body,
        query_string=query,
        request_id=request_id,
        invocation_id=invocation_id,
        path_prefix=path_prefix,
        api_key_id=str(api_key_id) if api_key_id else None,
    )


def chalice_response(reply: HttpReply) -> Response:
    """A Chalice `Response`. It carries no Content-Length: Chalice and API Gateway set exactly one themselves."""
    headers: dict[str, str | list[str]] = {
        name: value for name, value in reply.headers.items() if name.lower() != "content-length"
    }
    body = reply.body.decode("utf-8") if reply.body else ""
    return Response(body=body, status_code=reply.status, headers=headers)
