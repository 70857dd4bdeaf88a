"""The page a person sees at `GET /` in a browser: what this server is, the URL to paste into Claude, what the auth
mode means for connecting, and every tool with its formula's sources.

The page is one self-contained document (inline style, no script, no outside asset), so the strict
Content-Security-Policy it is served with holds; every text from the catalogue or the request is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Served with the page: nothing may load from anywhere, only the inline style applies.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

# (mode, whether API Gateway requires an API key) → what the page calls it, and what it means for connecting.
_API_KEY_TEXT = (
    "API Gateway requires an API key in the x-api-key header. Claude's connectors cannot send one: use a client "
    "that can set headers (the MCP Inspector, the MCP SDKs)."
)
_OAUTH_TEXT = (
    "Clients sign you in with the server's authorization server when you connect; Claude does this by itself from "
    "the URL alone."
)
_AUTH_TEXTS = {
    ("none", False): (
        "No sign-in",
        "Anyone who has the URL can call the tools. In Claude, add it as a custom connector and leave the OAuth "
        "fields empty.",
    ),
    ("none", True): ("API key", _API_KEY_TEXT),
    ("oauth", False): ("OAuth 2.1", _OAUTH_TEXT),
    ("oauth", True): ("OAuth 2.1 and an API key", f"{_OAUTH_TEXT} {_API_KEY_TEXT}"),
}


@dataclass(frozen=True)
class ToolSummary:
    name: str
    title: str
    description: str
    citations: tuple[str, ...]


def tool_summaries() -> list[ToolSummary]:
    """The catalogue's tools as the page shows them, with the citations of each tool's formula."""
    # The catalogue imports the domain: only when a page is first asked for, never at container start.
    from chalicelib.mcp_server.tool_catalogue import TOOL_CATALOGUE

    return [
        ToolSummary(name=tool.name, title=tool.title, description=tool.description, citations=tool.formula.citations)
        for tool in TOOL_CATALOGUE
    ]


def render_home_page(
    *,
    title: str,
    version: str,
    endpoint_url: str,
    auth_mode: str,
    api_key_required: bool,
    tools: list[ToolSummary],
) -> str:
    """The whole HTML document. `endpoint_url` is the exact URL to paste into a client."""
    auth_name, auth_text = _AUTH_TEXTS.get((auth_mode, api_key_required), (auth_mode, ""))
    rows = "\n".join(_tool_row(tool) for tool in tools)
    sources = "\n".join(_sources_item(tool) for tool in tools if tool.citations)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — MCP server</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
<p class="lead">A remote <a href="#what-is-mcp">MCP</a> server: exact, cited health and fitness calculators for AI
assistants. Version {escape(version)}.</p>

<section aria-labelledby="connect">
<h2 id="connect">Connect</h2>
<p>Paste this URL into Claude (Settings → Connectors → Add custom connector) or any MCP client:</p>
<p><code id="endpoint-url">{escape(endpoint_url)}</code></p>
<p><strong id="auth-mode">{escape(auth_name)}.</strong> {escape(auth_text)}</p>
</section>

<section aria-labelledby="tools">
<h2 id="tools">Tools ({len(tools)})</h2>
<table>
<thead><tr><th scope="col">Tool</th><th scope="col">What it answers</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</section>

<section aria-labelledby="sources">
<h2 id="sources">Sources</h2>
<p>Every result comes from a published formula. The same index is the MCP resource
<code>fitness://formulas</code>.</p>
<dl>
{sources}
</dl>
</section>

<footer id="what-is-mcp">
<p>MCP (Model Context Protocol) lets an assistant call tools on a server. This page is for people; clients
talk to <code>{escape(endpoint_url)}</code> with HTTP POST. The same information as JSON:
<code>Accept: application/json</code>.</p>
</footer>
</main>
</body>
</html>
"""


def _tool_row(tool: ToolSummary) -> str:
    sources_link = f' <a href="#source-{escape(tool.name)}">Sources</a>' if tool.citations else ""
    return (
        f'<tr><th scope="row"><span class="title">{escape(tool.title)}</span>'
        f"<code>{escape(tool.name)}</code></th>"
        f"<td>{escape(tool.description)}{sources_link}</td></tr>"
    )


def _sources_item(tool: ToolSummary) -> str:
    citations = "".join(f"<li>{escape(citation)}</li>" for citation in tool.citations)
    return f'<dt id="source-{escape(tool.name)}">{escape(tool.title)}</dt><dd><ul>{citations}</ul></dd>'


_STYLE = """
:root { color-scheme: light dark; --accent: #0b6e4f; --muted: #5b6770; --line: #d6dde1; }
@media (prefers-color-scheme: dark) { :root { --accent: #4fd1a5; --muted: #a3b1ba; --line: #34424b; } }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
h1 { margin: 0 0 .25rem; font-size: 2rem; }
h2 { margin-top: 2.25rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.lead { color: var(--muted); margin-top: 0; }
a { color: var(--accent); }
code { font: .95em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
#endpoint-url { display: inline-block; padding: .6rem .8rem; border: 2px solid var(--accent); border-radius: .4rem;
  font-size: 1.1rem; word-break: break-all; user-select: all; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
tbody th { width: 30%; font-weight: normal; }
tbody th .title { display: block; font-weight: 600; }
tbody th code { color: var(--muted); font-size: .8rem; }
dt { font-weight: 600; margin-top: .75rem; }
dd { margin: 0; }
dd ul { margin: .25rem 0; padding-left: 1.25rem; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .9rem; }
"""
