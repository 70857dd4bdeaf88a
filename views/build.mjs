// Builds each view in src/ into one self-contained HTML document in chalicelib/mcp_server/view_documents/:
// the bundled script (the ext-apps `App` with only what it uses) and the stylesheet inlined, nothing fetched.
// Each document records a hash of every source it is built from; a test fails when a document is stale.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const VIEWS_DIR = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(VIEWS_DIR, "..", "chalicelib", "mcp_server", "view_documents");
const VIEWS = {
  "heart-rate-zones": "Heart-rate zones",
  vdot: "VDOT, race equivalents and training paces",
  "race-prediction": "Riegel race-time curve",
  strength: "One-rep max and training loads",
  "body-composition": "Body composition",
};

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

// The same digest as tests/unit/test_view_documents.py: sorted relative paths, each followed by its bytes.
export function sourcesDigest() {
  const files = [...listFiles(join(VIEWS_DIR, "src")), join(VIEWS_DIR, "build.mjs"), join(VIEWS_DIR, "package-lock.json")]
    .map((path) => relative(VIEWS_DIR, path).split("\\").join("/"))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file + "\0");
    hash.update(readFileSync(join(VIEWS_DIR, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

// zod ships ~40 locales behind one namespace export that no bundler can drop; the views need English messages only.
const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onResolve({ filter: /locales\/index\.js$/ }, (args) =>
      args.importer.includes("/zod/") ? { path: "zod-locales", namespace: "english-only" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "english-only" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: VIEWS_DIR,
    }));
  },
};

// The MCP client package is one pre-bundled library whose chunks only define things, but it does not say so
// (no "sideEffects": false), so the bundler keeps transports and validators the views never reach (≈70 KB).
const clientWithoutSideEffects = {
  name: "client-without-side-effects",
  setup(build) {
    build.onResolve({ filter: /^@modelcontextprotocol\/client$|^\.\/.*\.mjs$/ }, async (args) => {
      if (args.pluginData?.resolving || !/@modelcontextprotocol\/(client|ext-apps)/.test(args.importer + args.path)) {
        return undefined;
      }
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      return resolved.path.includes("/@modelcontextprotocol/client/") ? { path: resolved.path, sideEffects: false } : undefined;
    });
  },
};

const digest = sourcesDigest();
const stylesheet = readFileSync(join(VIEWS_DIR, "src", "shared", "view.css"), "utf8");
for (const [name, title] of Object.entries(VIEWS)) {
  const result = await esbuild.build({
    entryPoints: [join(VIEWS_DIR, "src", `${name}.js`)],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    legalComments: "none",
    write: false,
    plugins: [englishOnlyZod, clientWithoutSideEffects],
    logLevel: "warning",
  });
  const script = result.outputFiles[0].text;
  if (script.includes("</script")) throw new Error(`${name}: the bundle would close its own <script> element`);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="fitness-view-sources-sha256" content="${digest}">
<title>${title}</title>
<style>${stylesheet}</style>
</head>
<body>
<main id="view" aria-live="polite"><p class="waiting">Waiting for the result…</p></main>
<script>${script}</script>
</body>
</html>
`;
  writeFileSync(join(OUT_DIR, `${name}.html`), html);
  console.log(`${name}.html ${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB`);
}
