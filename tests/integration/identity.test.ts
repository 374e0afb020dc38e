import { createHmac, createPublicKey, randomUUID } from "node:crypto";
import { BingoClient, ConnectError } from "../../shared/client";
import { ok } from "../support/acks";
import type { IssuerKey, JwksServer, MintOptions } from "../support/jwks-server";
import { issuerKey, mint, startJwksServer } from "../support/jwks-server";
import type { NodeProcess } from "../support/node-process";
import { runNodeToExit as runToExit, startNodeProcess } from "../support/node-process";
import { TEST_SECRET, tokenFor } from "../support/test-app";
import { until } from "../support/until";

/**
 * Sign-in through an identity provider, on the built server (dist/) as its own process,
 * over real sockets: a generic JWKS issuer beside AUTH_SECRET, and the Firebase preset,
 * both against a JWKS server on loopback.
 */

const PROJECT = "bingo-identity-test";
const FIREBASE_ISSUER = `https://securetoken.google.com/${PROJECT}`;
const ISSUER = "https://login.bingo.test/";
const AUDIENCE = "bingo-api";

const nodes: NodeProcess[] = [];
const clients: BingoClient[] = [];
let rsa: IssuerKey;
let ec: IssuerKey;
let jwks: JwksServer;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([issuerKey("RS256"), issuerKey("ES256")]);
  jwks = await startJwksServer([rsa, ec]);
});
afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(nodes.map((node) => node.stop()));
  await jwks?.stop();
});

/** A node and everything it writes to stdout from now on. */
async function node(env: Record<string, string>): Promise<NodeProcess & { output: () => string }> {
  const started = await startNodeProcess(env);
  nodes.push(started);
  let output = "";
  started.child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return { ...started, output: () => output };
}

async function connect(url: string, token: string): Promise<BingoClient> {
  const client = await BingoClient.connect({ url, token, retries: 0 });
  clients.push(client);
  return client;
}

/** The connect_error a token gets (the test fails if it connects). */
async function refusal(url: string, token: string): Promise<ConnectError> {
  const client = new BingoClient({ url, token, connectTimeoutMs: 5000 });
  clients.push(client);
  const error = await client.open().then(
    () => new Error("connected"),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ConnectError);
  expect((error as ConnectError).code).toBe("UNAUTHORIZED");
  return error as ConnectError;
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
const inTenMinutes = (): number => Math.floor(Date.now() / 1000) + 600;


describe("the Firebase preset: only AUTH_PROVIDER=firebase and FIREBASE_PROJECT_ID (plus the test's JWKS URL), in production", () => {
  let url: string;
  let output: () => string;
  const firebase = (extra: Partial<MintOptions> = {}): MintOptions => ({ issuer: FIREBASE_ISSUER, audience: PROJECT, ...extra });

  beforeAll(async () => {
    const started = await node({ NODE_ENV: "production", AUTH_PROVIDER: "firebase", FIREBASE_PROJECT_ID: PROJECT, AUTH_JWKS_URL: jwks.url });
    url = started.url;
    output = started.output;
  });

  test("Firebase ID tokens sign in: a host by custom claim creates a game, a player joins and claims", async () => {
    const host = await connect(url, await mint(rsa, firebase({ sub: "fb-host-uid", claims: { role: "host", auth_time: 1 } })));
    const { gameId } = ok(await host.createGame({ title: "Firebase show" }), "create");
    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 2 }), "open");
    const player = await connect(url, await mint(rsa, firebase({ sub: "fb-player-uid" })));
    ok(await player.join(gameId), "join");
    const claimed = ok(await player.claim(gameId, 2), "claim");
    expect(claimed.cards).toHaveLength(2);
    // Without the claim, a player: host events are refused.
    expect(await player.createGame({})).toEqual({ ok: false, error: { code: "FORBIDDEN", message: expect.any(String) } });
  });

  test.each<[string, () => Promise<string>, RegExp]>([
    ["an HS256 token (no AUTH_SECRET here)", async () => tokenFor("h", "host"), /HS256 tokens are not accepted/],
    ["another project's ID token", () => mint(rsa, { issuer: "https://securetoken.google.com/other", audience: "other" }), /iss claim check failed/],
    ["the right issuer, another audience", () => mint(rsa, firebase({ audience: "other" })), /aud claim check failed/],
    ["ES256 (Firebase signs RS256 only)", () => mint(ec, firebase()), /algorithm ES256 is not accepted/],
    ["an expired ID token", () => mint(rsa, firebase({ expiresIn: -10 })), /expired/],
    ["a signature by another key under Google's kid", async () => mint(await issuerKey("RS256", rsa.kid), firebase()), /signature/],
    ["a role claim that is neither player nor host", () => mint(rsa, firebase({ claims: { role: "admin" } })), /claim role must be/],
  ])("refused: %s", async (_label, token, reason) => {
    expect((await refusal(url, await token())).message).toMatch(reason);
  });

  test("no dev token route", async () => {
    const response = await fetch(`${url}/api/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"role":"host"}' });
    expect(response.status).toBe(404);
  });

  test("the log says why a connection was refused, never the token", async () => {
    const token = await mint(rsa, firebase({ audience: "log-check-audience" }));
    await refusal(url, token);
    // The node wrote the line before answering; this process may not have read it yet.
    const refusedLine = (): string | undefined =>
      output()
        .split("\n")
        .find((text) => text.includes("connection refused: UNAUTHORIZED") && text.includes("aud claim check failed"));
    await until("the refusal's log line", () => refusedLine() !== undefined);
    expect(JSON.parse(refusedLine()!)).toMatchObject({ msg: "connection refused: UNAUTHORIZED", reason: expect.stringMatching(/aud claim check failed/) });
    expect(output()).not.toContain(token);
    expect(output()).not.toContain(token.split(".")[2]);
  });
});

describe("a generic JWKS issuer beside AUTH_SECRET", () => {
  let url: string;
  const issued = (extra: Partial<MintOptions> = {}): MintOptions => ({ issuer: ISSUER, audience: AUDIENCE, ...extra });

  beforeAll(async () => {
    const started = await node({
      NODE_ENV: "production",
      AUTH_SECRET: TEST_SECRET,
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_HOST_SUBJECTS: "listed-host, another-host",
    });
    url = started.url;
  });

  test("both kinds at once: HS256 with AUTH_SECRET, RS256 and ES256 from the JWKS; a listed subject is a host", async () => {
    const hs = await connect(url, tokenFor("hs-host", "host"));
    ok(await hs.createGame({}), "HS256 host creates");
    const listed = await connect(url, await mint(ec, issued({ sub: "listed-host" })));
    const { gameId } = ok(await listed.createGame({ title: "JWKS show" }), "listed subject creates");
    ok(await listed.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 3 }), "open");
    const player = await connect(url, await mint(rsa, issued({ sub: "jwks-player" })));
    ok(await player.join(gameId), "join");
    ok(await player.claim(gameId, 1), "claim");
    expect((await player.createGame({})).ok).toBe(false);
  });

  test("algorithm confusion: HS256 signed with the issuer's RSA public key as the secret is refused", async () => {
    const pem = createPublicKey(rsa.privateKey as unknown as Parameters<typeof createPublicKey>[0]).export({ type: "spki", format: "pem" }).toString();
    const body = `${b64({ alg: "HS256", typ: "JWT", kid: rsa.kid })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "mallory", role: "host", exp: inTenMinutes() })}`;
    await refusal(url, `${body}.${createHmac("sha256", pem).update(body).digest("base64url")}`);
  });

  test("alg none is refused", async () => {
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: "mallory", role: "host", exp: inTenMinutes() })}.`;
    expect((await refusal(url, token)).message).toMatch(/algorithm none is not accepted/);
  });

  test("a rotated key works on its first token, without a restart", async () => {
    await connect(url, await mint(rsa, issued({ sub: "before-rotation" })));
    const rotated = await issuerKey("RS256");
    jwks.publish([rotated, ec]);
    try {
      const after = await connect(url, await mint(rotated, issued({ sub: "after-rotation", claims: { role: "host" } })));
      ok(await after.createGame({}), "host with the rotated key");
      // The retired key's tokens are refused from now on.
      expect((await refusal(url, await mint(rsa, issued()))).message).toMatch(/unknown kid/);
    } finally {
      jwks.publish([rsa, ec]);
    }
  });

  test("tokens with made-up kids do not cost a key fetch per connection", async () => {
    // ec: its kid is in the keys whatever the rotation test left the node holding.
    await connect(url, await mint(ec, issued({ sub: "warm" })));
    const before = jwks.fetches;
    const started = Date.now();
    const attempts = 40;
    for (let i = 0; i < attempts; i++) await refusal(url, await mint(rsa, issued({ kid: `made-up-${randomUUID()}` })));
    const seconds = Math.ceil((Date.now() - started) / 1000);
    // The burst (3), then at most one a second, however many connections try.
    expect(jwks.fetches - before).toBeLessThanOrEqual(3 + seconds);
    expect(jwks.fetches - before).toBeLessThan(attempts);
  });
});

describe("refusing to start, and an issuer that is down", () => {
  test.each<[string, Record<string, string>, RegExp]>([
    ["AUTH_JWKS_URL without AUTH_ISSUER and AUTH_AUDIENCE", { AUTH_JWKS_URL: "https://login.bingo.test/jwks.json" }, /AUTH_ISSUER: required[\s\S]*AUTH_AUDIENCE: required/],
    ["AUTH_JWKS_URL without AUTH_AUDIENCE", { AUTH_JWKS_URL: "https://login.bingo.test/jwks.json", AUTH_ISSUER: ISSUER }, /AUTH_AUDIENCE: required/],
    ["AUTH_PROVIDER=firebase without FIREBASE_PROJECT_ID", { AUTH_PROVIDER: "firebase" }, /FIREBASE_PROJECT_ID: required/],
  ])("%s: exit 1 naming what is missing", async (_label, env, message) => {
    const { code, stderr } = await runToExit({ NODE_ENV: "production", ...env });
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  test("a JWKS endpoint that is down: UNAUTHORIZED saying so, the node keeps serving; tokens pass once it is back", async () => {
    const down = await startJwksServer([rsa]);
    down.setDown(true);
    try {
      const started = await node({ AUTH_JWKS_URL: down.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
      const token = await mint(rsa, { issuer: ISSUER, audience: AUDIENCE });
      expect((await refusal(started.url, token)).message).toMatch(/keys could not be fetched \(HTTP 503/);
      expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
      down.setDown(false);
      // Fetches are rate-limited (a burst, then one a second): retry until the node fetches again.
      let client: BingoClient | undefined;
      await until("a token accepted once the JWKS is back", async () => {
        client = await BingoClient.connect({ url: started.url, token, retries: 0 }).catch(() => undefined);
        return client !== undefined;
      });
      clients.push(client!);
    } finally {
      await down.stop();
    }
  });
});
