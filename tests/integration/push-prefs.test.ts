import { Redis } from "ioredis";
import type { BingoClient } from "../../shared/client";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { ok } from "../support/acks";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import { ManualClock } from "../support/manual-clock";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { until } from "../support/until";

/**
 * `push:prefs` on real nodes: a player's muted kinds and quiet hours, set on one node, pick
 * the devices of pushes sent by any node (real firebase-admin against the local FCM).
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

/** Nodes on the file's Redis, sharing one clock (quiet hours are judged on it). */
async function nodes(count: number, clock?: ManualClock): Promise<TestApp[]> {
  const sender = new FcmPushSender(fcm.messaging);
  return Promise.all(
    Array.from({ length: count }, () =>
      startTestApp({ redisUrl: redis.url, pushSender: sender, ...(clock ? { clock } : {}), config: { backgroundGraceMs: 60_000, pushCountThresholds: [] } }),
    ),
  );
}

/** The push types a token received, in arrival order. */
const typesFor = (token: string): string[] =>
  fake
    .messages()
    .filter((m) => m.token === token)
    .map((m) => (m.data as Record<string, string>).type);

async function outboxDrained(): Promise<void> {
  const admin = new Redis(redis.url);
  try {
    await until("every outbox entry acknowledged", async () => ((await admin.xpending("bingo:push", "push")) as unknown[])[0] === 0);
  } finally {
    admin.disconnect();
  }
}

/** A player in the background with one device, in the game. */
async function away(app: TestApp, sub: string, gameId: string, token: string, platform: "android" | "ios" | "web" = "android"): Promise<BingoClient> {
  const player = await app.client(sub, "player");
  ok(await player.join(gameId), "join");
  ok(await player.registerPush(token, platform), "register");
  ok(await player.setAppState("background"), "background");
  return player;
}

test("a kind muted on node A reaches none of the player's devices when node B sends it; other kinds and other players go on", async () => {
  const [a, b] = await nodes(2);
  let aStopped = false;
  try {
    const host = await b.client("mute-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const muting = await away(a, "mute-p", gameId, "tok-mute-android");
    ok(await muting.registerPush("tok-mute-web", "web"), "register web");
    await away(a, "mute-witness", gameId, "tok-mute-witness");
    const set = ok(await muting.setPushPrefs({ muted: ["claims", "finished"] }), "prefs");
    expect(set).toEqual({ ok: true, muted: ["claims", "finished"], quietHours: null });

    // Node A goes: whatever is pushed now is picked and sent by node B.
    await a.stop();
    aStopped = true;
    ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open");
    // Waited for: a `claims` entry still unsent when claims close is dropped (superseded).
    await until("the witness got the opening", () => typesFor("tok-mute-witness").includes("claims"));
    ok(await host.closeClaims(gameId), "close");
    ok(await host.startRound(gameId), "start");
    await until("the witness got the round start", () => typesFor("tok-mute-witness").includes("round-start"));
    await until("the muting player got the round start", () => typesFor("tok-mute-android").includes("round-start"));
    await outboxDrained();

    expect(typesFor("tok-mute-witness")).toEqual(["claims", "claims-closed", "round-start"]);
    expect(typesFor("tok-mute-android")).toEqual(["claims-closed", "round-start"]);
    expect(typesFor("tok-mute-web")).toEqual(["claims-closed", "round-start"]);
  } finally {
    if (!aStopped) await a.stop();
    await b.stop();
  }
});

test("quiet hours: no alert and nothing to a browser inside the window, silent refreshes still go; after its end (the clock moved on) alerts come again", async () => {
  // 23:00 in Paris (UTC+1 in January), inside 22:00–07:00.
  const clock = new ManualClock();
  clock.advance(Date.parse("2026-01-15T22:00:00Z"));
  const [a, b] = await nodes(2, clock);
  try {
    const host = await b.client("quiet-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const quiet = await away(a, "quiet-p", gameId, "tok-quiet-android");
    ok(await quiet.registerPush("tok-quiet-web", "web"), "register web");
    await away(a, "quiet-witness", gameId, "tok-quiet-witness");
    ok(await quiet.setPushPrefs({ quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/Paris" } }), "prefs");

    ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open"); // an alert
    await until("the witness got the opening", () => typesFor("tok-quiet-witness").includes("claims"));
    ok(await host.closeClaims(gameId), "close"); // a silent refresh
    await until("the witness got both", () => typesFor("tok-quiet-witness").length === 2);
    await outboxDrained();
    expect(typesFor("tok-quiet-witness")).toEqual(["claims", "claims-closed"]);
    expect(typesFor("tok-quiet-android")).toEqual(["claims-closed"]);
    expect(typesFor("tok-quiet-web")).toEqual([]);

    // 07:00 in Paris: the window is over.
    clock.advance(8 * 3600_000);
    ok(await host.startRound(gameId), "start"); // an alert
    await until("the quiet player got the round start on both devices", () => typesFor("tok-quiet-android").length === 2 && typesFor("tok-quiet-web").length === 1);
    await outboxDrained();
    expect(typesFor("tok-quiet-android")).toEqual(["claims-closed", "round-start"]);
    expect(typesFor("tok-quiet-web")).toEqual(["round-start"]);
    expect(typesFor("tok-quiet-witness")).toEqual(["claims", "claims-closed", "round-start"]);
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("a bad push:prefs payload is BAD_REQUEST and changes nothing; the preferences read back on another node", async () => {
  const [a, b] = await nodes(2);
  try {
    const onA = await a.client("bad-prefs-p", "player");
    const stored = { muted: ["won"], quietHours: { start: "23:30", end: "06:00", timeZone: "America/New_York" } };
    expect(await onA.setPushPrefs(stored as never)).toEqual({ ok: true, ...stored });
    const bad: unknown[] = [
      { muted: ["won", "spam"] },
      { muted: [], quietHours: { start: "25:00", end: "06:00", timeZone: "UTC" } },
      { quietHours: { start: "22:00", end: "06:00", timeZone: "Not/AZone" } },
      { quietHours: { start: "22:00", end: "22:00", timeZone: "UTC" } },
      { muted: [], extra: true },
      { muted: Array.from({ length: 1000 }, () => "claims") },
      "muted",
      null,
    ];
    for (const payload of bad) {
      const ack = await onA.setPushPrefs(payload as never);
      expect(ack.ok ? "ok" : ack.error.code).toBe("BAD_REQUEST");
    }
    const onB = await b.client("bad-prefs-p", "player");
    expect(await onB.setPushPrefs({})).toEqual({ ok: true, ...stored });
    // The other player's are their own.
    const other = await b.client("bad-prefs-other", "player");
    expect(await other.setPushPrefs({})).toEqual({ ok: true, muted: [], quietHours: null });
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("the embedded (memory) store: a muted kind is not pushed, the others are", async () => {
  const app = await startTestApp({ pushSender: new FcmPushSender(fcm.messaging), config: { backgroundGraceMs: 60_000, pushCountThresholds: [] } });
  try {
    const host = await app.client("memory-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const muting = await away(app, "memory-mute", gameId, "tok-memory-mute");
    ok(await muting.setPushPrefs({ muted: ["claims-closed"] }), "prefs");
    ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open");
    await until("the opening arrived", () => typesFor("tok-memory-mute").includes("claims"));
    ok(await host.closeClaims(gameId), "close");
    ok(await host.startRound(gameId), "start");
    await until("the round start arrived", () => typesFor("tok-memory-mute").includes("round-start"));
    expect(typesFor("tok-memory-mute")).toEqual(["claims", "round-start"]);
  } finally {
    await app.stop();
  }
});
