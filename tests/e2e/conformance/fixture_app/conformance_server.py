"""The conformance fixture: an `MCPServer` with exactly the tools, resources, prompts and completions the official
conformance suite's scenarios expect (the python-sdk "everything" server's names), and nothing of the fitness
domain.

Tools for sampling, elicitation, logging, progress and SSE polling are registered too, although a stateless JSON
server cannot serve them: the scenarios then fail for their real reason (no back-channel, no stream), not for an
unknown tool, and `tests/e2e/conformance/expected_failures.yaml` says so.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context, Resolve, Sample, UserMessage
from mcp.server.mcpserver.tools import Tool
from mcp.shared.exceptions import MCPError
from mcp_types import (
    MISSING_REQUIRED_CLIENT_CAPABILITY,
    AudioContent,
    CallToolResult,
    ClientCapabilities,
    Completion,
    CompletionArgument,
    CompletionContext,
    CreateMessageRequest,
    CreateMessageRequestParams,
    CreateMessageResult,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    EmbeddedResource,
    ImageContent,
    InputRequest,
    InputRequiredResult,
    InputResponse,
    ListRootsRequest,
    ListRootsResult,
    MissingRequiredClientCapabilityErrorData,
    PromptReference,
    ResourceTemplateReference,
    SamplingMessage,
    TextContent,
    TextResourceContents,
)
from pydantic import BaseModel, Field

SERVER_NAME = "mcp-conformance-fixture"

# The suite's own test data: a 1x1 PNG and a minimal WAV, base64-encoded.
PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
WAV_BASE64 = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA="

# Delay between the log and progress notifications the scenarios expect, so a client sees them arrive apart.
NOTIFICATION_GAP_SECONDS = 0.05

# The inputSchema of the json-schema-2020-12 scenario, verbatim: every keyword in it must survive tools/list.
JSON_SCHEMA_2020_12_INPUT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "$anchor": "addressDef",
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {
        "name": {"type": "string"},
        "address": {"$ref": "#/$defs/address"},
        "contactMethod": {"type": "string", "enum": ["phone", "email"]},
        "phone": {"type": "string"},
        "email": {"type": "string"},
    },
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": False,
}

PROMPT_ARGUMENT_SUGGESTIONS = ("paris", "park", "party", "test", "testing")


def build_conformance_server() -> MCPServer:
    """The fixture server; built once per `chalice local` process."""
    server = MCPServer(
        SERVER_NAME,
        version="1.0.0",
        instructions="Conformance fixture for the official MCP conformance suite; serves test data only.",
        tools=[json_schema_2020_12_tool()],
        # A stateless JSON reply cannot carry a subscriptions/listen stream, so the fixture promises none.
        subscriptions=False,
        log_level="WARNING",
    )
    register_content_tools(server)
    register_back_channel_tools(server)
    register_input_required_tools(server)
    register_header_tools(server)
    register_resources(server)
    register_prompts(server)
    register_completion(server)
    return server


def json_schema_2020_12_tool() -> Tool:
    """A tool whose advertised inputSchema is the scenario's, not one derived from a signature."""

    def json_schema_2020_12_tool(name: str | None = None) -> str:
        return f"Received {name or 'nothing'}"

    tool = Tool.from_function(
        json_schema_2020_12_tool,
        name="json_schema_2020_12_tool",
        description="Tool with JSON Schema 2020-12 features",
    )
    return tool.model_copy(update={"parameters": JSON_SCHEMA_2020_12_INPUT})


def register_content_tools(server: MCPServer) -> None:
    @server.tool()
    def test_simple_text() -> str:
        """Returns simple text content."""
        return "This is a simple text response for testing."

    @server.tool()
    def test_image_content() -> list[ImageContent]:
        """Returns image content."""
        return [ImageContent(type="image", data=PNG_BASE64, mime_type="image/png")]

    @server.tool()
    def test_audio_content() -> list[AudioContent]:
        """Returns audio content."""
        return [AudioContent(type="audio", data=WAV_BASE64, mime_type="audio/wav")]

    @server.tool()
    def test_embedded_resource() -> list[EmbeddedResource]:
        """Returns an embedded text resource."""
        return [
            EmbeddedResource(
                type="resource",
                resource=TextResourceContents(
                    uri="test://embedded-resource", mime_type="text/plain", text="This is an embedded resource content."
                ),
            )
        ]

    @server.tool()
    def test_multiple_content_types() -> list[TextContent | ImageContent | EmbeddedResource]:
        """Returns text, image and an embedded resource together."""
        return [
            TextContent(type="text", text="Multiple content types test:"),
            ImageContent(type="image", data=PNG_BASE64, mime_type="image/png"),
            EmbeddedResource(
                type="resource",
                resource=TextResourceContents(
                    uri="test://mixed-content-resource",
                    mime_type="application/json",
                    text=json.dumps({"test": "data", "value": 123}),
                ),
            ),
        ]

    @server.tool()
    def test_error_handling() -> str:
        """Always fails, to show how a tool error reaches the client."""
        raise RuntimeError("This tool intentionally returns an error for testing")


class UserResponse(BaseModel):
    response: str = Field(description="User's response")


class Sep1034Defaults(BaseModel):
    """Every primitive type with a default (SEP-1034)."""

    name: str = Field(default="John Doe", description="User name")
    age: int = Field(default=30, description="User age")
    score: float = Field(default=95.5, description="User score")
    status: str = Field(
        default="active", description="User status", json_schema_extra={"enum": ["active", "inactive", "pending"]}
    )
    verified: bool = Field(default=True, description="Verification status")


class Sep1330Enums(BaseModel):
    """Every enum shape of SEP-1330."""

    untitledSingle: str = Field(
        description="Simple enum without titles", json_schema_extra={"enum": ["active", "inactive", "pending"]}
    )
    titledSingle: str = Field(
        description="Enum with titled options (oneOf)",
        json_schema_extra={
            "oneOf": [
                {"const": "low", "title": "Low Priority"},
                {"const": "medium", "title": "Medium Priority"},
                {"const": "high", "title": "High Priority"},
            ]
        },
    )
    untitledMulti: list[str] = Field(
        description="Multi-select without titles",
        json_schema_extra={"items": {"type": "string", "enum": ["read", "write", "execute"]}},
    )
    titledMulti: list[str] = Field(
        description="Multi-select with titled options",
        json_schema_extra={
            "items": {
                "anyOf": [
                    {"const": "feature", "title": "New Feature"},
                    {"const": "bug", "title": "Bug Fix"},
                    {"const": "docs", "title": "Documentation"},
                ]
            }
        },
    )
    legacyEnum: str = Field(
        description="Legacy enum with enumNames",
        json_schema_extra={
            "enum": ["small", "medium", "large"],
            "enumNames": ["Small Size", "Medium Size", "Large Size"],
        },
    )


def register_back_channel_tools(server: MCPServer) -> None:
    """Tools that talk to the client while they run; a stateless JSON exchange has no channel for that."""

    @server.tool()
    async def test_tool_with_logging(ctx: Context) -> str:
        """Sends three info log notifications while it runs."""
        for message in ("Tool execution started", "Tool processing data", "Tool execution completed"):
            await ctx.info(message)
            await asyncio.sleep(NOTIFICATION_GAP_SECONDS)
        return "Tool with logging executed successfully"

    @server.tool()
    async def test_tool_with_progress(ctx: Context) -> str:
        """Reports progress 0, 50 and 100 of 100 while it runs."""
        for progress in (0, 50, 100):
            await ctx.report_progress(progress=progress, total=100, message=f"Completed step {progress} of 100")
            await asyncio.sleep(NOTIFICATION_GAP_SECONDS)
        return "Tool with progress executed successfully"

    @server.tool()
    async def test_sampling(prompt: str, ctx: Context) -> str:
        """Asks the client's LLM to answer `prompt` (sampling/createMessage)."""
        result = await ctx.session.create_message(
            messages=[SamplingMessage(role="user", content=TextContent(type="text", text=prompt))], max_tokens=100
        )
        text = result.content.text if isinstance(result.content, TextContent) else "No response"
        return f"LLM response: {text}"

    @server.tool()
    async def test_elicitation(message: str, ctx: Context) -> str:
        """Asks the user for a response (elicitation/create)."""
        result = await ctx.elicit(message=message, schema=UserResponse)
        content = result.data.model_dump_json() if result.action == "accept" else "{}"
        return f"User response: action={result.action}, content={content}"

    @server.tool()
    async def test_elicitation_sep1034_defaults(ctx: Context) -> str:
        """Elicits a form whose fields all have defaults (SEP-1034)."""
        result = await ctx.elicit(message="Please provide user information", schema=Sep1034Defaults)
        content = result.data.model_dump_json() if result.action == "accept" else "{}"
        return f"Elicitation result: action={result.action}, content={content}"

    @server.tool()
    async def test_elicitation_sep1330_enums(ctx: Context) -> str:
        """Elicits a form with every enum shape (SEP-1330)."""
        result = await ctx.elicit(message="Please select values using different enum schema types", schema=Sep1330Enums)
        content = result.data.model_dump_json() if result.action == "accept" else "{}"
        return f"Elicitation completed: action={result.action}, content={content}"

    @server.tool()
    async def test_reconnection(ctx: Context) -> str:
        """Closes its SSE stream mid-call and expects the client to reconnect (SEP-1699)."""
        await ctx.info("Before disconnect")
        await ctx.close_sse_stream()
        await asyncio.sleep(NOTIFICATION_GAP_SECONDS)
        await ctx.info("After reconnect")
        return "Reconnection test completed"


def ask_for_a_sample() -> Sample:
    return Sample(
        messages=[SamplingMessage(role="user", content=TextContent(type="text", text="Say hello"))], max_tokens=10
    )


def require_client_capability(ctx: Context, required: ClientCapabilities) -> None:
    """Refuse with -32021 unless the client declared every capability in `required`.

    A server MUST NOT rely on a capability the client did not declare (2026-07-28, SEP-2575).
    """
    declared = ctx.client_capabilities or ClientCapabilities()
    missing = {name for name in required.model_fields_set if getattr(declared, name) is None}
    if missing:
        data = MissingRequiredClientCapabilityErrorData(required_capabilities=required)
        raise MCPError(
            code=MISSING_REQUIRED_CLIENT_CAPABILITY,
            message=f"Client did not declare the capabilities this request needs: {', '.join(sorted(missing))}",
            data=data.model_dump(by_alias=True, mode="json", exclude_none=True),
        )


def elicit(message: str, field: str, field_type: str = "string") -> ElicitRequest:
    schema = {"type": "object", "properties": {field: {"type": field_type}}, "required": [field]}
    return ElicitRequest(params=ElicitRequestFormParams(message=message, requested_schema=schema))


def sample(text: str, max_tokens: int) -> CreateMessageRequest:
    message = SamplingMessage(role="user", content=TextContent(type="text", text=text))
    return CreateMessageRequest(params=CreateMessageRequestParams(messages=[message], max_tokens=max_tokens))


def accepted(responses: dict[str, InputResponse] | None, key: str, field: str) -> Any | None:
    """The value of `field` in an accepted elicitation answered under `key`, or None."""
    answer = (responses or {}).get(key)
    if isinstance(answer, ElicitResult) and answer.action == "accept" and answer.content and field in answer.content:
        return answer.content[field]
    return None


def sampled_text(responses: dict[str, InputResponse] | None, key: str) -> str | None:
    answer = (responses or {}).get(key)
    if isinstance(answer, CreateMessageResult) and isinstance(answer.content, TextContent):
        return answer.content.text
    return None


def root_uris(responses: dict[str, InputResponse] | None, key: str) -> list[str] | None:
    answer = (responses or {}).get(key)
    return [str(root.uri) for root in answer.roots] if isinstance(answer, ListRootsResult) else None


def text_result(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)])


ELICITATION = ClientCapabilities.model_validate({"elicitation": {}})
SAMPLING = ClientCapabilities.model_validate({"sampling": {}})
ROOTS = ClientCapabilities.model_validate({"roots": {}})
ALL_INPUTS = ClientCapabilities.model_validate({"elicitation": {}, "sampling": {}, "roots": {}})


def register_input_required_tools(server: MCPServer) -> None:
    """The 2026-07-28 multi-round-trip tools (SEP-2322): questions ride in the result, answers in the retry.

    The SDK seals every `request_state` these tools mint and verifies the echo before a tool sees it, so a tool
    reads back only plaintext it wrote.
    """

    @server.tool()
    async def test_missing_capability(greeting: Annotated[CreateMessageResult, Resolve(ask_for_a_sample)]) -> str:
        """Needs a sampling answer; a client that did not declare sampling gets -32021."""
        return f"Sampled: {greeting.content}"

    @server.tool()
    async def test_input_required_result_elicitation(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks for the caller's name, then greets them."""
        require_client_capability(ctx, ELICITATION)
        name = accepted(ctx.input_responses, "user_name", "name")
        if name is None:
            return InputRequiredResult(input_requests={"user_name": elicit("What is your name?", "name")})
        return text_result(f"Hello, {name}!")

    @server.tool()
    async def test_input_required_result_sampling(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks the client's LLM a question, then returns its answer."""
        require_client_capability(ctx, SAMPLING)
        answer = sampled_text(ctx.input_responses, "capital_question")
        if answer is None:
            question = sample("What is the capital of France?", max_tokens=100)
            return InputRequiredResult(input_requests={"capital_question": question})
        return text_result(f"The model answered: {answer}")

    @server.tool()
    async def test_input_required_result_list_roots(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks for the client's roots, then lists them."""
        require_client_capability(ctx, ROOTS)
        roots = root_uris(ctx.input_responses, "client_roots")
        if roots is None:
            return InputRequiredResult(input_requests={"client_roots": ListRootsRequest()})
        return text_result(f"Client roots: {', '.join(roots) or 'none'}")

    @server.tool()
    async def test_input_required_result_request_state(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks for a confirmation and carries state across the round trip."""
        require_client_capability(ctx, ELICITATION)
        confirmed = accepted(ctx.input_responses, "confirm", "ok")
        if confirmed is None or ctx.request_state != "awaiting-confirmation":
            return InputRequiredResult(
                input_requests={"confirm": elicit("Please confirm", "ok", field_type="boolean")},
                request_state="awaiting-confirmation",
            )
        return text_result(f"state-ok: the echoed requestState was verified; confirmed={confirmed}")

    @server.tool()
    async def test_input_required_result_multiple_inputs(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks for an elicitation, a sample and the roots in one round."""
        require_client_capability(ctx, ALL_INPUTS)
        questions: dict[str, InputRequest] = {
            "user_name": elicit("What is your name?", "name"),
            "greeting": sample("Generate a greeting", max_tokens=50),
            "client_roots": ListRootsRequest(),
        }
        name = accepted(ctx.input_responses, "user_name", "name")
        greeting = sampled_text(ctx.input_responses, "greeting")
        roots = root_uris(ctx.input_responses, "client_roots")
        answers = {"user_name": name, "greeting": greeting, "client_roots": roots}
        unanswered = {key: questions[key] for key, value in answers.items() if value is None}
        if unanswered or ctx.request_state != "three-questions":
            return InputRequiredResult(input_requests=unanswered or questions, request_state="three-questions")
        return text_result(f"{greeting}, {name}! Your roots: {', '.join(roots or [])}")

    @server.tool()
    async def test_input_required_result_multi_round(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks for a name, then a colour; the request state carries the name between the rounds."""
        require_client_capability(ctx, ELICITATION)
        ask_name = elicit("Step 1: What is your name?", "name")
        ask_colour = elicit("Step 2: What is your favorite color?", "color")
        state = json.loads(ctx.request_state) if ctx.request_state else {"round": 1}
        if state["round"] == 1:
            name = accepted(ctx.input_responses, "step1", "name")
            if name is None:
                return InputRequiredResult(input_requests={"step1": ask_name}, request_state=json.dumps(state))
            state = {"round": 2, "name": name}
            return InputRequiredResult(input_requests={"step2": ask_colour}, request_state=json.dumps(state))
        colour = accepted(ctx.input_responses, "step2", "color")
        if colour is None:
            return InputRequiredResult(input_requests={"step2": ask_colour}, request_state=json.dumps(state))
        return text_result(f"{state['name']} likes {colour}")

    @server.tool()
    async def test_input_required_result_tampered_state(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Carries state across the round trip; the SDK rejects an echo that was altered (-32602)."""
        require_client_capability(ctx, ELICITATION)
        name = accepted(ctx.input_responses, "user_name", "name")
        if name is None or ctx.request_state != "integrity-protected":
            return InputRequiredResult(
                input_requests={"user_name": elicit("What is your name?", "name")},
                request_state="integrity-protected",
            )
        return text_result(f"Hello, {name}! The requestState was intact.")

    @server.tool()
    async def test_input_required_result_capabilities(ctx: Context) -> CallToolResult | InputRequiredResult:
        """Asks only through the input kinds the client declared."""
        declared = ctx.client_capabilities or ClientCapabilities()
        questions: dict[str, InputRequest] = {}
        if declared.elicitation is not None:
            questions["user_name"] = elicit("What is your name?", "name")
        if declared.sampling is not None:
            questions["greeting"] = sample("Generate a greeting", max_tokens=50)
        if declared.roots is not None:
            questions["client_roots"] = ListRootsRequest()
        if not questions:
            return text_result("The client declared no way to provide input, so none was asked for.")
        responses = ctx.input_responses or {}
        if not set(questions) <= set(responses):
            return InputRequiredResult(input_requests={k: v for k, v in questions.items() if k not in responses})
        return text_result(f"Received answers for: {', '.join(sorted(questions))}")


def register_header_tools(server: MCPServer) -> None:
    @server.tool()
    def test_x_mcp_header(
        region: Annotated[
            str,
            Field(
                description="Mirrored into the Mcp-Param-Region header", json_schema_extra={"x-mcp-header": "Region"}
            ),
        ],
    ) -> str:
        """Echoes a parameter that clients also send as the `Mcp-Param-Region` header (SEP-2243)."""
        return f"Region: {region}"


def register_resources(server: MCPServer) -> None:
    @server.resource("test://static-text", mime_type="text/plain")
    def static_text() -> str:
        """A static text resource."""
        return "This is the content of the static text resource."

    @server.resource("test://static-binary", mime_type="image/png")
    def static_binary() -> bytes:
        """A static binary resource (a PNG image)."""
        return base64.b64decode(PNG_BASE64)

    # The scenario fixes the template variable's name, so the parameter is `id`.
    @server.resource("test://template/{id}/data", mime_type="application/json")
    def template_data(id: str) -> str:
        """A resource template with parameter substitution."""
        return json.dumps({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})

    @server.resource("test://watched-resource", mime_type="text/plain")
    def watched_resource() -> str:
        """A resource a client could subscribe to."""
        return "Watched resource content"


def register_prompts(server: MCPServer) -> None:
    @server.prompt()
    def test_simple_prompt() -> list[UserMessage]:
        """A simple prompt without arguments."""
        return [UserMessage("This is a simple prompt for testing.")]

    @server.prompt()
    def test_prompt_with_arguments(arg1: str, arg2: str) -> list[UserMessage]:
        """A prompt with two required arguments."""
        return [UserMessage(f"Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")]

    @server.prompt()
    def test_prompt_with_embedded_resource(resourceUri: str) -> list[UserMessage]:
        """A prompt that embeds a resource."""
        resource = TextResourceContents(
            uri=resourceUri, mime_type="text/plain", text="Embedded resource content for testing."
        )
        return [
            UserMessage(EmbeddedResource(type="resource", resource=resource)),
            UserMessage("Please process the embedded resource above."),
        ]

    @server.prompt()
    def test_prompt_with_image() -> list[UserMessage]:
        """A prompt that includes an image."""
        return [
            UserMessage(ImageContent(type="image", data=PNG_BASE64, mime_type="image/png")),
            UserMessage("Please analyze the image above."),
        ]

    @server.prompt()
    async def test_input_required_result_prompt(ctx: Context) -> list[UserMessage] | InputRequiredResult:
        """A prompt that first asks the user which context to use (SEP-2322)."""
        require_client_capability(ctx, ELICITATION)
        context = accepted(ctx.input_responses, "user_context", "context")
        if context is None:
            question = elicit("What context should the prompt use?", "context")
            return InputRequiredResult(input_requests={"user_context": question})
        return [UserMessage(f"Answer with this context in mind: {context}")]


def register_completion(server: MCPServer) -> None:
    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion:
        values = [value for value in PROMPT_ARGUMENT_SUGGESTIONS if value.startswith(argument.value)]
        return Completion(values=values, total=len(values), has_more=False)
