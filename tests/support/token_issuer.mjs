// The npm oauth2-mock-server issuer (discovery, JWKS, token endpoint) in a process of its own, with two switches a
// test flips over HTTP: POST /test-control/keys (body: a private JWK) makes the issuer publish and sign with that key
// only, dropping the old one (a key rotation); POST /test-control/outage (body: "on" or "off") makes every other
// request answer 500 (an outage). Usage: node token_issuer.mjs <oauth2-mock-server dir> <host> <port> <key file>
import http from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, host, port, keyFile] = process.argv.slice(2);
const { OAuth2Issuer, OAuth2Service } = await import(pathToFileURL(join(packageDir, "dist", "index.mjs")).href);

let service = null;
let outage = false;

async function serviceSigningWith(jwk, url) {
  const issuer = new OAuth2Issuer();
  await issuer.keys.add(jwk);
  issuer.url = url;
  return new OAuth2Service(issuer);
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString()));
    request.on("error", reject);
  });
}

async function control(request, response) {
  const body = await readBody(request);
  if (request.url === "/test-control/keys") {
    service = await serviceSigningWith(JSON.parse(body), service.issuer.url);
    console.log(`issuer now signs with kid ${JSON.parse(body).kid} only`);
  } else if (request.url === "/test-control/outage") {
    outage = body.trim() === "on";
    console.log(`outage ${outage ? "on" : "off"}`);
  } else {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(204).end();
}

const server = http.createServer((request, response) => {
  if (request.method === "POST" && request.url.startsWith("/test-control/")) {
    control(request, response).catch((error) => response.writeHead(400).end(String(error)));
  } else if (outage) {
    response.writeHead(500, { "Content-Type": "application/json" }).end('{"error":"server_error"}');
  } else {
    service.requestHandler(request, response);
  }
});

server.listen(Number(port), host, async () => {
  const url = `http://localhost:${server.address().port}`;
  service = await serviceSigningWith(JSON.parse(readFileSync(keyFile, "utf8")), url);
  console.log(`OAuth 2 issuer is ${url}`);
});
