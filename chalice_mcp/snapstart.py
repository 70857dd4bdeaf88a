"""SnapStart runtime hooks: prime the container before its snapshot, refresh what must differ after a restore.

Under SnapStart the catalogue is registered at init, but a restored container's first request would still pay for
every first-time path (the SDK's validators and serializers for each method, each tool's argument model and result
model, the code behind the tools). Before the snapshot the endpoint can answer one request of each kind in-process
(every tool with an example call the server's author gives), so a restored container starts warm. The Lambda Python
runtime provides `snapshot_restore_py`; it exists nowhere else, so the hooks are registered only where it can be
imported.
"""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable, Mapping
from typing import Any

from mcp_types.version import LATEST_HANDSHAKE_VERSION, LATEST_MODERN_VERSION

from chalice_mcp.bridge.exchange import HttpRequest
from chalice_mcp.settings import ENDPOINT_PATH

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
