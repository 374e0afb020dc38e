import { Redis } from "ioredis";
import type { RedisClient, RedisNodeAddress, RedisTarget } from "../../server/store/redis/connection";
import { connectCommands } from "../../server/store/redis/connection";
import { isReplyError } from "../../server/store/redis/reply-errors";
import type { TestRedisCluster } from "../support/redis-cluster";
import { startRedisCluster } from "../support/redis-cluster";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";

/**
 * The store's command connection gives a command up when its reply is late, but never one
 * whose reply arrived while the node's event loop was busy: that reply is read first. The
 * loop is kept busy here on purpose, longer than the deadline, right after a command is
 * sent, as a broadcast to ten thousand sockets does on a loaded node.
 */

const DEADLINE_MS = 100;
/** Longer than the deadline: Redis answers in well under a millisecond meanwhile. */
const BUSY_MS = 4 * DEADLINE_MS;

/** Keeps the event loop busy (no I/O is read, no timer runs) for `ms`. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

let redis: TestRedis;
let cluster: TestRedisCluster;

beforeAll(async () => {
  redis = await startRedis();
  cluster = await startRedisCluster(3);
});

afterAll(async () => {
  await redis.stop();
  await cluster.stop();
});

const addressOf = (url: string): RedisNodeAddress => ({ host: new URL(url).hostname, port: Number(new URL(url).port) });
const targets: [name: string, target: () => RedisTarget, servers: () => RedisNodeAddress[]][] = [
  ["one Redis", () => redis.url, () => [addressOf(redis.url)]],
  ["a Redis Cluster", () => cluster.nodes, () => [...cluster.nodes]],
];

describe.each(targets)("the command connection's deadline, on %s", (_name, target, servers) => {
  let commands: RedisClient;
  beforeAll(async () => {
    commands = await connectCommands(target(), DEADLINE_MS, () => undefined);
  });
  afterAll(() => {
    commands.disconnect();
  });

  test("a reply that came while the event loop was busy past the deadline is read, not given up", async () => {
    // First through the key's connection, so the command below is written at once (on a Cluster the connection to the slot's owner opens on first use).
    await commands.set("deadline:busy", "first");
    const written = commands.set("deadline:busy", "done");
    busy(BUSY_MS);
    await expect(written).resolves.toBe("OK");
    await expect(commands.get("deadline:busy")).resolves.toBe("done");
  });

  test("a reply that does not come is given up after the deadline, without a Redis reply error", async () => {
    // CLIENT PAUSE holds every client's commands on the server: sent, not answered.
    const admins = servers().map(({ host, port }) => new Redis(port, host));
    try {
      await Promise.all(admins.map((admin) => admin.client("PAUSE", 3 * DEADLINE_MS, "ALL")));
      const error = await commands.get("deadline:paused").then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(isReplyError(error)).toBe(false);
    } finally {
      await Promise.all(admins.map((admin) => admin.client("UNPAUSE")));
      for (const admin of admins) admin.disconnect();
    }
  });
});

test("ioredis's own commandTimeout gives up a reply that came while the loop was busy: why the connection has its own deadline", async () => {
  const plain = new Redis(redis.url, { commandTimeout: DEADLINE_MS });
  try {
    await plain.ping();
    const written = plain.set("deadline:plain", "done");
    busy(BUSY_MS);
    await expect(written).rejects.toThrow("Command timed out");
    // Redis did the work all the same.
    await expect(plain.get("deadline:plain")).resolves.toBe("done");
  } finally {
    plain.disconnect();
  }
});
