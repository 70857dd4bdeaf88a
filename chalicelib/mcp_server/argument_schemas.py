"""How the tools' arguments read in `tools/list`: every argument's unit, range and description, without the JSON
Schema generator's repetitions (the endpoint cuts the titles it generates from names, `chalice_mcp.answers`).

A model reads the whole tool list in every conversation that has the server connected, so each byte of it is paid
again and again. pydantic's generator adds a title made from each argument's name ("Max Heart Rate Bpm"), spells an
optional argument as `anyOf [T, null]` with `default: null`, and a range written into a description repeats the
schema's `minimum`/`maximum`. The SDK validates a call with the pydantic model, never with the advertised schema, so
what is cut here changes what clients read, not what the server accepts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field
from pydantic.config import JsonDict

if TYPE_CHECKING:
    # The server lists tools through this module at container start, before the domain is imported.
    from chalicelib.fitness.units import Bounds


def within(bounds: Bounds, description: str) -> Any:
    """A required argument in the domain's own range: the range is the schema's `minimum`/`maximum`, and the
    description ends with the unit."""
    unit = f", {bounds.unit}" if bounds.unit else ""
    field = Field(ge=bounds.low, le=bounds.high, description=f"{description}{unit}")
    # Pydantic ignores metadata it does not know; `argument_errors` reads the range back to word a refusal.
    field.metadata.append(bounds)
    return field


def optional(description: str) -> Any:
    """An argument that may be left out: its default (`None`) stays in the signature, out of the schema."""
    return Field(description=description, json_schema_extra=_without_null)


def _without_null(schema: JsonDict) -> None:
    """Leaving an argument out is what "no value" means here, so neither a `null` branch nor `default: null` is
    advertised (the model still accepts an explicit `null`, as before)."""
    if schema.get("default", ...) is None:
        del schema["default"]
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        kept = [branch for branch in branches if branch != {"type": "null"}]
        del schema["anyOf"]
        if len(kept) == 1 and isinstance(kept[0], dict):
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
