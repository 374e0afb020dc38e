import { Redis } from "ioredis";
import { BingoClient } from "../../shared/client";
import type { Ack, Card, Claimed } from "../../shared/protocol";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { TEST_SECRET, tokenFor } from "../support/test-app";

/**
 * Three server processes on one Redis; one is killed with SIGKILL (no drain, no goodbye)
 * in the middle of a claim storm, another while it holds the auto-draw lease. The SDK's
 * clients carry on at the surviving nodes and every promise of the claim engine and the
 * round still holds.
 */

const PLAYERS = 240;
const TOTAL_SLOTS = 300;
const MAX_PER_PLAYER = 2;

let redis: TestRedis;
let nodes: NodeProcess[] = [];
const clients: BingoClient[] = [];

beforeAll(async () => {
  redis = await startRedis();
  nodes = await Promise.all(
    ["a", "b", "c"].map((name) => startNodeProcess({ REDIS_URL: redis.url, AUTH_SECRET: TEST_SECRET, TICK_MS: "50", NODE_ID: `fault-${name}` })),
  );
});

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis.stop();
});

/** A client that knows every node, starting with `first`: it fails over in that order. */
async function connect(first: number, sub: string, role: "player" | "host"): Promise<BingoClient> {
  const urls = [0, 1, 2].map((k) => nodes[(first + k) % nodes.length].url);
  const client = await BingoClient.connect({ url: urls, token: tokenFor(sub, role), ackTimeoutMs: 10_000, retries: 4 });
  clients.push(client);
  return client;
}

function kill(node: NodeProcess): Promise<void> {
  const gone = new Promise<void>((resolve) => node.child.once("exit", () => resolve()));
  node.child.kill("SIGKILL");
  return gone;
}

async function inChunks<T>(items: T[], size: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, k) => run(item, i + k)));
}

test("kill -9 of a node during a claim storm: its players carry on elsewhere and every claim gets one definitive answer", async () => {
  const host = await connect(1, "fault-host", "host");
  const created = await host.createGame({ title: "Node fault" });
  if (!created.ok) throw new Error(created.error.code);
  const { gameId } = created;

  const players: { sub: string; client: BingoClient; node: number }[] = [];
  await inChunks(Array.from({ length: PLAYERS }, (_, i) => i), 60, async (i) => {
    const sub = `fault-${i}`;
    const client = await connect(i % 3, sub, "player");
    expect((await client.join(gameId)).ok).toBe(true);
    players.push({ sub, client, node: i % 3 });
  });
  const opened = await host.openClaims({ gameId, totalSlots: TOTAL_SLOTS, maxPerPlayer: MAX_PER_PLAYER });
  if (!opened.ok) throw new Error(opened.error.code);

  // Node 0 dies as soon as one of its players has an answer: the rest of its claims are
  // queued, in Redis, or on the wire at that moment.
  let firstAnswerOnNode0!: () => void;
  const node0Answered = new Promise<void>((resolve) => (firstAnswerOnNode0 = resolve));
  const answers = new Map<string, Ack<Claimed>>();
  const storm = players.map(async ({ sub, client, node }) => {
    const answer = await client.claim(gameId, 2, `${sub}-claim`);
    if (node === 0) firstAnswerOnNode0();
    answers.set(sub, answer);
  });
  await node0Answered;
  await kill(nodes[0]);
  await Promise.all(storm);

  // One definitive answer each: granted, or refused for a reason that will not change.
  expect(answers.size).toBe(PLAYERS);
  for (const answer of answers.values()) {
    if (!answer.ok) expect(["SOLD_OUT", "LIMIT_REACHED"]).toContain(answer.error.code);
  }

  // The claim invariants, from the answers.
  const owner = new Map<number, string>();
  for (const [sub, answer] of answers) {
    if (!answer.ok) continue;
    expect(answer.cards.length).toBeLessThanOrEqual(MAX_PER_PLAYER);
    for (const card of answer.cards) {
      expect(owner.get(card.id)).toBeUndefined();
      owner.set(card.id, sub);
    }
  }
  expect(owner.size).toBe(TOTAL_SLOTS);

  // What each player holds on the surviving nodes is exactly what its answer said: an answer
  // lost with the dead node was repeated (same requestId) and got the same cards.
  await inChunks(players, 60, async ({ sub, client }) => {
    const view = await client.join(gameId);
    if (!view.ok) throw new Error(`${sub}: ${view.error.code}`);
    const answer = answers.get(sub)!;
    const granted: Card[] = answer.ok ? [...answer.cards] : [];
    expect([...view.game.myCards].map((c) => c.id).sort((x, y) => x - y)).toEqual(granted.map((c) => c.id).sort((x, y) => x - y));
    expect(view.game.slots.remaining).toBe(0);
  });

  // A repeat now, at whichever node, gives the same answer again.
  for (const { sub, client } of players.slice(0, 30)) expect(await client.claim(gameId, 2, `${sub}-claim`)).toEqual(answers.get(sub));
}, 180_000);

/** The Redis hash of a game that carries the auto-draw lease, found without knowing key names. */
async function leaseHolder(url: string): Promise<string | null> {
  const admin = new Redis(url);
  try {
    for (const key of await admin.keys("*")) {
      if ((await admin.type(key)) !== "hash") continue;
      const owner = await admin.hget(key, "lease_owner");
      if (owner) return owner;
    }
    return null;
  } finally {
    admin.disconnect();
  }
}

test("kill -9 of the node holding the auto-draw lease: another node takes the lease and the draws go on, none repeated or skipped", async () => {
  // Nodes 1 and 2 survive the first test.
  const host = await connect(1, "lease-host", "host");
  const created = await host.createGame({ title: "Lease" });
  if (!created.ok) throw new Error(created.error.code);
  const { gameId } = created;
  await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 2 });
  const watchers = await Promise.all([1, 2].map((node) => connect(node, `lease-watcher-${node}`, "player")));
  for (const watcher of watchers) {
    expect((await watcher.join(gameId)).ok).toBe(true);
    expect((await watcher.claim(gameId, 1)).ok).toBe(true);
  }
  expect((await host.closeClaims(gameId)).ok).toBe(true);
  expect((await host.startRound(gameId)).ok).toBe(true);

  const drawsSeen = (watcher: BingoClient, count: number): Promise<void> =>
    new Promise((resolve) => {
      if (watcher.draws(gameId).length >= count) return resolve();
      const stop = watcher.onDraw(() => {
        if (watcher.draws(gameId).length < count) return;
        stop();
        resolve();
      });
    });

  expect((await host.autoDraw(gameId, 250)).ok).toBe(true);
  await Promise.all(watchers.map((w) => drawsSeen(w, 2)));
  const holder = await leaseHolder(redis.url);
  const index = ["fault-a", "fault-b", "fault-c"].indexOf(holder ?? "");
  expect([1, 2]).toContain(index);
  const drawnBeforeKill = Math.max(...watchers.map((w) => w.draws(gameId).length));
  await kill(nodes[index]);

  // Both watchers (one of them failing over) see the draws continue past the kill.
  await Promise.all(watchers.map((w) => drawsSeen(w, drawnBeforeKill + 3)));
  expect(await leaseHolder(redis.url)).toBe(index === 1 ? "fault-c" : "fault-b");
  for (const watcher of watchers) {
    const balls = watcher.draws(gameId);
    expect(new Set(balls).size).toBe(balls.length);
    for (const ball of balls) expect(ball).toBeGreaterThanOrEqual(1);
  }
  const survivor = watchers.map((w) => w.draws(gameId));
  const common = Math.min(survivor[0].length, survivor[1].length);
  expect(survivor[0].slice(0, common)).toEqual(survivor[1].slice(0, common));
  await host.autoDraw(gameId, null);
}, 180_000);
