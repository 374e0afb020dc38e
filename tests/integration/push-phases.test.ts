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
 * phase changes and the count band as well as counts, so counts go out only at thresholds,
 * once across nodes, and never after a close made on another node.
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

test("counts come only when a threshold is crossed, on whichever node, once; then always the close and the round start, in order", async () => {
  // 50 slots open in band 2 (<= 100, <= 50); 30 and 10 are the next thresholds.
  const [a, b] = await nodes(2, { pushCountThresholds: [100, 50, 30, 10] });
  try {
    const host = await b.client("phase-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const away: BingoClient = await b.client("phase-away", "player");
    ok(await away.join(gameId), "join");
    ok(await away.registerPush("tok-phase-away", "android"), "register");
    ok(await away.setAppState("background"), "background");
    ok(await host.openClaims({ gameId, totalSlots: 50, maxPerPlayer: 30 }), "open"); // version 1
    await fake.waitForRequests(1);

    const onA = await a.client("phase-claimer-a", "player");
    const onB = await b.client("phase-claimer-b", "player");
    ok(await onA.join(gameId), "join A");
    ok(await onB.join(gameId), "join B");
    ok(await onA.claim(gameId, 10), "claim A"); // version 2: 40 left, no threshold crossed
    ok(await onB.claim(gameId, 12), "claim B"); // version 3: 28 left, crossed 30 (node B)
    await fake.waitForRequests(2);
    ok(await onA.claim(gameId, 3), "claim A again"); // version 4: 25 left, same band
    ok(await onB.claim(gameId, 16), "claim B again"); // version 5: 9 left, crossed 10 (node B)
    await fake.waitForRequests(3);
    ok(await host.closeClaims(gameId), "close"); // version 6
    await fake.waitForRequests(4);
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(5);

    expect(receivedBy("tok-phase-away")).toEqual([
      ["claims", "1"],
      ["claims", "3"],
      ["claims", "5"],
      ["claims-closed", "6"],
      ["round-start", "6"],
    ]);
    const remaining = fake
      .messages()
      .filter((m) => m.token === "tok-phase-away" && (m.data as Record<string, string>).type === "claims")
      .map((m) => (m.data as Record<string, string>).remaining);
    expect(remaining).toEqual(["50", "28", "9"]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("a close made on two nodes (sold out on one, closed by the host on the other) is pushed once", async () => {
  const [a, b] = await nodes(2, { pushCountThresholds: [] });
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

  test("counts pass only while open, newer than every push so far, one per threshold band; phases only move forward", async () => {
    const g = "GATE0001";
    expect(await gate.count(g, 1, 1)).toBe("stale"); // never opened
    expect(await gate.phase(g, "open", 1, 2)).toBe("passed"); // opened in band 2
    expect(await gate.count(g, 2, 2)).toBe("same-band"); // no threshold crossed since the opening
    expect(await gate.count(g, 3, 3)).toBe("passed");
    expect(await gate.count(g, 4, 3)).toBe("same-band"); // another node, the same crossing
    expect(await gate.count(g, 3, 4)).toBe("stale"); // not newer than the last push
    expect(await gate.count(g, 2, 5)).toBe("stale");
    expect(await gate.current(g)).toEqual({ stage: "open", version: 3 });
    expect(await gate.phase(g, "closed", 5)).toBe("passed");
    expect(await gate.phase(g, "closed", 6)).toBe("stale"); // a second close
    expect(await gate.count(g, 7, 9)).toBe("stale"); // claims are closed
    expect(await gate.phase(g, "open", 5)).toBe("stale"); // an old opening
    expect(await gate.phase(g, "running", 5)).toBe("passed");
    expect(await gate.phase(g, "closed", 5)).toBe("stale");
    expect(await gate.phase(g, "finished", 0)).toBe("passed");
    expect(await gate.current(g)).toEqual({ stage: "finished", version: 5 });
    const admin = new Redis(redis.url);
    expect(await admin.pttl(`bingo:{${g}}:pushgate`)).toBeGreaterThan(0);
    admin.disconnect();
  });

  test("a game's push gate and audience live no longer than the game itself (they never outlast it)", async () => {
    const g = "GATE0003";
    const admin = new Redis(redis.url);
    await admin.set(`bingo:{${g}}:game`, "x", "PX", 60_000);
    expect(await gate.phase(g, "open", 1)).toBe("passed");
    expect(await gate.count(g, 2, 1)).toBe("passed");
    await new RedisPlayerDirectory(commands).joined(g, "audience-player");
    for (const key of [`bingo:{${g}}:pushgate`, `bingo:{${g}}:audience`]) {
      const left = await admin.pttl(key);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60_000);
    }
    expect(await admin.smembers(`bingo:{${g}}:audience`)).toEqual(["audience-player"]);
    admin.disconnect();
  });

  test("claims opened again with a newer version open the gate again, from the new opening's band", async () => {
    const g = "GATE0002";
    expect(await gate.phase(g, "open", 1, 1)).toBe("passed");
    expect(await gate.count(g, 2, 4)).toBe("passed");
    expect(await gate.phase(g, "closed", 3)).toBe("passed");
    expect(await gate.phase(g, "open", 4, 1)).toBe("passed");
    expect(await gate.count(g, 5, 1)).toBe("same-band");
    expect(await gate.count(g, 5, 2)).toBe("passed");
  });
});
