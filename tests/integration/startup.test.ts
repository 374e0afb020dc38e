import { Redis } from "ioredis";
import { BingoClient } from "../../shared/client";
import type { NodeProcess } from "../support/node-process";
import { runNodeToExit as runToExit, startNodeProcess } from "../support/node-process";
import { launchRedisServer, reservedPort, startRedis } from "../support/redis-server";
import type { TestRedisCluster } from "../support/redis-cluster";
import { startRedisCluster } from "../support/redis-cluster";
import { TEST_SECRET, tokenFor } from "../support/test-app";

/** Production safe defaults and a Redis that is not there yet, on the built server (dist/). */

const nodes: NodeProcess[] = [];
const clients: BingoClient[] = [];
const redises: { stop(): Promise<void> }[] = [];

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(nodes.map((node) => node.stop()));
  await Promise.all(redises.map((redis) => redis.stop()));
});

async function node(env: Record<string, string>, options: { ready?: boolean } = {}): Promise<NodeProcess> {
  const started = await startNodeProcess(env, options);
  nodes.push(started);
  return started;
}

async function status(url: string, path: string): Promise<number> {
  return (await fetch(`${url}${path}`)).status;
}

/** Asks /readyz until it says 200; nothing announces readiness, so this polls (bounded). */
async function readyWithin(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await status(url, "/readyz")) !== 200) {
    if (Date.now() > deadline) throw new Error(`${url}/readyz not 200 within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function connect(url: string, sub: string, role: "player" | "host"): Promise<BingoClient> {
  const client = await BingoClient.connect({ url, token: tokenFor(sub, role), retries: 0 });
  clients.push(client);
  return client;
}

async function devToken(url: string): Promise<number> {
  const response = await fetch(`${url}/api/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"role":"host"}' });
  return response.status;
}

describe("NODE_ENV=production", () => {
  test("without AUTH_SECRET the node refuses to start: exit 1, the message names AUTH_SECRET", async () => {
    const { code, stderr } = await runToExit({ NODE_ENV: "production" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/AUTH_SECRET/);
    expect(stderr).toMatch(/NODE_ENV=production/);
  });

  test("with AUTH_SECRET it starts, and the dev token route does not exist", async () => {
    const redis = await startRedis();
    redises.push(redis);
    const started = await node({ NODE_ENV: "production", AUTH_SECRET: TEST_SECRET, REDIS_URL: redis.url });
    expect(await devToken(started.url)).toBe(404);
    expect(await status(started.url, "/healthz")).toBe(200);
  });

  test("ALLOW_DEV_TOKENS=1 serves dev tokens, signed with AUTH_SECRET, that connect", async () => {
    const redis = await startRedis();
    redises.push(redis);
    const started = await node({ NODE_ENV: "production", AUTH_SECRET: TEST_SECRET, ALLOW_DEV_TOKENS: "1", REDIS_URL: redis.url });
    const response = await fetch(`${started.url}/api/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"role":"host","sub":"stage-host"}' });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const host = await BingoClient.connect({ url: started.url, token });
    clients.push(host);
    expect((await host.createGame({})).ok).toBe(true);
  });

  test("development with AUTH_SECRET set serves no dev tokens unless ALLOW_DEV_TOKENS=1", async () => {
    const plain = await node({ AUTH_SECRET: TEST_SECRET });
    expect(await devToken(plain.url)).toBe(404);
    const allowed = await node({ AUTH_SECRET: TEST_SECRET, ALLOW_DEV_TOKENS: "1" });
    expect(await devToken(allowed.url)).toBe(200);
  });
});

describe("Redis down at start", () => {
  test("one Redis: the node listens, /readyz 503 and UNAVAILABLE meanwhile; ready and serving claims once Redis starts on its port", async () => {
    const port = await reservedPort();
    const started = await node({ NODE_ENV: "production", AUTH_SECRET: TEST_SECRET, REDIS_URL: `redis://127.0.0.1:${port}` }, { ready: false });
    expect(await status(started.url, "/healthz")).toBe(200);
    expect(await status(started.url, "/readyz")).toBe(503);
    const early = await connect(started.url, "early-host", "host");
    expect(await early.createGame({})).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });
    expect(await early.join("no-game-yet")).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });

    const redis = await launchRedisServer(port, []);
    redises.push(redis);
    await readyWithin(started.url, 30_000);
    // Nothing the early requests sent reached Redis: they were refused before leaving the node.
    const admin = new Redis(redis.url);
    try {
      expect(await admin.keys("bingo:{*}:*")).toEqual([]);
    } finally {
      admin.disconnect();
    }
    await playOneClaim(started.url, "single");
    expect((await early.createGame({})).ok).toBe(true);
  });

  test("Redis Cluster: seeds down at start, ready once the cluster forms on them", async () => {
    const ports = [await reservedPort(), await reservedPort(), await reservedPort()];
    const seeds = ports.map((port) => `127.0.0.1:${port}`).join(",");
    const started = await node({ NODE_ENV: "production", AUTH_SECRET: TEST_SECRET, REDIS_CLUSTER_NODES: seeds }, { ready: false });
    expect(await status(started.url, "/healthz")).toBe(200);
    expect(await status(started.url, "/readyz")).toBe(503);
    const early = await connect(started.url, "early-cluster-host", "host");
    expect(await early.createGame({})).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });

    const cluster: TestRedisCluster = await startRedisCluster(3, { own: true, ports });
    redises.push(cluster);
    await readyWithin(started.url, 60_000);
    await playOneClaim(started.url, "cluster");
  }, 120_000);
});

/** A host creates a game and opens claims, a player joins and claims a card: the node serves. */
async function playOneClaim(url: string, label: string): Promise<void> {
  const host = await connect(url, `${label}-host`, "host");
  const created = await host.createGame({});
  if (!created.ok) throw new Error(`create: ${created.error.code}`);
  expect((await host.openClaims({ gameId: created.gameId, totalSlots: 10, maxPerPlayer: 2 })).ok).toBe(true);
  const player = await connect(url, `${label}-player`, "player");
  expect((await player.join(created.gameId)).ok).toBe(true);
  const claimed = await player.claim(created.gameId, 1);
  expect(claimed).toMatchObject({ ok: true, slots: { remaining: 9 } });
}
