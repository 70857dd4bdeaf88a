"""The MCP Blueprint on a Chalice app of someone else's: its routes under a URL prefix beside the app's own, the prefix
in every URL the endpoint names, the API key flag from the settings, a server built at its first request, a lazy
catalogue, and metrics that know the server's own tool names. In process, through `chalice.test.Client`."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client
from mcp.server import MCPServer

from chalice_mcp import MCPEndpoint, Settings, mcp_blueprint
from chalice_mcp.auth.protected_resource import public_base_url
from chalice_mcp.blueprint import normalised_prefix, settings_under_prefix
from chalice_mcp.bridge.exchange import HttpReply, HttpRequest
from tests.support.jsonrpc import JSON_HEADERS, encode, handshake_headers, initialize_body, request_body

PREFIX = "/tools"
PUBLIC_URL = "https://shop.example/api"
GREETING = "greet"
SUM = "add-numbers"


def build_shop_server(register_tools: bool = True) -> MCPServer:
    server = MCPServer("shop", title="Shop", version="2.0.0", subscriptions=False, log_level="WARNING")
    if register_tools:
        register_shop_tools(server)
    return server


def register_shop_tools(server: MCPServer) -> None:
    @server.tool(name=GREETING)
    async def greet(name: str) -> str:
        """Say hello."""
        return f"Hello, {name}!"

    @server.tool(name=SUM)
    async def add_numbers(a: float, b: float) -> float:
        """Add two numbers."""
        return a + b


def shop_app(blueprint: Any, url_prefix: str | None = PREFIX) -> Chalice:
    """An existing API with routes of its own, which then registers the MCP endpoint."""
    app = Chalice(app_name=f"shop-{uuid.uuid4().hex[:8]}", configure_logs=False)

    @app.route("/")
    def index() -> dict:
        return {"shop": "open"}

    @app.route("/orders/{order_id}", methods=["GET", "POST"])
    def order(order_id: str) -> dict:
        return {"order": order_id, "method": app.current_request.method}

    app.register_blueprint(blueprint, url_prefix=url_prefix)
    return app


def quiet_blueprint(server: Any, settings: Settings | None = None, **options: Any) -> Any:
    return mcp_blueprint(
        server,
        settings or Settings.from_environment({}),
        log_stream=options.pop("log_stream", io.StringIO()),
        metrics_stream=options.pop("metrics_stream", io.StringIO()),
        service_name=f"shop-test-{uuid.uuid4().hex[:8]}",
        **options,
    )


def post(client: Client, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    return client.http.post(path, headers=headers or JSON_HEADERS, body=encode(body))


def test_the_apps_own_routes_and_the_endpoint_answer_side_by_side_under_a_prefix():
    app = shop_app(quiet_blueprint(build_shop_server()))
    with Client(app) as client:
        assert json.loads(client.http.get("/").body) == {"shop": "open"}
        assert json.loads(client.http.get("/orders/7").body) == {"order": "7", "method": "GET"}
        assert json.loads(client.http.post("/orders/8").body) == {"order": "8", "method": "POST"}

        initialize = post(client, f"{PREFIX}/mcp", initialize_body())
        assert initialize.status_code == 200
        assert json.loads(initialize.body)["result"]["serverInfo"]["name"] == "shop"

        listed = post(client, f"{PREFIX}/mcp", request_body("tools/list"), handshake_headers())
        assert [tool["name"] for tool in json.loads(listed.body)["result"]["tools"]] == [GREETING, SUM]

        called = post(client, f"{PREFIX}/mcp", request_body("tools/call", {"name": SUM, "arguments": {"a": 2, "b": 3}}))
        assert json.loads(called.body)["result"]["structuredContent"] == {"result": 5.0}

        # Nothing of the endpoint answers outside its prefix.
        assert client.http.post("/mcp", headers=JSON_HEADERS, body=encode(initialize_body())).status_code in (
            403,
            404,
        )


def test_every_route_of_the_endpoint_is_under_the_prefix():
    app = shop_app(quiet_blueprint(build_shop_server()))
    endpoint_routes = {path: sorted(methods) for path, methods in app.routes.items() if path.startswith(PREFIX)}
    assert endpoint_routes == {
        "/tools/mcp": ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"],
        "/tools/.well-known/oauth-protected-resource/mcp": ["GET", "OPTIONS"],
        "/tools/.well-known/oauth-protected-resource": ["GET", "OPTIONS"],
        "/tools": ["GET", "OPTIONS"],
    }
    assert sorted(path for path in app.routes if not path.startswith(PREFIX)) == ["/", "/orders/{order_id}"]


def test_the_endpoint_answers_other_methods_and_the_preflight_under_the_prefix():
    app = shop_app(quiet_blueprint(build_shop_server()))
    with Client(app) as client:
        refused = client.http.get(f"{PREFIX}/mcp")
        assert (refused.status_code, refused.headers["Allow"]) == (405, "POST")
        preflight = client.http.request(
            "OPTIONS",
            f"{PREFIX}/mcp",
            headers={"Origin": "http://localhost:6274", "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:6274"


def test_the_card_under_the_prefix_names_the_prefixed_endpoint_and_the_servers_own_tools():
    app = shop_app(quiet_blueprint(build_shop_server()))
    with Client(app) as client:
        card = json.loads(client.http.get(PREFIX).body)
    assert (card["name"], card["endpoint"], card["tools"], card["auth"]) == (
        "shop",
        "/tools/mcp",
        [GREETING, SUM],
        "none",
    )


def test_without_a_prefix_the_endpoint_is_at_the_root():
    app = Chalice(app_name="bare", configure_logs=False)
    app.register_blueprint(quiet_blueprint(build_shop_server()))
    with Client(app) as client:
        assert post(client, "/mcp", initialize_body()).status_code == 200
        assert json.loads(client.http.get("/").body)["endpoint"] == "/mcp"


@pytest.mark.parametrize(
    ("given", "normalised"), [(None, ""), ("", ""), ("/", ""), ("tools", "/tools"), ("/a/b/", "/a/b")]
)
def test_a_prefix_is_normalised_the_way_chalice_joins_it(given, normalised):
    assert normalised_prefix(given) == normalised


def oauth_settings() -> Settings:
    return Settings.from_environment(
        {
            "MCP_AUTH": "oauth",
            # Never contacted: a request without a token is refused before any key is needed.
            "MCP_OAUTH_ISSUER": "https://issuer.example",
            "MCP_PUBLIC_URL": PUBLIC_URL,
            "MCP_SUBJECT_HASH_KEY": "k" * 32,
        }
    )


def test_with_oauth_a_missing_token_is_401_pointing_at_the_metadata_under_the_prefix():
    app = shop_app(quiet_blueprint(build_shop_server(), oauth_settings()))
    with Client(app) as client:
        refused = post(client, f"{PREFIX}/mcp", initialize_body())
        metadata = client.http.get(f"{PREFIX}/.well-known/oauth-protected-resource/mcp")
        at_root = client.http.get(f"{PREFIX}/.well-known/oauth-protected-resource")
    assert refused.status_code == 401
    metadata_url = f"{PUBLIC_URL}{PREFIX}/.well-known/oauth-protected-resource/mcp"
    assert f'resource_metadata="{metadata_url}"' in refused.headers["WWW-Authenticate"]
    for reply in (metadata, at_root):
        assert reply.status_code == 200
        document = json.loads(reply.body)
        assert document["resource"] == f"{PUBLIC_URL}{PREFIX}/mcp"
        assert document["authorization_servers"] == ["https://issuer.example"]
        assert document["resource_name"] == "Shop"


def test_an_authless_endpoint_has_no_metadata_under_the_prefix():
    app = shop_app(quiet_blueprint(build_shop_server()))
    with Client(app) as client:
        assert client.http.get(f"{PREFIX}/.well-known/oauth-protected-resource/mcp").status_code == 404
        assert client.http.get(f"{PREFIX}/.well-known/oauth-protected-resource").status_code == 404


@pytest.mark.parametrize("required", [True, False])
def test_the_post_route_asks_api_gateway_for_a_key_when_the_settings_say_so(required):
    settings = Settings.from_environment({"MCP_API_KEY_REQUIRED": str(required).lower()})
    app = shop_app(quiet_blueprint(build_shop_server(), settings))
    routes = app.routes["/tools/mcp"]
    assert routes["POST"].api_key_required is required
    # A browser's preflight carries no key, and the other methods are refused anyway.
    assert not any(routes[method].api_key_required for method in ("GET", "DELETE", "OPTIONS"))


def test_a_server_given_as_a_function_is_built_at_the_endpoints_first_request_and_only_once():
    built: list[MCPServer] = []

    def build() -> MCPServer:
        built.append(build_shop_server())
        return built[-1]

    app = shop_app(quiet_blueprint(build))
    with Client(app) as client:
        assert client.http.get("/orders/1").status_code == 200
        assert built == []
        assert post(client, f"{PREFIX}/mcp", initialize_body()).status_code == 200
        assert post(client, f"{PREFIX}/mcp", request_body("tools/list"), handshake_headers()).status_code == 200
    assert len(built) == 1


def test_a_lazy_catalogue_is_registered_at_the_first_request_that_needs_it_and_only_once():
    registrations: list[MCPServer] = []

    def register(server: MCPServer) -> None:
        registrations.append(server)
        register_shop_tools(server)

    app = shop_app(quiet_blueprint(build_shop_server(register_tools=False), register_catalogue=register))
    with Client(app) as client:
        initialize = post(client, f"{PREFIX}/mcp", initialize_body())
        assert "tools" in json.loads(initialize.body)["result"]["capabilities"]
        assert registrations == []
        listed = post(client, f"{PREFIX}/mcp", request_body("tools/list"), handshake_headers())
        post(client, f"{PREFIX}/mcp", request_body("tools/list"), handshake_headers())
    assert [tool["name"] for tool in json.loads(listed.body)["result"]["tools"]] == [GREETING, SUM]
    assert len(registrations) == 1


def test_tool_metrics_name_the_servers_own_tools_and_no_invented_ones():
    metrics = io.StringIO()
    app = shop_app(quiet_blueprint(build_shop_server(), metrics_stream=metrics))
    with Client(app) as client:
        post(client, f"{PREFIX}/mcp", request_body("tools/call", {"name": GREETING, "arguments": {"name": "Ada"}}))
        post(client, f"{PREFIX}/mcp", request_body("tools/call", {"name": "no-such-tool", "arguments": {}}))
    blobs = [json.loads(line) for line in metrics.getvalue().splitlines()]
    assert [(blob["tool"], blob["ToolErrors"]) for blob in blobs] == [(GREETING, [0.0]), ("(unknown)", [1.0])]
    assert {blob["_aws"]["CloudWatchMetrics"][0]["Namespace"] for blob in blobs} == {"MCP"}


def test_a_blueprint_serves_one_endpoint_and_refuses_a_second_registration():
    blueprint = quiet_blueprint(build_shop_server())
    shop_app(blueprint)
    with pytest.raises(RuntimeError, match="register it with one app, once"):
        Chalice(app_name="second").register_blueprint(blueprint, url_prefix="/again")


def test_the_public_url_names_the_app_and_the_endpoint_adds_its_prefix_but_an_explicit_audience_stays():
    settings = Settings.from_environment({"MCP_PUBLIC_URL": PUBLIC_URL, "MCP_OAUTH_AUDIENCE": "https://api.example/x"})
    under_prefix = settings_under_prefix(settings, PREFIX)
    assert under_prefix.public_url == f"{PUBLIC_URL}{PREFIX}"
    assert under_prefix.oauth_audience == "https://api.example/x"
    assert settings_under_prefix(settings, "") is settings
    assert settings_under_prefix(Settings(), PREFIX).public_url is None


def test_a_page_for_people_under_the_prefix_sees_the_prefixed_base_url_and_json_clients_get_the_card():
    def page(endpoint: Any, request: HttpRequest) -> HttpReply:
        base_url = public_base_url(request, endpoint.settings.public_url) or ""
        return HttpReply(200, {"Content-Type": "text/html"}, base_url.encode())

    app = shop_app(quiet_blueprint(build_shop_server(), page=page))
    with Client(app) as client:
        html = client.http.get(PREFIX, headers={"Accept": "text/html", "Host": "shop.example"})
        card = client.http.get(PREFIX, headers={"Accept": "application/json", "Host": "shop.example"})
    assert html.body.decode() == f"http://shop.example{PREFIX}"
    assert json.loads(card.body)["endpoint"] == f"{PREFIX}/mcp"
    assert html.headers["Vary"] == card.headers["Vary"] == "Accept"


def test_a_page_calls_the_card_and_cannot_change_what_json_clients_get():
    def page(endpoint: MCPEndpoint, request: HttpRequest) -> HttpReply:
        card = endpoint.card()
        body = ", ".join(card["tools"]).encode()
        card["name"] = "changed by the page"
        card["tools"].append("added by the page")
        return HttpReply(200, {"Content-Type": "text/html"}, body)

    app = shop_app(quiet_blueprint(build_shop_server(), page=page))
    with Client(app) as client:
        html = client.http.get(PREFIX, headers={"Accept": "text/html"})
        card = client.http.get(PREFIX, headers={"Accept": "application/json"})
    assert html.status_code == 200
    assert html.body.decode() == f"{GREETING}, {SUM}"
    assert json.loads(card.body)["name"] == "shop"
    assert "added by the page" not in json.loads(card.body)["tools"]
