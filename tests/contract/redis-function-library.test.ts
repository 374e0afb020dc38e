import { Redis } from "ioredis";
import { ClaimStatus } from "../../server/domain/claim-batch";
import { gameKeys } from "../../server/store/redis/keys";
import { outcomes } from "../support/outcomes";
import { startRedis } from "../support/redis-server";
import type { TestRedis } from "../support/redis-server";
import { claimBatch, gameFixture } from "../support/games";
import { createRedisStore } from "../support/test-app";

let redis: TestRedis;
let admin: Redis;
beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterAll(async () => {
  admin.disconnect();
  await redis.stop();
});

test("a Redis that lost the function library (restart without persistence) gets it again on the next call", async () => {
  const store = await createRedisStore(redis.url);
  try {
    await store.createGame(gameFixture("reload", "h"));
    await store.openClaims("reload", "h", 5, 5);
    await admin.function("FLUSH");
    const reply = await claimBatch(store, "reload", ["p", "r", 2]);
    expect(reply.ok && outcomes(reply.value)[0]).toMatchObject({ status: ClaimStatus.GRANTED, granted: 2 });
  } finally {
    await store.close();
  }
});

test("a batch of joins' read reloads a lost library too: bingo_view_many is part of it", async () => {
  const store = await createRedisStore(redis.url);
  try {
    await store.createGame(gameFixture("reload-many", "h"));
    await admin.function("FLUSH");
    const views = await store.viewMany("reload-many", ["a", "b"]);
    expect(views.ok && [views.value.game.hostId, views.value.players.length]).toEqual(["h", 2]);
  } finally {
    await store.close();
  }
});

test("every key of a game shares one hash tag, so a game lives on one cluster slot", () => {
  const keys = Object.values(gameKeys("AB12"));
  expect(keys.length).toBeGreaterThan(1);
  for (const key of keys) expect(/\{([^}]*)\}/.exec(key)?.[1]).toBe("AB12");
});
