// The npm oidc-provider (an OpenID Certified authorization server) in a process of its own on 127.0.0.1, in one of
// two modes a JSON configuration file chooses:
// - "upstream": an identity provider configured like Amazon Cognito: no registration, one confidential client,
//   PKCE required, ID tokens, refresh tokens without asking for offline_access;
// - "authorization-server": an authorization server that MCP clients can use as they are: dynamic client
//   registration, client ID metadata documents, JWT access tokens for one resource (RFC 8707), refresh tokens
//   with offline_access, PKCE required.
// In both, one test user signs in with a password on plain HTML forms (a login page, then a consent page) that a
// test follows over HTTP. POST /test-control/user (body "enabled" or "disabled") turns the user off or on: a
// disabled user's refresh tokens stop working, as at Cognito. With "issuerPath" the issuer is below that path.
// Usage: node openid_provider.mjs <oidc-provider dir> <configuration file>
import http from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, configurationFile] = process.argv.slice(2);
const { default: Provider, errors } = await import(pathToFileURL(join(packageDir, "lib", "index.js")).href);
const settings = JSON.parse(readFileSync(configurationFile, "utf8"));
const { user } = settings;
let userEnabled = true;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()))));
    request.on("error", reject);
  });
}

function signingKeys() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: "jwk" }), kid: randomBytes(8).toString("hex"), alg: "RS256", use: "sig" }] };
}

async function findAccount(_ctx, accountId) {
  if (!userEnabled || accountId !== user.subject) {
    return undefined;
  }
  return { accountId, claims: async () => ({ sub: accountId, email: user.email, email_verified: true }) };
}

function upstreamConfiguration() {
  return {
    clients: settings.clients,
    scopes: ["openid", "email", "profile", "offline_access"],
    // Cognito hands out a refresh token with every authorization code grant, offline_access or not.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    features: { devInteractions: { enabled: false }, registration: { enabled: false } },
  };
}

function authorizationServerConfiguration() {
  const resourceServer = {
    scope: settings.resourceScopes,
    audience: settings.resource,
    accessTokenFormat: "jwt",
    accessTokenTTL: settings.accessTokenTtlSeconds,
    jwt: { sign: { alg: "RS256" } },
  };
  return {
    clients: settings.clients ?? [],
    scopes: ["openid", "offline_access", ...settings.resourceScopes.split(" ")],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      clientIdMetadataDocument: {
        enabled: true,
        ack: "draft-02",
        // The metadata documents a test serves are on 127.0.0.1, which the feature's fetch refuses by default.
        allowFetch: async () => true,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => settings.resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          if (resourceIndicator !== settings.resource) {
            throw new errors.InvalidTarget();
          }
          return resourceServer;
        },
      },
    },
  };
}

function provider(issuer) {
  const common = {
    findAccount,
    jwks: signingKeys(),
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    pkce: { required: () => true },
    ttl: { AccessToken: settings.accessTokenTtlSeconds, IdToken: 3600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The SSRF guard of the library's own fetch refuses loopback; the tests serve documents only on 127.0.0.1.
    fetch: (url, options) => {
      delete options.dispatcher;
      return globalThis.fetch(url, options);
    },
    renderError: async (ctx, out) => {
      ctx.type = "html";
      ctx.body = page("Error", `<p id="error">${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? "")}</p>`);
    },
  };
  const modeConfiguration = settings.mode === "upstream" ? upstreamConfiguration() : authorizationServerConfiguration();
  return new Provider(issuer, { ...common, ...modeConfiguration });
}

async function showInteraction(oidc, request, response, uid) {
  const { prompt, params } = await oidc.interactionDetails(request, response);
  const client = await oidc.Client.find(params.client_id);
  const clientName = client?.clientName ?? params.client_id;
  let body;
  if (prompt.name === "login") {
    body = `<form method="post" action="/interaction/${uid}/login">` +
      `<label>Username <input name="username" autocomplete="username"></label>` +
      `<label>Password <input name="password" type="password" autocomplete="current-password"></label>` +
      `<button type="submit">Sign in</button></form>`;
  } else {
    body = `<p>${escapeHtml(clientName)} asks for: ${escapeHtml(params.scope ?? "")}</p>` +
      `<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>`;
  }
  response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  response.end(page(prompt.name === "login" ? "Sign in" : "Allow access", body));
}

async function finishLogin(oidc, request, response, uid) {
  const form = await readForm(request);
  if (form.username !== user.username || form.password !== user.password || !userEnabled) {
    response.writeHead(401, { "Content-Type": "text/html; charset=utf-8" });
    response.end(page("Sign in", `<p id="error">Wrong username or password.</p>` +
      `<form method="post" action="/interaction/${uid}/login"><input name="username"><input name="password" ` +
      `type="password"><button type="submit">Sign in</button></form>`));
    return;
  }
  await oidc.interactionFinished(request, response, { login: { accountId: user.subject } }, {
    mergeWithLastSubmission: false,
  });
}

async function finishConsent(oidc, request, response) {
  await readForm(request);
  const { prompt: { details }, grantId, session, params } = await oidc.interactionDetails(request, response);
  const grant = grantId
    ? await oidc.Grant.find(grantId)
    : new oidc.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(" "));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(" "));
  }
  await oidc.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, {
    mergeWithLastSubmission: true,
  });
}

async function interaction(oidc, request, response) {
  const [, , uid, step] = new URL(request.url, "http://unused").pathname.split("/");
  if (request.method === "GET" && !step) {
    await showInteraction(oidc, request, response, uid);
  } else if (request.method === "POST" && step === "login") {
    await finishLogin(oidc, request, response, uid);
  } else if (request.method === "POST" && step === "confirm") {
    await finishConsent(oidc, request, response);
  } else {
    response.writeHead(404).end();
  }
}

async function control(request, response) {
  const form = (await new Promise((resolve) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString().trim()));
  }));
  if (request.url === "/test-control/user" && (form === "enabled" || form === "disabled")) {
    userEnabled = form === "enabled";
    console.log(`user ${form}`);
    response.writeHead(204).end();
  } else {
    response.writeHead(400).end();
  }
}

// Cognito's issuer has a path (https://cognito-idp.<region>.amazonaws.com/<pool id>), so the upstream's has one too.
const issuerPath = settings.issuerPath ?? "";
let oidc = null;
let handle = null;
const server = http.createServer((request, response) => {
  const fail = (error) => {
    console.log(`interaction failed: ${error}`);
    if (!response.headersSent) {
      response.writeHead(400, { "Content-Type": "text/plain" }).end(String(error));
    }
  };
  if (request.method === "POST" && request.url.startsWith("/test-control/")) {
    control(request, response).catch(fail);
  } else if (request.url.startsWith("/interaction/")) {
    interaction(oidc, request, response).catch(fail);
  } else if (request.url === issuerPath || request.url.startsWith(`${issuerPath}/`) || request.url.startsWith(`${issuerPath}?`)) {
    // Mounted below the issuer's path, as express mounts it: the library reads the mount path from originalUrl.
    request.originalUrl = request.url;
    request.url = request.url.slice(issuerPath.length) || "/";
    handle(request, response);
  } else {
    response.writeHead(404).end();
  }
});

server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}${issuerPath}`;
  oidc = provider(issuer);
  // What a test counts: each grant the token endpoint answered, by its type (never a token).
  oidc.on("grant.success", (ctx) => console.log(`grant.success ${ctx.oidc.params.grant_type}`));
  oidc.on("server_error", (_ctx, error) => console.log(`server_error: ${error.stack}`));
  oidc.on("grant.error", (_ctx, error) => console.log(`grant.error: ${error.message} ${error.error_description ?? ""}`));
  oidc.on("authorization.error", (_ctx, error) => console.log(`authorization.error: ${error.message} ${error.error_description ?? ""}`));
  oidc.on("registration_create.error", (_ctx, error) => console.log(`registration.error: ${error.message} ${error.error_description ?? ""}`));
  handle = oidc.callback();
  console.log(`OpenID provider is ${issuer}`);
});
