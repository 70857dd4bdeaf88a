"""How tools' arguments read in `tools/list`: the input schema without the titles pydantic generates from names.

A model reads the whole tool list in every conversation that has the server connected, so each byte of it is paid
again and again. pydantic's generator adds a title made from each argument's name ("Max Heart Rate Bpm") and one
for the arguments' object ("quote_orderArguments"). The SDK validates a call with the pydantic model, never with the
advertised schema, so what is cut here changes what clients read, not what the server accepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

# `GenerateJsonSchema.get_title_from_name` is a method only to be overridable; it reads no generator state.
_GENERATED_TITLE = GenerateJsonSchema(by_alias=True).get_title_from_name


def without_generated_titles(input_schema: Mapping[str, Any]) -> dict[str, Any]:
    """A tool's input schema without the titles generated from names: the object's and each property's. A title
    written on purpose (one that is not its name's) stays.

    The SDK builds the schema with pydantic's default generator and offers no hook to pass another, so this runs on
    the schema it built."""
    properties = {
        name: _without_title(argument, _GENERATED_TITLE(name)) if isinstance(argument, Mapping) else argument
        for name, argument in input_schema.get("properties", {}).items()
    }
    compact = {key: value for key, value in input_schema.items() if key != "title"}
    return {**compact, "properties": properties} if "properties" in input_schema else compact


def _without_title(argument: Mapping[str, Any], generated_title: str) -> dict[str, Any]:
    return {key: value for key, value in argument.items() if not (key == "title" and value == generated_title)}


class CompactSchemas:
    """Each tool's schema as the SDK lists it, and as the endpoint does: a catalogue is fixed once registered, and
    comparing two dicts costs far less than cutting the titles again."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[Any, dict[str, Any]]] = {}

    def listed(self, tools: list[Any]) -> list[Any]:
        """The wire form of `tools/list`'s tools, each `inputSchema` compact."""
        return [self._compact_tool(tool) if isinstance(tool, dict) else tool for tool in tools]

    def _compact_tool(self, tool: dict[str, Any]) -> dict[str, Any]:
        schema = tool.get("inputSchema")
        if not isinstance(schema, dict):
            return tool
        name = str(tool.get("name"))
        known = self._known.get(name)
        if known is None or known[0] != schema:
            known = (schema, without_generated_titles(schema))
            self._known[name] = known
        return {**tool, "inputSchema": known[1]}
