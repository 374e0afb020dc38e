import { Redis } from "ioredis";
import { ClaimStatus } from "../../server/domain/claim-batch";
import { gameKeys } from "../../server/store/redis/keys";
import { outcomes } from "../support/outcomes";
import { startRedis } from "../support/redis-server";
import type { TestRedis } from "../support/redis-server";
import { claimBatch, gameFixture } from "../support/games";
import { createRedisStore } from "../support/test-app";
import { connectCommands } from "../../server/store/redis/connection";
import { LIBRARY_SOURCE, loadFunctionLibrary } from "../../server/store/redis/function-library";
import { awayKeys } from "../../server/store/redis/redis-away-index";
import { playerKeys, RedisPlayerDirectory } from "../../server/store/redis/redis-push";

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

test("a batch of joins' push-directory write finds the library replaced by an earlier version's (a rolling deploy): it loads its own again and writes", async () => {
  const commands = await connectCommands(redis.url, 2000, () => undefined);
  try {
    await loadFunctionLibrary(commands);
    // The library as a node without bingo_push_players_joined loads it, over ours.
    const earlier = LIBRARY_SOURCE.replace("redis.register_function('bingo_push_players_joined', push_players_joined)", "");
    expect(earlier).not.toBe(LIBRARY_SOURCE);
    await admin.function("LOAD", "REPLACE", earlier);
    const directory = new RedisPlayerDirectory(commands);
    await directory.registerToken("fl-p", "tok-fl-p", "android");
    await directory.joinedMany("fl-game", [{ playerId: "fl-p", instance: "i-fl" }]);
    // Joined: one of the game's audience, so a background puts their device among the targets.
    await directory.setAppState("fl-p", "background");
    expect((await directory.pushTargets("fl-game", null, 0)).map((target) => target.token)).toEqual(["tok-fl-p"]);
    expect(await admin.function("LIST", "LIBRARYNAME", "bingo", "WITHCODE")).toEqual(expect.arrayContaining([expect.arrayContaining([expect.stringContaining("bingo_push_players_joined")])]));
  } finally {
    commands.disconnect();
  }
});

test("bingo_push_audience, which only earlier versions call, still files their join in this version's index", async () => {
  const commands = await connectCommands(redis.url, 2000, () => undefined);
  try {
    await loadFunctionLibrary(commands);
    const directory = new RedisPlayerDirectory(commands);
    await directory.registerToken("old-p", "tok-old-p", "android");
    // What an earlier node's join wrote: the player's game, then the audience call, then the foreground.
    await admin.sadd(playerKeys("old-p").games, "old-game");
    const a = awayKeys("old-game");
    await admin.call("FCALL", "bingo_push_audience", 6, a.audience, gameKeys("old-game").game, a.away, a.seq, a.on, a.instances, "old-p", "i-old");
    expect(await admin.smembers(a.audience)).toEqual(["old-p"]);
    // This version's background then finds them in the index, and a push reaches their device.
    await directory.setAppState("old-p", "background");
    expect((await directory.pushTargets("old-game", null, 0)).map((target) => target.token)).toEqual(["tok-old-p"]);
  } finally {
    commands.disconnect();
  }
});
