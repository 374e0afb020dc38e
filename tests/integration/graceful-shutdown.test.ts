import { Redis } from "ioredis";
import { BingoClient } from "../../shared/client";
import type { Ack, Claimed, DrainingMessage } from "../../shared/protocol";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { TEST_SECRET, tokenFor } from "../support/test-app";

/** SIGTERM drains a node: claims it took are answered, its clients move on, it exits. */

let redis: TestRedis;
const clients: BingoClient[] = [];
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const client of clients) client.close();
  await Promise.all(nodes.map((node) => node.stop()));
  await redis.stop();
});

async function node(env: Record<string, string> = {}): Promise<NodeProcess> {
  const started = await startNodeProcess({ REDIS_URL: redis.url, AUTH_SECRET: TEST_SECRET, TICK_MS: "50", ...env });
  nodes.push(started);
  return started;
}

function exitOf(process: NodeProcess): Promise<number | null> {
  if (process.child.exitCode !== null) return Promise.resolve(process.child.exitCode);
  return new Promise((resolve) => process.child.once("exit", (code) => resolve(code)));
}

async function connect(urls: string[], sub: string, role: "player" | "host"): Promise<BingoClient> {
  const client = await BingoClient.connect({ url: urls, token: tokenFor(sub, role), ackTimeoutMs: 10_000, retries: 4 });
  clients.push(client);
  return client;
}

test("SIGTERM during a claim storm: every claim answered once, clients told to go elsewhere and carrying on there, exit 0", async () => {
  const [a, b] = [await node(), await node()];
  const host = await connect([b.url], "drain-host", "host");
  const created = await host.createGame({ title: "Drain" });
  if (!created.ok) throw new Error(created.error.code);
  const { gameId } = created;

  const players = await Promise.all(
    Array.from({ length: 120 }, async (_, i) => {
      const sub = `drain-${i}`;
      const onA = i % 2 === 0;
      const client = await connect(onA ? [a.url, b.url] : [b.url, a.url], sub, "player");
      const drained: DrainingMessage[] = [];
      client.socket.on("server:draining", (message) => drained.push(message));
      expect((await client.join(gameId)).ok).toBe(true);
      return { sub, client, onA, drained };
    }),
  );
  expect((await host.openClaims({ gameId, totalSlots: 100, maxPerPlayer: 1 })).ok).toBe(true);

  let firstOnA!: () => void;
  const answeredOnA = new Promise<void>((resolve) => (firstOnA = resolve));
  const answers = new Map<string, Ack<Claimed>>();
  const storm = players.map(async ({ sub, client, onA }) => {
    const answer = await client.claim(gameId, 1, `${sub}-c`);
    if (onA) firstOnA();
    answers.set(sub, answer);
  });
  await answeredOnA;
  const exited = exitOf(a);
  a.child.kill("SIGTERM");
  await Promise.all(storm);
  expect(await exited).toBe(0);

  // Every player of the drained node was told why its connection closed.
  for (const player of players.filter((p) => p.onA)) {
    expect(player.drained).toEqual([{ reason: expect.stringMatching(/shutting down/) }]);
  }
  // One definitive answer each, nothing oversold, and what was granted is held.
  let granted = 0;
  for (const { sub, client } of players) {
    const answer = answers.get(sub)!;
    if (!answer.ok) expect(answer.error.code).toBe("SOLD_OUT");
    else granted += answer.cards.length;
    const view = await client.join(gameId);
    if (!view.ok) throw new Error(view.error.code);
    expect(view.game.myCards.map((c) => c.id)).toEqual(answer.ok ? answer.cards.map((c) => c.id) : []);
  }
  expect(granted).toBe(100);
}, 120_000);

test("a drain that cannot finish (Redis frozen) still exits, after SHUTDOWN_TIMEOUT_MS", async () => {
  const stuck = await node({ SHUTDOWN_TIMEOUT_MS: "300", REDIS_COMMAND_TIMEOUT_MS: "60000" });
  const host = await connect([stuck.url], "stuck-host", "host");
  const created = await host.createGame({});
  if (!created.ok) throw new Error(created.error.code);
  await host.openClaims({ gameId: created.gameId, totalSlots: 10, maxPerPlayer: 1 });
  const player = await connect([stuck.url], "stuck-player", "player");
  // Freeze Redis itself (SIGSTOP): connections stay open, nothing is answered, so the
  // pending claim and the drain hang, as with a Redis that stopped responding.
  const admin = new Redis(redis.url);
  const pid = Number(/process_id:(\d+)/.exec(await admin.info("server"))![1]);
  admin.disconnect();
  process.kill(pid, "SIGSTOP");
  try {
    void player.socket.emitWithAck("cards:claim", { gameId: created.gameId, count: 1, requestId: "stuck" }).catch(() => undefined);
    const exited = exitOf(stuck);
    stuck.child.kill("SIGTERM");
    expect(await exited).toBe(1);
  } finally {
    process.kill(pid, "SIGCONT");
  }
}, 60_000);
