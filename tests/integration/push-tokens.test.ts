import { Redis } from "ioredis";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { connectCommands } from "../../server/store/redis/connection";
import type { RedisClient } from "../../server/store/redis/connection";
import { loadFunctionLibrary } from "../../server/store/redis/function-library";
import { RedisPlayerDirectory } from "../../server/store/redis/redis-push";
import { ok } from "../support/acks";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { until } from "../support/until";

/**
 * Token hygiene on real Redis: a device belongs to one player at a time, each player keeps
 * at most MAX_PUSH_TOKENS_PER_PLAYER, tokens not registered again within the TTL are
 * pruned, and only a token-level FCM error drops a token.
 */

let redis: TestRedis;
let commands: RedisClient;
let admin: Redis;

beforeAll(async () => {
  redis = await startRedis();
  commands = await connectCommands(redis.url, 2000, () => undefined);
  await loadFunctionLibrary(commands);
  admin = new Redis(redis.url);
});

afterAll(async () => {
  admin.disconnect();
  commands.disconnect();
  await redis.stop();
});

async function away(directory: RedisPlayerDirectory, gameId: string, playerId: string): Promise<void> {
  await directory.joined(gameId, playerId);
  await directory.setAppState(playerId, "background");
}

const tokensOf = async (directory: RedisPlayerDirectory, gameId: string) =>
  (await directory.pushTargets(gameId, null, 0)).map((t) => [t.playerId, t.token]).sort();

test("a device registered by a second account moves to it: only that account's pushes reach it", async () => {
  const directory = new RedisPlayerDirectory(commands);
  await away(directory, "TOKG0001", "first");
  await away(directory, "TOKG0001", "second");
  await directory.registerToken("first", "shared-device", "android");
  await directory.registerToken("first", "first-own", "ios");
  await directory.registerToken("second", "shared-device", "android");
  expect(await tokensOf(directory, "TOKG0001")).toEqual([
    ["first", "first-own"],
    ["second", "shared-device"],
  ]);
  // The first account unregistering it later does not take it from the second.
  await directory.dropToken("first", "shared-device");
  expect(await tokensOf(directory, "TOKG0001")).toContainEqual(["second", "shared-device"]);
});

test("MAX_PUSH_TOKENS_PER_PLAYER: one more drops the oldest (and its owner entry); registering again refreshes", async () => {
  const directory = new RedisPlayerDirectory(commands, { maxTokensPerPlayer: 3 });
  await away(directory, "TOKG0002", "many");
  for (const token of ["t1", "t2", "t3"]) await directory.registerToken("many", token, "android");
  await directory.registerToken("many", "t1", "android"); // t1 is now the newest
  await directory.registerToken("many", "t4", "web");
  expect(await tokensOf(directory, "TOKG0002")).toEqual([
    ["many", "t1"],
    ["many", "t3"],
    ["many", "t4"],
  ]);
  // t2 no longer belongs to anyone: another player registering it takes nothing from "many".
  await away(directory, "TOKG0002", "other");
  await directory.registerToken("other", "t2", "android");
  expect((await tokensOf(directory, "TOKG0002")).filter(([p]) => p === "many")).toHaveLength(3);
});

test("a token not registered again within PUSH_TOKEN_TTL_DAYS is pruned; the player's hash expires with it", async () => {
  const directory = new RedisPlayerDirectory(commands, { tokenTtlMs: 30 * 24 * 3600_000 });
  await away(directory, "TOKG0003", "idle");
  await directory.registerToken("idle", "fresh", "android");
  await directory.registerToken("idle", "stale", "android");
  expect(await admin.ttl("bingo:{p:idle}:tokens")).toBeGreaterThan(29 * 24 * 3600);
  // Registered 31 days ago, as far as the store knows.
  await admin.hset("bingo:{p:idle}:tokens", "stale", `android:${Date.now() - 31 * 24 * 3600_000}`);
  expect(await tokensOf(directory, "TOKG0003")).toEqual([["idle", "fresh"]]);
  expect(await admin.hkeys("bingo:{p:idle}:tokens")).toEqual(["fresh"]);
});

describe("FCM's INVALID_ARGUMENT", () => {
  let fake: FakeFcm;
  let fcm: FakeFcmMessaging;
  let app: TestApp;
  beforeAll(async () => {
    fake = await startFakeFcm();
    fcm = fakeFcmMessaging(fake, "bingo-test");
    app = await startTestApp({ redisUrl: redis.url, pushSender: new FcmPushSender(fcm.messaging), config: { backgroundGraceMs: 60_000 } });
  });
  afterAll(async () => {
    await app.stop();
    await fcm.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  async function game(prefix: string, tokens: string[]): Promise<{ gameId: string; open: () => Promise<void> }> {
    const host = await app.client(`${prefix}-host`, "host");
    const { gameId } = ok(await host.createGame({}), "create");
    for (const [i, token] of tokens.entries()) {
      const player = await app.client(`${prefix}-p${i}`, "player");
      ok(await player.join(gameId), "join");
      ok(await player.registerPush(token, "android"), "register");
      ok(await player.setAppState("background"), "background");
    }
    return { gameId, open: async () => void ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open") };
  }

  const payloadErrors = async () =>
    (await app.metrics.registry.getSingleMetric("bingo_push_failed_total")!.get()).values.find((v) => v.labels.reason === "payload")?.value ?? 0;

  test("for one device while the same message reached another of its platform: that token is dropped", async () => {
    const { gameId, open } = await game("inv-token", ["inv-good", "inv-bad"]);
    fake.fail("inv-bad", "invalid-argument");
    await open();
    await fake.waitForRequests(2);
    await until("the bad token dropped", async () => (await app.push.directory.pushTargets(gameId, null, 0)).length === 1);
    expect((await app.push.directory.pushTargets(gameId, null, 0)).map((t) => t.token)).toEqual(["inv-good"]);
    // The node's own metrics saw it: event-to-send latency of the accepted message.
    const latency = (await app.metrics.registry.getSingleMetric("bingo_push_latency_seconds")!.get()).values;
    expect(latency.find((v) => (v as { metricName?: string }).metricName === "bingo_push_latency_seconds_count")?.value).toBeGreaterThanOrEqual(1);
  });

  test("for every device of a platform (a payload bug): logged and counted, no token dropped", async () => {
    const before = await payloadErrors();
    const { gameId, open } = await game("inv-payload", ["pay-1", "pay-2", "pay-3"]);
    for (const token of ["pay-1", "pay-2", "pay-3"]) fake.fail(token, "invalid-argument");
    await open();
    await fake.waitForRequests(3);
    await until("the payload error counted", async () => (await payloadErrors()) === before + 3);
    expect((await app.push.directory.pushTargets(gameId, null, 0)).map((t) => t.token).sort()).toEqual(["pay-1", "pay-2", "pay-3"]);
  });
});
