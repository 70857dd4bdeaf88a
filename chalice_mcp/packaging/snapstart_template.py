"""SnapStart in the SAM template `chalice package` writes, for any app, whatever its functions and routes are named.

SnapStart snapshots only published versions, so each function gets `AutoPublishAlias` (SAM then publishes a version
and points the alias at it on every deploy) and `SnapStart: {ApplyOn: PublishedVersions}`. Whatever invokes a
function must then invoke its alias, or it runs the unpublished `$LATEST` without SnapStart: the API's integrations
and authorizers (Chalice writes them as `${Function.Arn}` inside `Fn::Sub`), the invoke permissions (which API
Gateway needs on the alias it calls, else every request is a 500), and any other `Fn::GetAtt [Function, Arn]`.
SAM itself points a function's `Events` at the alias.

Chalice 1.34's log group for `log_retention_in_days` is named after `${ApiHandler}`, a resource that does not exist
while the function is `APIHandler` (aws/chalice#2079), so the template would not deploy. Such a group is named after
the stack and its function instead, and the function is pointed at it (an app's merge template may have done both
already; then it is left as it is).

The rewrite is a function of the template alone, changes nothing it is given, and rewriting twice equals once.
"""

from __future__ import annotations

import copy
import re
from typing import Any

FUNCTION_TYPE = "AWS::Serverless::Function"
PERMISSION_TYPE = "AWS::Lambda::Permission"
LOG_GROUP_TYPE = "AWS::Logs::LogGroup"
ALIAS_NAME = "live"
SNAPSTART = {"ApplyOn": "PublishedVersions"}
# Lambda's SnapStart for Python starts with the python3.12 runtime.
OLDEST_SNAPSTART_PYTHON = (3, 12)
# The MCP endpoint's route, whatever prefix the app registers the Blueprint under.
MCP_ROUTE_SUFFIX = "/mcp"

_PYTHON_RUNTIME = re.compile(r"^python(\d+)\.(\d+)$")
_MISSING_RESOURCE_LOG_GROUP = re.compile(r"^/aws/lambda/\$\{(\w+)\}$")


class SnapStartTemplateError(ValueError):
    """The template cannot be given SnapStart; the message says why."""


def with_snapstart(template: dict[str, Any]) -> dict[str, Any]:
    """`template` with SnapStart on every function and every caller of a function through its alias."""
    rewritten = copy.deepcopy(template)
    resources: dict[str, Any] = rewritten.get("Resources", {})
    functions = [name for name, resource in resources.items() if resource.get("Type") == FUNCTION_TYPE]
    if not functions:
        raise SnapStartTemplateError("the template has no AWS::Serverless::Function: is it `chalice package` output?")
    for name in functions:
        properties = resources[name].setdefault("Properties", {})
        check_snapstart_runtime(name, properties.get("Runtime"))
        properties.setdefault("AutoPublishAlias", ALIAS_NAME)
        properties["SnapStart"] = dict(SNAPSTART)
    for name, resource in resources.items():
        if name in functions:
            continue
        if resource.get("Type") == PERMISSION_TYPE:
            _invoke_alias_in_permission(resource, functions)
        resources[name] = _through_aliases(resource, functions)
    _log_to_existing_groups(resources, functions)
    _add_outputs(rewritten, resources, functions)
    return rewritten


def check_snapstart_runtime(function: str, runtime: object) -> None:
    match = _PYTHON_RUNTIME.match(runtime) if isinstance(runtime, str) else None
    if match is None or (int(match[1]), int(match[2])) < OLDEST_SNAPSTART_PYTHON:
        raise SnapStartTemplateError(
            f"{function} runs on {runtime}, and SnapStart for Python needs python3.12 or later: "
            "run `chalice package` from a Python 3.12+ environment"
        )


def _invoke_alias_in_permission(permission: dict[str, Any], functions: list[str]) -> None:
    properties = permission.get("Properties", {})
    target = properties.get("FunctionName")
    for function in functions:
        if target in ({"Ref": function}, {"Fn::GetAtt": [function, "Arn"]}):
            properties["FunctionName"] = {"Ref": f"{function}.Alias"}


def _through_aliases(value: Any, functions: list[str]) -> Any:
    """`value` with every `${F.Arn}` in an `Fn::Sub` and every `Fn::GetAtt [F, Arn]` naming F's alias instead."""
    if isinstance(value, list):
        return [_through_aliases(item, functions) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Fn::GetAtt"}:
        for function in functions:
            if value["Fn::GetAtt"] in ([function, "Arn"], f"{function}.Arn"):
                return {"Ref": f"{function}.Alias"}
        return value
    if set(value) == {"Fn::Sub"}:
        return _sub_through_aliases(value["Fn::Sub"], functions)
    return {key: _through_aliases(item, functions) for key, item in value.items()}


def _sub_through_aliases(sub: Any, functions: list[str]) -> dict[str, Any]:
    text, variables = (sub, {}) if isinstance(sub, str) else (sub[0], dict(sub[1]))
    named = [function for function in functions if f"${{{function}.Arn}}" in text]
    if not named:
        return {"Fn::Sub": sub}
    for function in named:
        # One function in a string is the usual case (an integration or an authorizer URI): its variable is
        # AliasArn; several get one each.
        variable = "AliasArn" if len(named) == 1 else f"{function}AliasArn"
        text = text.replace(f"${{{function}.Arn}}", f"${{{variable}}}")
        variables[variable] = {"Ref": f"{function}.Alias"}
    return {"Fn::Sub": [text, variables]}


def _log_to_existing_groups(resources: dict[str, Any], functions: list[str]) -> None:
    by_lower_name = {function.lower(): function for function in functions}
    for name, resource in resources.items():
        if resource.get("Type") != LOG_GROUP_TYPE:
            continue
        properties = resource.get("Properties", {})
        group_name = properties.get("LogGroupName")
        sub = group_name.get("Fn::Sub") if isinstance(group_name, dict) else None
        match = _MISSING_RESOURCE_LOG_GROUP.match(sub) if isinstance(sub, str) else None
        if match is None or match[1] in resources or match[1].lower() not in by_lower_name:
            continue
        function = by_lower_name[match[1].lower()]
        properties["LogGroupName"] = {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}-{function}"}
        resources[function]["Properties"].setdefault("LoggingConfig", {"LogGroup": {"Ref": name}})


def _add_outputs(template: dict[str, Any], resources: dict[str, Any], functions: list[str]) -> None:
    outputs = template.setdefault("Outputs", {})
    for function in functions:
        outputs.setdefault(f"{function}AliasArn", {"Value": {"Ref": f"{function}.Alias"}})
    endpoint_url = _mcp_endpoint_url(resources)
    if endpoint_url is not None:
        outputs.setdefault("MCPEndpointURL", {"Value": {"Fn::Sub": endpoint_url}})


def _mcp_endpoint_url(resources: dict[str, Any]) -> str | None:
    """The URL of the one `POST …/mcp` route of Chalice's REST API, when it has exactly one."""
    api = resources.get("RestAPI", {}).get("Properties", {})
    paths = api.get("DefinitionBody", {}).get("paths", {})
    routes = [path for path, operations in paths.items() if path.endswith(MCP_ROUTE_SUFFIX) and "post" in operations]
    stage = api.get("StageName")
    if len(routes) != 1 or not isinstance(stage, str):
        return None
    return f"https://${{RestAPI}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{stage}{routes[0]}"
