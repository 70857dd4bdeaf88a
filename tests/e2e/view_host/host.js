// A minimal MCP Apps host for the browser tests: the official AppBridge from @modelcontextprotocol/ext-apps speaks
// the host side of the protocol to one view in a sandboxed iframe. The view's own tools/call requests go to
// `window.forwardToolCall`, which the test exposes and which posts them to a real `chalice local`.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";

// The strict default a host applies to a view that asks for no outside origin: inline code only, no network.
const HOST_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'";

window.mountView = async ({ html, toolName, args, result, theme }) => {
  const iframe = document.createElement("iframe");
  iframe.id = "view";
  // Without allow-same-origin the view runs in an opaque origin, as hosts run it.
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.style.cssText = "width: 680px; height: 200px; border: 1px solid #8884; border-radius: 12px; display: block";
  iframe.srcdoc = html.replace("<head>", `<head><meta http-equiv="Content-Security-Policy" content="${HOST_CSP}">`);
  document.body.append(iframe);

  const bridge = new AppBridge(
    null,
    { name: "fitness-view-test-host", version: "1.0.0" },
    { serverTools: {}, logging: {} },
    {
      hostContext: {
        theme,
        displayMode: "inline",
        availableDisplayModes: ["inline"],
        toolInfo: { tool: { name: toolName, inputSchema: { type: "object" } } },
      },
    },
  );
  bridge.oncalltool = async (params) => window.forwardToolCall(params.name, params.arguments ?? {});
  bridge.onsizechange = ({ height }) => {
    if (height) iframe.style.height = `${Math.ceil(height) + 2}px`;
  };
  bridge.oninitialized = async () => {
    await bridge.sendToolInput({ arguments: args });
    await bridge.sendToolResult(result);
    window.viewInitialized = true;
  };
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
};
