"""SnapStart runtime hooks: prime the container before its snapshot, refresh what must differ after a restore.

Under SnapStart the catalogue is registered at init, but a restored container's first request would still pay for
every first-time path (the SDK's validators and serializers for each method, each tool's argument model and result
model, the code behind the tools). Before the snapshot the endpoint can answer one request of each kind in-process
(`prime_endpoint`, which `mcp_blueprint(..., prime=True)` runs), so a restored container starts warm. The Lambda
Python runtime provides `snapshot_restore_py`; it exists nowhere else, so the hooks are registered only where it can
be imported.

Which tools priming calls: a tool is called only with arguments its author gave. Either the app passes
`example_calls` (tool name → arguments), or a tool declares them in its input schema — JSON Schema `examples`, which
pydantic writes from `Field(examples=[...])` — for every required argument, and says it is read-only
(`readOnlyHint`): a snapshot is taken at every deployment, and a tool that writes must not run for it.
"""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from mcp_types.version import LATEST_HANDSHAKE_VERSION, LATEST_MODERN_VERSION

from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from chalice_mcp.garbage_collector import paused_while_starting
from chalice_mcp.settings import ENDPOINT_PATH

if TYPE_CHECKING:
    from chalice_mcp.endpoint import MCPEndpoint

RUNTIME_HOOKS_MODULE = "snapshot_restore_py"
_CLIENT_INFO = {"name": "snapstart-priming", "version": "1"}


def register_runtime_hooks(before_snapshot: Callable[[], None], after_restore: Callable[[], None]) -> bool:
    """Register both hooks with the Lambda runtime; False (and nothing registered) where the runtime is absent."""
    try:
        runtime = importlib.import_module(RUNTIME_HOOKS_MODULE)
    except ModuleNotFoundError:
        return False
    runtime.register_before_snapshot(before_snapshot)
    runtime.register_after_restore(after_restore)
    return True


def refresh_after_restore() -> None:
    """Every container restored from one snapshot starts with the same `random` state: give each its own."""
    random.seed()


def prime_endpoint(
    endpoint: MCPEndpoint,
    example_calls: Mapping[str, Mapping[str, Any]] | None = None,
    resource_uri: str | None = None,
) -> None:
    """Answer one request of each kind in-process, from the server's own catalogue: the handshake and discovery, the
    lists, a read of `resource_uri` (else of the first resource listed), and a call of each tool in `example_calls`
    (else of each read-only tool whose schema gives an example for every required argument). Nothing is logged,
    counted or refused on the way (`answer_in_process`).

    The cyclic collector is paused meanwhile, and what priming built is then frozen (`gc.freeze()`): it is kept for
    the container's life, and a restored container's first collection would otherwise walk it all, faulting in every
    page of it from the snapshot — slower than not priming at all."""
    with paused_while_starting():
        endpoint.prepare()
        answer = endpoint.bridge.answer_in_process
        if example_calls is None:
            example_calls = declared_example_calls(_listed(answer, "tools/list", "tools"))
        if resource_uri is None:
            resources = _listed(answer, "resources/list", "resources")
            resource_uri = str(resources[0]["uri"]) if resources else None
        for request in priming_requests(example_calls, resource_uri):
            answer(request)


def declared_example_calls(tools: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Tool name → the example call its listing declares, for the read-only tools that declare one (`tools/list`
    entries as the wire gives them)."""
    calls: dict[str, dict[str, Any]] = {}
    for tool in tools:
        if (tool.get("annotations") or {}).get("readOnlyHint") is not True:
            continue
        call = example_arguments(tool.get("inputSchema") or {})
        if call is not None:
            calls[str(tool["name"])] = call
    return calls


def example_arguments(input_schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """The first of the schema's own `examples`, else each argument's first example; None unless every required
    argument has one (a tool without arguments declares none, so it is not called)."""
    whole = input_schema.get("examples")
    if isinstance(whole, list) and whole and isinstance(whole[0], dict):
        return dict(whole[0])
    call = {
        name: schema["examples"][0]
        for name, schema in (input_schema.get("properties") or {}).items()
        if isinstance(schema, dict) and isinstance(schema.get("examples"), list) and schema["examples"]
    }
    if not call or any(name not in call for name in input_schema.get("required") or []):
        return None
    return call


# A list is read page by page; a server that never stops paging is cut off here.
_MAX_LIST_PAGES = 50


def _listed(answer: Callable[[HttpRequest], HttpReply], method: str, key: str) -> list[dict[str, Any]]:
    """Every item of a list, as the wire gives them; what cannot be read ends the list (priming is an optimisation:
    it must never fail the snapshot)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    for _ in range(_MAX_LIST_PAGES):
        reply = answer(_handshake(method, params))
        try:
            message = json.loads(reply.body) if reply.status == 200 else None
        except ValueError:
            message = None
        result = message.get("result") if isinstance(message, dict) else None
        if not isinstance(result, dict):
            break
        items += [item for item in result.get(key, []) if isinstance(item, dict)]
        if not result.get("nextCursor"):
            break
        params = {"cursor": result["nextCursor"]}
    return items


def priming_requests(
    example_calls: Mapping[str, Mapping[str, Any]], resource_uri: str | None = None
) -> list[HttpRequest]:
    """One request of each kind, in both protocol eras: the handshake or discovery, the lists, `resources/read`
    of `resource_uri` (when there is one), and a call of every tool (name → arguments of a valid call)."""
    requests = [
        _handshake(
            "initialize",
            {"protocolVersion": LATEST_HANDSHAKE_VERSION, "capabilities": {}, "clientInfo": _CLIENT_INFO},
        ),
        _modern("server/discover", {}),
    ]
    for era in (_handshake, _modern):
        requests += [
            era("tools/list", {}),
            era("resources/list", {}),
            era("resources/templates/list", {}),
            era("prompts/list", {}),
        ]
        if resource_uri is not None:
            requests.append(era("resources/read", {"uri": resource_uri}))
        requests += [
            era("tools/call", {"name": name, "arguments": dict(arguments)}) for name, arguments in example_calls.items()
        ]
    return requests


def _handshake(method: str, params: dict[str, Any]) -> HttpRequest:
    headers = {"mcp-protocol-version": LATEST_HANDSHAKE_VERSION}
    return _post({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, headers)


def _modern(method: str, params: dict[str, Any]) -> HttpRequest:
    meta = {
        "io.modelcontextprotocol/protocolVersion": LATEST_MODERN_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": _CLIENT_INFO,
    }
    headers = {"mcp-protocol-version": LATEST_MODERN_VERSION, "mcp-method": method}
    if "name" in params or "uri" in params:
        headers["mcp-name"] = params.get("name") or params["uri"]
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": {**params, "_meta": meta}}
    return _post(body, headers)


def _post(body: dict[str, Any], headers: dict[str, str]) -> HttpRequest:
    all_headers = {"content-type": "application/json", "accept": "application/json, text/event-stream", **headers}
    return HttpRequest("POST", ENDPOINT_PATH, all_headers, json.dumps(body).encode())
