"""MCP Apps over the real endpoint: the app tools point at their `ui://` view in both protocol eras, every view is a
full, self-contained HTML document served as `text/html;profile=mcp-app`, discover advertises the extension, and
reading a view is logged like any request."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID

from chalicelib.mcp_server import views
from chalicelib.mcp_server.tool_catalogue import TOOL_NAMES
from tests.support.jsonrpc import encode, handshake_headers, modern_headers, modern_request, request_body
from tests.support.observed_service import observed_service

APP_TOOLS = {tool: view.name for view in views.VIEWS for tool in view.tools}
VERSIONED_URI = re.compile(r"^ui://fitness-calculators/(?P<view>[a-z-]+)\.(?P<version>[0-9a-f]{12})\.html$")


def post(http, body, headers) -> dict:
    response = http.post("/mcp", headers=headers, body=encode(body))
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def list_tools(http, era: str) -> dict[str, dict]:
    if era == "handshake":
        answer = post(http, request_body("tools/list"), handshake_headers())
    else:
        answer = post(http, modern_request("tools/list"), modern_headers("tools/list"))
    return {tool["name"]: tool for tool in answer["result"]["tools"]}


def view_resources(http) -> list[dict]:
    listed = post(http, request_body("resources/list"), handshake_headers())["result"]["resources"]
    return [resource for resource in listed if resource["uri"].startswith("ui://")]


def read(http, uri: str) -> dict:
    answer = post(http, request_body("resources/read", {"uri": uri}), handshake_headers())
    (content,) = answer["result"]["contents"]
    return content


def test_there_is_a_view_for_each_tool_the_issue_names():
    assert set(APP_TOOLS) <= set(TOOL_NAMES)
    assert set(APP_TOOLS) == {
        "calculate-heart-rate-zones",
        "calculate-vdot",
        "predict-race-time",
        "calculate-training-loads",
        "estimate-one-rep-max",
        "calculate-bmi",
        "estimate-body-fat-navy",
        "calculate-waist-to-height-ratio",
    }


@pytest.mark.parametrize("era", ["handshake", "per-request"])
def test_app_tools_carry_their_versioned_view_uri_in_both_eras_and_the_others_none(http, era):
    tools = list_tools(http, era)
    assert len(tools) == 19
    listed_views = {resource["uri"] for resource in view_resources(http)}
    for name, tool in tools.items():
        ui = (tool.get("_meta") or {}).get("ui")
        if name not in APP_TOOLS:
            assert ui is None, name
            continue
        match = VERSIONED_URI.match(ui["resourceUri"])
        assert match is not None, ui
        assert match["view"] == APP_TOOLS[name]
        assert ui["resourceUri"] in listed_views


def test_every_view_is_listed_once_with_its_title_and_the_app_mime_type(http):
    resources = view_resources(http)
    assert sorted(VERSIONED_URI.match(r["uri"])["view"] for r in resources) == sorted(v.name for v in views.VIEWS)
    for resource in resources:
        assert resource["mimeType"] == APP_MIME_TYPE
        assert resource["title"]


class ExternalReferences(HTMLParser):
    """Collects every element and attribute by which a document could load something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.loading_attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href", "srcset", "action", "data", "poster", "background"}:
                self.loading_attributes.append((tag, name, value))


@pytest.mark.parametrize("view", [view.name for view in views.VIEWS])
def test_reading_a_view_returns_a_full_html_document_that_loads_nothing_from_the_network(http, view):
    (resource,) = [r for r in view_resources(http) if VERSIONED_URI.match(r["uri"])["view"] == view]
    content = read(http, resource["uri"])
    assert content["mimeType"] == APP_MIME_TYPE
    assert content["_meta"]["ui"] == {"csp": {}, "prefersBorder": True}
    document = content["text"]
    assert document.startswith('<!doctype html>\n<html lang="en">')
    assert document.rstrip().endswith("</html>")
    assert "<script>" in document and "<style>" in document
    parser = ExternalReferences()
    parser.feed(document)
    assert {"html", "head", "body", "main", "script", "style"} <= set(parser.tags)
    assert not {"link", "iframe", "img", "object", "embed", "base"} & set(parser.tags)
    assert parser.loading_attributes == []
    stylesheet = document.split("<style>")[1].split("</style>")[0]
    assert "@import" not in stylesheet and "url(" not in stylesheet and "@font-face" not in stylesheet
    # The bundled script has no way to reach the network: no fetch, XHR, EventSource, dynamic import or worker.
    for network_api in ("fetch(", "XMLHttpRequest", "new EventSource", "new WebSocket", "import(", "new Worker"):
        assert network_api not in document, network_api


def built_from(digest: str) -> str:
    return f'<!doctype html>\n<html lang="en">\n<head>\n<meta name="fitness-view-sources-sha256" content="{digest}">'


def test_the_view_uri_is_versioned_by_the_sources_the_document_was_built_from():
    view = views.VIEWS[0]
    first, second = built_from("a" * 64), built_from("b" * 64)
    assert views.view_uri(view, first) == f"ui://fitness-calculators/{view.name}.aaaaaaaaaaaa.html"
    assert views.view_uri(view, first) != views.view_uri(view, second)
    with pytest.raises(ValueError, match="make views"):
        views.view_uri(view, "<!doctype html><html></html>")


def test_discover_advertises_the_apps_extension(http):
    answer = post(http, modern_request("server/discover"), modern_headers("server/discover"))
    assert EXTENSION_ID in answer["result"]["capabilities"]["extensions"]


def test_an_app_tool_answers_with_its_text_and_structured_content_only(http):
    arguments = {"age": 40, "resting_heart_rate_bpm": 60}
    answer = post(
        http,
        request_body("tools/call", {"name": "calculate-heart-rate-zones", "arguments": arguments}),
        handshake_headers(),
    )
    result = answer["result"]
    assert [item["type"] for item in result["content"]] == ["text"]
    assert result["content"][0]["text"].startswith("Heart-rate zones from heart-rate reserve (Karvonen)")
    assert result["structuredContent"]["zones"][0] == {"zone": 1, "name": "Very light", "low_bpm": 120, "high_bpm": 132}
    assert "_meta" not in result


def test_reading_a_view_and_calling_its_tool_are_logged_without_values():
    service = observed_service()
    headers = {"mcp-protocol-version": "2025-11-25"}
    uri = views.tool_meta("calculate-bmi")["ui"]["resourceUri"]
    service.post(request_body("resources/read", {"uri": uri}), headers)
    service.post(
        request_body("tools/call", {"name": "calculate-bmi", "arguments": {"weight_kg": 73.3, "height_cm": 181.7}}),
        headers,
    )
    read_line, call_line = service.log_lines()[-2:]
    assert (read_line["jsonrpc_method"], read_line["target"], read_line["outcome"]) == ("resources/read", uri, "ok")
    assert (call_line["jsonrpc_method"], call_line["target"], call_line["outcome"]) == (
        "tools/call",
        "calculate-bmi",
        "ok",
    )
    logged = service.logs.getvalue()
    assert "<!doctype" not in logged and "73.3" not in logged and "181.7" not in logged and "22.2" not in logged
