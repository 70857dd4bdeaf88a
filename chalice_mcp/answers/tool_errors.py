"""A tool error as the caller reads it: one plain line per refused argument, a domain `ToolError` in its own words,
and for a crash only that the tool failed.

The SDK answers a failed `tools/call` with an error result whose text is the `ToolError` it raised: for arguments
its pydantic model refuses, "Error executing tool <name>: " and pydantic's multi-line report with documentation
URLs; for a `ToolError` the tool raised, that same prefix before the tool's message; for any other exception (a
bug), "Error executing tool <name>". This module rewrites that text, for any server.
"""

from __future__ import annotations

import re
from typing import TypeVar, cast

Result = TypeVar("Result")

# pydantic-core's display of a ValidationError: a header, then each problem's location and, indented, its message.
_REPORT_HEADER = re.compile(r"\d+ validation errors? for \S+")
_PROBLEM = re.compile(r"  (?P<message>.+?) \[type=[\w.-]+(?:, input_value=(?P<input>.*), input_type=\w+)?\]")
# pydantic words a constraint as "Input should be ...", "String should match ...": the subject is the argument.
_SHOULD = re.compile(r"^[A-Z]\w* should ")
# The SDK names a resolver that refused the client's answer to a question by its module path ("Resolver
# 'pkg.module:function' received ..."): the caller reads that the answer did not fit, nothing of the server's code.
_RESOLVER_REFUSAL = re.compile(r"Resolver '[^']*':? (?P<why>.+)", re.DOTALL)
_RESOLVER_REASONS = {
    "received an accepted elicitation whose content does not match the requested schema": (
        "its content does not match the requested form"
    ),
    "received an accepted elicitation with no content": "it was accepted with no content",
}
# Long enough to recognise a value, short enough that a refusal never carries a whole document back.
ECHO_CHARACTERS = 40


def crash_text(tool_name: str) -> str:
    """What the caller reads when a tool raised an exception it did not mean to: nothing of the exception."""
    return f"internal error in tool {tool_name}"


def caller_text(tool_name: str, sdk_text: str) -> str:
    """The text of the SDK's tool error, as the caller should read it."""
    return plain_message(without_resolver_name(sdk_text.removeprefix(f"Error executing tool {tool_name}: ")))


def without_resolver_name(message: str) -> str:
    """`message` as it is, unless it is the SDK's refusal of an answer to a question: then without the resolver's
    name."""
    matched = _RESOLVER_REFUSAL.fullmatch(message)
    if matched is None:
        return message
    why = _RESOLVER_REASONS.get(matched["why"], matched["why"].removeprefix("received "))
    return f"the answer to the server's question was not usable: {why}"


def plain_message(message: str) -> str:
    """`message` as it is, unless it is pydantic's report of refused arguments: then one plain line per argument."""
    first_line, _, rest = message.partition("\n")
    if _REPORT_HEADER.fullmatch(first_line):
        return refused_arguments(rest) or "the arguments are not valid"
    return message


def refused_arguments(report: str) -> str:
    """One line per argument that pydantic's report (its lines after the header) refuses, in the caller's order:
    `quantity must be less than or equal to 1000 (got 5000)`."""
    problems: dict[str, list[tuple[str, str, str | None]]] = {}
    location: str | None = None
    for line in report.splitlines():
        if not line.startswith(" "):
            location = line
            continue
        matched = _PROBLEM.fullmatch(line)
        if matched is None or location is None:
            continue
        argument = location.split(".", 1)[0]
        problems.setdefault(argument, []).append((location, matched["message"], matched["input"]))
    return "\n".join(_describe(argument, found) for argument, found in problems.items())


def _describe(argument: str, problems: list[tuple[str, str, str | None]]) -> str:
    location, message, value = problems[0]
    if message == "Field required":
        return f"{argument} is required"
    if len(problems) > 1 and all(_is_union_member(found[0], argument) for found in problems):
        # A value that fits no member of a union: each member's reason, once.
        reasons = list(dict.fromkeys(_reason(found[1]).removeprefix("must ") for found in problems))
        return f"{argument} must {' or '.join(reasons)}{_echo(value)}"
    return f"{location} {_reason(message)}{_echo(value)}"


def _is_union_member(location: str, argument: str) -> bool:
    """`time_s.float`, `time_s.str`: pydantic names the union member a problem is about after the argument."""
    parts = location.split(".")
    return len(parts) == 2 and parts[0] == argument and not parts[1].isdigit()


def _reason(message: str) -> str:
    return _SHOULD.sub("must ", message, count=1) if _SHOULD.match(message) else f"is not valid: {message}"


def _echo(value: str | None) -> str:
    if value is None:
        return ""
    cut = value if len(value) <= ECHO_CHARACTERS else value[: ECHO_CHARACTERS - 1] + "…"
    return f" (got {cut})"


def rewritten_result(tool_name: str, result: Result, crashed: bool) -> Result:
    """The wire form of an error result with its text as the caller should read it; any other result as it is."""
    if not isinstance(result, dict) or result.get("isError") is not True:
        return result
    content = result.get("content")
    if not isinstance(content, list) or len(content) != 1 or not isinstance(content[0], dict):
        return result
    text = content[0].get("text")
    if not isinstance(text, str):
        return result
    caller_facing = crash_text(tool_name) if crashed else caller_text(tool_name, text)
    if caller_facing == text:
        return result
    return cast(Result, {**result, "content": [{**content[0], "text": caller_facing}]})
