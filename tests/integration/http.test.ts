import { BingoClient } from "../../shared/client";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: unknown;
}

/** One HTTP request with Node's fetch; the body is parsed as JSON. */
async function call(app: TestApp, path: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(`${app.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: JSON.parse(text) as unknown };
}

const get = (app: TestApp, path: string) => call(app, path);
const post = (app: TestApp, path: string, body: string) =>
  call(app, path, { method: "POST", body, headers: { "content-type": "application/json" } });

/** Asserts an error reply `{ error: { code, message } }` with one of the given statuses. */
function expectErrorReply(reply: Reply, statuses: number[]): void {
  expect(statuses).toContain(reply.status);
  expect(reply.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
  const { error } = reply.body as { error: { code: string; message: string } };
  expect(error.code.length).toBeGreaterThan(0);
  expect(error.message.length).toBeGreaterThan(0);
}

describe("HTTP routes, production mode (AUTH_SECRET set), memory store", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test("GET /healthz is 200 { ok: true } as JSON", async () => {
    const reply = await get(app, "/healthz");
    expect(reply).toEqual({ status: 200, contentType: "application/json; charset=utf-8", body: { ok: true } });
  });

  test("GET /healthz ignores a query string", async () => {
    expect(await get(app, "/healthz?probe=1")).toMatchObject({ status: 200, body: { ok: true } });
  });

  test("GET /readyz is 200 { ok: true } with the memory store", async () => {
    expect(await get(app, "/readyz")).toMatchObject({ status: 200, body: { ok: true } });
  });

  test("the dev token route does not exist: 404 for POST and GET", async () => {
    expect(await post(app, "/api/dev/token", '{"role":"player"}')).toMatchObject({ status: 404, body: { error: "not found" } });
    expect(await get(app, "/api/dev/token")).toMatchObject({ status: 404 });
  });

  test.each(["/nope", "/healthz/extra", "/api/dev", "/socket.io.js", "/assets/../server.js", "/play/a/b"])("GET %s is 404", async (path) => {
    expect(await get(app, path)).toMatchObject({ status: 404, body: { error: "not found" } });
  });
});

describe("HTTP routes, development mode (no AUTH_SECRET)", () => {
  let app: TestApp;
  const clients: BingoClient[] = [];
  beforeAll(async () => {
    app = await startTestApp({ devMode: true });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await app.stop();
  });

  async function devToken(body: object): Promise<{ token: string; sub: string }> {
    const reply = await post(app, "/api/dev/token", JSON.stringify(body));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ token: expect.any(String), sub: expect.any(String) });
    return reply.body as { token: string; sub: string };
  }

  async function connect(token: string): Promise<BingoClient> {
    const client = new BingoClient({ url: app.url, token });
    clients.push(client);
    await client.open();
    return client;
  }

  test("POST /api/dev/token { role: player } gives a token that connects as a player", async () => {
    const { token, sub } = await devToken({ role: "player" });
    expect(sub).toMatch(/^player-/);
    const player = await connect(token);
    // A player may join but not create: the server sees the player role.
    expect(await player.join("NOSUCHGAME")).toEqual({ ok: false, error: { code: "NOT_FOUND", message: expect.any(String) } });
    expect(await player.createGame()).toEqual({ ok: false, error: { code: "FORBIDDEN", message: expect.any(String) } });
  });

  test("each player token gets its own generated sub", async () => {
    const first = await devToken({ role: "player" });
    const second = await devToken({ role: "player" });
    expect(first.sub).not.toBe(second.sub);
  });

  test("POST /api/dev/token { role: host, sub: alice } gives alice a host token", async () => {
    const { token, sub } = await devToken({ role: "host", sub: "alice" });
    expect(sub).toBe("alice");
    const host = await connect(token);
    const created = await host.createGame({ title: "Alice's show" });
    // The ack carries the game's commitment (sha256 of its secret seed), as the snapshot does.
    expect(created).toEqual({ ok: true, gameId: expect.any(String), commitment: expect.stringMatching(/^[0-9a-f]{64}$/) });
    if (!created.ok) return;
    const joined = await host.join(created.gameId);
    expect(joined.ok && joined.game.title).toBe("Alice's show");
    expect(joined.ok && joined.game.commitment).toBe(created.commitment);
    // Only the game's host may open it, so this proves the token's sub is alice's.
    const opened = await host.openClaims({ gameId: created.gameId, totalSlots: 10, maxPerPlayer: 2 });
    expect(opened).toEqual({ ok: true, slots: { total: 10, remaining: 10, version: 1 } });
  });

  test.each<[string, string]>([
    ["not JSON", "role=player"],
    ["truncated JSON", '{"role":"player"'],
    ["an empty body", ""],
    ["JSON null", "null"],
    ["a JSON array", '["player"]'],
    ["a JSON string", '"player"'],
    ["role admin", '{"role":"admin"}'],
    ["no role", '{"sub":"bob"}'],
    ["a numeric role", '{"role":1}'],
    ["an empty sub", '{"role":"player","sub":""}'],
    ["a 200-character sub", JSON.stringify({ role: "player", sub: "s".repeat(200) })],
    ["a numeric sub", '{"role":"host","sub":7}'],
  ])("a body with %s is 400 BAD_REQUEST", async (_label, body) => {
    const reply = await post(app, "/api/dev/token", body);
    expectErrorReply(reply, [400]);
    expect((reply.body as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
  });

  test("a body over 1 KB is refused with 413 (or 400) and an error code", async () => {
    const body = JSON.stringify({ role: "player", sub: "s", pad: "x".repeat(2048) });
    expectErrorReply(await post(app, "/api/dev/token", body), [413, 400]);
  });

  test("the server still serves after a refused body", async () => {
    expect(await get(app, "/healthz")).toMatchObject({ status: 200, body: { ok: true } });
    await devToken({ role: "player" });
  });

  test("GET /api/dev/token is 405", async () => {
    expect(await get(app, "/api/dev/token")).toMatchObject({ status: 405 });
  });

  test("unknown paths are 404, health routes still work", async () => {
    expect(await get(app, "/api/dev/tokens")).toMatchObject({ status: 404 });
    expect(await post(app, "/api/other", "{}")).toMatchObject({ status: 404 });
    expect(await get(app, "/healthz")).toMatchObject({ status: 200, body: { ok: true } });
    expect(await get(app, "/readyz")).toMatchObject({ status: 200, body: { ok: true } });
  });
});

describe("GET /readyz on a Redis-backed app follows its Redis", () => {
  // A private redis-server for this test alone: it is stopped half way.
  let redis: TestRedis;
  let app: TestApp;
  let redisStopped = false;
  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await app.stop();
    if (!redisStopped) await redis.stop();
  });

  test("200 while Redis answers, 503 once it is gone; /healthz stays 200", async () => {
    expect(await get(app, "/readyz")).toMatchObject({ status: 200, body: { ok: true } });
    await redis.stop();
    redisStopped = true;
    expect(await get(app, "/readyz")).toMatchObject({ status: 503, body: { ok: false } });
    expect(await get(app, "/healthz")).toMatchObject({ status: 200, body: { ok: true } });
  });
});
