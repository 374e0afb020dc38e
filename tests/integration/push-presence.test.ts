import { Redis } from "ioredis";
import { BingoClient } from "../../shared/client";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { ok } from "../support/acks";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { NodeProcess } from "../support/node-process";
import { startNodeProcess } from "../support/node-process";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp, TEST_SECRET, tokenFor } from "../support/test-app";
import { until } from "../support/until";

/**
 * Presence survives crashes and restarts: socket counts belong to one start of a node
 * (an instance), expire with its heartbeat, and are rebuilt from its live sockets when
 * Redis lost them.
 */

let redis: TestRedis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;
const GRACE_MS = 300;
const BEAT_MS = 100;

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

async function node(): Promise<TestApp> {
  return startTestApp({
    redisUrl: redis.url,
    pushSender: new FcmPushSender(fcm.messaging),
    config: { backgroundGraceMs: GRACE_MS, presenceHeartbeatMs: BEAT_MS, pushCountThresholds: [] },
  });
}

/** Lines the process logs from now on. */
function logLines(process: NodeProcess): string[] {
  const lines: string[] = [];
  let partial = "";
  process.child.stdout!.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  return lines;
}

test("kill -9 of a node, restarted under the same NODE_ID: its former player is pushed after the grace, exactly once", async () => {
  const survivor = await node();
  const env = {
    REDIS_URL: redis.url,
    AUTH_SECRET: TEST_SECRET,
    NODE_ID: "node1",
    PRESENCE_HEARTBEAT_MS: String(BEAT_MS),
    BACKGROUND_GRACE_MS: String(GRACE_MS),
  };
  let crashing: NodeProcess | null = await startNodeProcess(env);
  let restarted: NodeProcess | null = null;
  const token = "tok-restart-device-0123456789";
  try {
    const host = await survivor.client("restart-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const player = await BingoClient.connect({ url: crashing.url, token: tokenFor("restart-p", "player"), retries: 0 });
    ok(await player.join(gameId), "join");
    ok(await player.registerPush(token, "android"), "register");
    const exited = new Promise((resolve) => crashing!.child.once("exit", resolve));
    crashing.child.kill("SIGKILL"); // no disconnect handler runs: its count stays in Redis
    await exited;
    player.close();
    crashing = null;
    restarted = await startNodeProcess(env);
    const restartedLog = logLines(restarted);

    // Before the fix the restarted "node1" beat for the dead sockets' count, for 7 days.
    await until(
      "the crashed node's player counts as away",
      async () => (await survivor.push.directory.pushTargets(gameId, null, GRACE_MS)).some((t) => t.token === token),
    );
    ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open");
    const viaFcm = () => fake.messages().filter((m) => m.token === token).length;
    const viaLog = () => restartedLog.filter((line) => line.includes('"tok-rest…"') && line.includes('"claims"')).length;
    await until("the push reached the player through one of the nodes", () => viaFcm() + viaLog() >= 1);
    // Every entry acknowledged: nothing left for a second send.
    const admin = new Redis(redis.url);
    await until("the outbox drained", async () => ((await admin.xpending("bingo:push", "push")) as unknown[])[0] === 0);
    admin.disconnect();
    expect(viaFcm() + viaLog()).toBe(1);
  } finally {
    if (crashing) crashing.child.kill("SIGKILL");
    await restarted?.stop();
    await survivor.stop();
  }
});

test("a node whose counts Redis lost rebuilds them from its live sockets: its player is not taken for away", async () => {
  const [a, b] = [await node(), await node()];
  try {
    const host = await b.client("rebuild-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const onA = await a.client("rebuild-p", "player");
    ok(await onA.join(gameId), "join");
    ok(await onA.registerPush("tok-rebuild", "android"), "register");
    const onB = await b.client("rebuild-p", "player");
    ok(await onB.join(gameId), "join on b");

    // Redis loses the presence (a restart without persistence, say), then a's heartbeat finds
    // its instance unknown and writes its counts again.
    const admin = new Redis(redis.url);
    const presence = "bingo:{p:rebuild-p}:presence";
    await admin.del("bingo:nodes", presence);
    await until("a's count of its socket written again", async () => Object.entries(await admin.hgetall(presence)).some(([f, v]) => f.startsWith("n:test-node") && v === "1" && !f.includes(b.config.nodeId)));
    // The player's other socket closes: the player is still connected on a.
    const closed = new Promise((resolve) => b.io.sockets.sockets.get(onB.socket.id!)!.once("disconnect", resolve));
    onB.close();
    await closed;
    await until("the close recorded", async () => (await admin.hget(presence, "gone")) !== null);
    admin.disconnect();
    expect(await b.push.directory.pushTargets(gameId, null, 0)).toEqual([]);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
