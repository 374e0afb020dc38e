import { Redis } from "ioredis";
import { StoreNotReachedError } from "../../server/ports/store-not-reached";
import type { RedisClient } from "../../server/store/redis/connection";
import { connectCommands } from "../../server/store/redis/connection";
import { RedisGameStore } from "../../server/store/redis/redis-game-store";
import { RedisPlayerDirectory } from "../../server/store/redis/redis-push";
import { gameFixture } from "../support/games";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";

/**
 * What a failed Redis call means, on the Redis store and the push directory themselves:
 * UNAVAILABLE (or StoreNotReachedError) only for a write that was never sent, so nothing
 * was done; OUTCOME_UNKNOWN for a write that was sent and got no answer in time (it runs
 * when Redis resumes); UNAVAILABLE for a read that got no answer (it changed nothing).
 */

let redis: TestRedis;
let admin: Redis;
let redisPid: number;
let client: RedisClient;
let store: RedisGameStore;
let directory: RedisPlayerDirectory;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  redisPid = Number(/process_id:(\d+)/.exec(await admin.info("server"))![1]);
  // The command timeout turns a frozen Redis into OUTCOME_UNKNOWN; 1 s, not less, so that a
  // loaded CI machine's slow answer is not mistaken for one (200 ms once failed a create).
  client = await connectCommands(redis.url, 1000, () => undefined);
  store = new RedisGameStore(client, { gameTtlSeconds: 3600 });
  await store.init();
  directory = new RedisPlayerDirectory(client);
});

afterAll(async () => {
  await store.close();
  admin.disconnect();
  await redis.stop();
});

function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = async (): Promise<void> => {
      if (await condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(() => void check(), 20);
    };
    void check();
  });
}

async function phaseOf(gameId: string): Promise<string> {
  const view = await store.view(gameId, "p");
  if (!view.ok) throw new Error(view.error.code);
  return view.value.phase;
}

test("Redis frozen: a write is OUTCOME_UNKNOWN and runs when Redis resumes; a read is UNAVAILABLE; a directory write throws, but not StoreNotReachedError", async () => {
  const created = await store.createGame(gameFixture("frozen-game", "h"));
  expect(created.ok ? "created" : created.error).toBe("created");
  process.kill(redisPid, "SIGSTOP");
  try {
    expect(await store.openClaims("frozen-game", "h", 10, 2)).toEqual({ ok: false, error: { code: "OUTCOME_UNKNOWN", message: expect.any(String) } });
    expect(await store.view("frozen-game", "h")).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });
    const thrown = await directory.setAppState("frozen-player", "background").then(
      () => null,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(StoreNotReachedError);
  } finally {
    process.kill(redisPid, "SIGCONT");
  }
  // The write that got no answer was done after all: that is why it could not be UNAVAILABLE.
  await until(async () => (await phaseOf("frozen-game")) === "claiming", "the frozen write to run");
  expect(await admin.hget("bingo:{p:frozen-player}:presence", "app")).toBe("background");
});

test("Redis refusing the connection: writes are never sent (UNAVAILABLE, StoreNotReachedError) and nothing is done", async () => {
  // Whatever the frozen test above left the connection doing, it is back before this starts.
  await until(() => client.status === "ready", "the store's connection to be ready");
  const created = await store.createGame(gameFixture("down-game", "h"));
  expect(created.ok ? "created" : created.error).toBe("created");
  await admin.config("SET", "maxclients", "1");
  try {
    await admin.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
    await until(() => client.status !== "ready", "the store's connection to drop");
    expect(await store.openClaims("down-game", "h", 10, 2)).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });
    expect(await store.resolveTick("down-game", { claims: ["p", "r1", 1], calls: [], settle: false })).toEqual({
      ok: false,
      error: { code: "UNAVAILABLE", message: expect.any(String) },
    });
    await expect(directory.setAppState("down-player", "background")).rejects.toBeInstanceOf(StoreNotReachedError);
    await expect(directory.registerToken("down-player", "token-1", "android")).rejects.toBeInstanceOf(StoreNotReachedError);
  } finally {
    await admin.config("SET", "maxclients", "10000");
  }
  await until(() => client.status === "ready", "the store to reconnect");
  expect(await phaseOf("down-game")).toBe("lobby");
  expect(await admin.exists("bingo:{p:down-player}:presence", "bingo:{p:down-player}:tokens")).toBe(0);
});
