import { Redis } from "ioredis";
import type { BingoClient } from "../../shared/client";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { connectCommands } from "../../server/store/redis/connection";
import type { RedisClient } from "../../server/store/redis/connection";
import { loadFunctionLibrary } from "../../server/store/redis/function-library";
import { RedisPlayerDirectory, RedisPushGate } from "../../server/store/redis/redis-push";
import { ok } from "../support/acks";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { until } from "../support/until";

/**
 * Pushes follow the game's phases across nodes: the cross-node gate (push.lua) records
 * phase changes as well as counts, and a count held back on one node never goes out after
 * a close made on another.
 */

let redis: TestRedis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;

beforeAll(async () => {
  redis = await startRedis();
  fake = await startFakeFcm();
  fcm = fakeFcmMessaging(fake, "bingo-test");
});

afterAll(async () => {
  await fcm.close();
  await fake.close();
  await redis.stop();
});

beforeEach(() => fake.reset());

async function nodes(count: number, config: Partial<TestApp["config"]>): Promise<TestApp[]> {
  const sender = new FcmPushSender(fcm.messaging);
  return Promise.all(Array.from({ length: count }, () => startTestApp({ redisUrl: redis.url, pushSender: sender, config: { backgroundGraceMs: 60_000, ...config } })));
}

async function suppressed(app: TestApp, reason: string): Promise<number> {
  const metric = app.metrics.registry.getSingleMetric("bingo_push_suppressed_total");
  const values = metric ? (await metric.get()).values : [];
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** What the token received, in arrival order: [type, version]. */
function receivedBy(token: string): [string, string | undefined][] {
  return fake
    .messages()
    .filter((m) => m.token === token)
    .map((m) => {
      const data = m.data as Record<string, string>;
      return [data.type, data.version];
    });
}

test("a count held back on one node is not pushed after claims closed on another: open, closed, round start, in that order", async () => {
  const [a, b] = await nodes(2, { pushMinIntervalMs: 4000 });
  try {
    const host = await b.client("phase-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const away: BingoClient = await b.client("phase-away", "player");
    ok(await away.join(gameId), "join");
    ok(await away.registerPush("tok-phase-away", "android"), "register");
    ok(await away.setAppState("background"), "background");
    ok(await host.openClaims({ gameId, totalSlots: 50, maxPerPlayer: 5 }), "open"); // version 1
    await fake.waitForRequests(1);

    // A claim committed on node A within the interval: A holds the count back for later.
    const claimer = await a.client("phase-claimer", "player");
    ok(await claimer.join(gameId), "claimer join");
    ok(await claimer.claim(gameId, 1), "claim"); // version 2, node A
    ok(await host.closeClaims(gameId), "close"); // version 3, node B
    await fake.waitForRequests(2);
    // A's held-back count fires at the end of the interval; the gate refuses it.
    await until("node A's held-back count refused by the gate", async () => (await suppressed(a, "stale")) >= 1);
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(3);

    expect(receivedBy("tok-phase-away")).toEqual([
      ["claims", "1"],
      ["claims-closed", "3"],
      ["round-start", "3"],
    ]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("a close made on two nodes (sold out on one, closed by the host on the other) is pushed once", async () => {
  const [a, b] = await nodes(2, { pushMinIntervalMs: 60_000 });
  try {
    const host = await b.client("dup-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const away = await b.client("dup-away", "player");
    ok(await away.join(gameId), "join");
    ok(await away.registerPush("tok-dup-away", "android"), "register");
    ok(await away.setAppState("background"), "background");
    ok(await host.openClaims({ gameId, totalSlots: 2, maxPerPlayer: 2 }), "open");
    await fake.waitForRequests(1);
    const buyer = await a.client("dup-buyer", "player");
    ok(await buyer.join(gameId), "buyer join");
    ok(await buyer.claim(gameId, 2), "sell out"); // node A: claims-closed (sold out)
    await fake.waitForRequests(2);
    ok(await host.closeClaims(gameId), "close"); // node B: the same phase again
    await until("the host's close refused as a duplicate phase", async () => (await suppressed(b, "duplicate-phase")) >= 1);
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(3);
    expect(receivedBy("tok-dup-away").map(([type]) => type)).toEqual(["claims", "claims-closed", "round-start"]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

describe("the Redis push gate", () => {
  let commands: RedisClient;
  let gate: RedisPushGate;
  beforeAll(async () => {
    commands = await connectCommands(redis.url, 2000, () => undefined);
    await loadFunctionLibrary(commands);
    gate = new RedisPushGate(commands);
  });
  afterAll(() => commands.disconnect());

  test("counts pass only while open, newer than every push so far, one per interval; phases only move forward", async () => {
    const g = "GATE0001";
    expect(await gate.count(g, 1, 0)).toBe("stale"); // never opened
    expect(await gate.phase(g, "open", 1)).toBe("passed");
    expect(await gate.count(g, 2, 60_000)).toBe("too-soon"); // the opening stamped the interval
    expect(await gate.count(g, 2, 0)).toBe("passed");
    expect(await gate.count(g, 2, 0)).toBe("stale");
    expect(await gate.count(g, 1, 0)).toBe("stale");
    expect(await gate.current(g)).toEqual({ stage: "open", version: 2 });
    expect(await gate.phase(g, "closed", 3)).toBe("passed");
    expect(await gate.phase(g, "closed", 4)).toBe("stale"); // a second close
    expect(await gate.count(g, 5, 0)).toBe("stale"); // claims are closed
    expect(await gate.phase(g, "open", 3)).toBe("stale"); // an old opening
    expect(await gate.phase(g, "running", 3)).toBe("passed");
    expect(await gate.phase(g, "closed", 3)).toBe("stale");
    expect(await gate.phase(g, "finished", 0)).toBe("passed");
    expect(await gate.current(g)).toEqual({ stage: "finished", version: 3 });
    const admin = new Redis(redis.url);
    expect(await admin.pttl(`bingo:{${g}}:pushgate`)).toBeGreaterThan(0);
    admin.disconnect();
  });

  test("a game's push gate and audience live no longer than the game itself (they never outlast it)", async () => {
    const g = "GATE0003";
    const admin = new Redis(redis.url);
    await admin.set(`bingo:{${g}}:game`, "x", "PX", 60_000);
    expect(await gate.phase(g, "open", 1)).toBe("passed");
    expect(await gate.count(g, 2, 0)).toBe("passed");
    await new RedisPlayerDirectory(commands).joined(g, "audience-player");
    for (const key of [`bingo:{${g}}:pushgate`, `bingo:{${g}}:audience`]) {
      const left = await admin.pttl(key);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60_000);
    }
    expect(await admin.smembers(`bingo:{${g}}:audience`)).toEqual(["audience-player"]);
    admin.disconnect();
  });

  test("claims opened again with a newer version open the gate again", async () => {
    const g = "GATE0002";
    expect(await gate.phase(g, "open", 1)).toBe("passed");
    expect(await gate.phase(g, "closed", 2)).toBe("passed");
    expect(await gate.phase(g, "open", 3)).toBe("passed");
    expect(await gate.count(g, 4, 0)).toBe("passed");
  });
});
