// What every view shares: the connection to the host (theme included) and small DOM and SVG builders.
// Every number a view shows is text from a tool result; the views only lay it out.
import { App, applyDocumentTheme, applyHostStyleVariables } from "@modelcontextprotocol/ext-apps";

const SVG_NS = "http://www.w3.org/2000/svg";

export function html(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children.flat());
  return element;
}

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  element.append(...children.flat());
  return element;
}

export function table(headings, rows, numericColumns = []) {
  const cell = (tag, text, index) => html(tag, numericColumns.includes(index) ? { class: "number" } : {}, text);
  return html(
    "table",
    {},
    html("thead", {}, html("tr", {}, headings.map((text, index) => cell("th", text, index)))),
    html("tbody", {}, rows.map((row) => html("tr", {}, row.map((text, index) => cell("td", text, index))))),
  );
}

/** Whole seconds as clock text, as the server's summaries write them: "3:10:49", "19:57". */
export function clock(seconds) {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

export function show(...children) {
  document.getElementById("view").replaceChildren(...children);
}

/** The text a tool error carries (its message names the argument), or a fallback. */
export function errorText(result) {
  const text = (result?.content ?? []).filter((item) => item.type === "text").map((item) => item.text);
  return text.join(" ") || "The calculator returned no result.";
}

/**
 * Connects to the host. The handlers are set before `connect()` so that a tool input or result the host sends
 * right after the handshake is not missed. `render(structuredContent, app)` draws a successful result.
 */
export function startView(name, { render, onInput }) {
  const app = new App({ name, version: "1.0.0" });
  const applyHostContext = (context) => {
    if (context?.theme) applyDocumentTheme(context.theme);
    if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
  };
  app.ontoolinput = (params) => onInput?.(params.arguments ?? {}, app);
  app.ontoolresult = (result) => {
    if (result.isError || !result.structuredContent) show(html("p", { class: "error" }, errorText(result)));
    else render(result.structuredContent, app);
  };
  app.onhostcontextchanged = applyHostContext;
  app.onteardown = async () => ({});
  app.connect().then(
    () => applyHostContext(app.getHostContext()),
    (error) => show(html("p", { class: "error" }, `Could not connect to the host: ${error.message}`)),
  );
  return app;
}

/** Calls a server tool through the host; resolves to its structuredContent, or throws with the tool's message. */
export async function callTool(app, name, args) {
  const result = await app.callServerTool({ name, arguments: args });
  if (result.isError || !result.structuredContent) throw new Error(errorText(result));
  return result.structuredContent;
}
