import { Redis } from "ioredis";
import { ok } from "../support/acks";
import pino from "pino";
import type { BingoClient } from "../../shared/client";
import { PushDispatcher } from "../../server/push/push-dispatcher";
import { FcmPushSender } from "../../server/push/fcm-sender";
import { systemClock } from "../../server/ports/clock";
import { isComplete } from "../../server/domain/patterns";
import { nextEvent } from "../support/events";
import { connectCommands } from "../../server/store/redis/connection";
import { RedisPlayerDirectory, RedisPushGate, RedisPushOutbox } from "../../server/store/redis/redis-push";
import type { FakeFcm, FakeFcmMessaging } from "../support/fake-fcm";
import { fakeFcmMessaging, startFakeFcm } from "../support/fake-fcm";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { ManualClock } from "../support/manual-clock";
import { until } from "../support/until";

let redis: TestRedis;
let fake: FakeFcm;
let fcm: FakeFcmMessaging;
const PROJECT = "bingo-test";

beforeAll(async () => {
  redis = await startRedis();
  fake = await startFakeFcm();
  fcm = fakeFcmMessaging(fake, PROJECT);
});

afterAll(async () => {
  await fcm.close();
  await fake.close();
  await redis.stop();
});

beforeEach(() => fake.reset());


/** Messages FCM received, as [token, data.type] pairs, sorted. */
function received(): [string, string][] {
  return fake
    .messages()
    .map((m) => [m.token as string, (m.data as Record<string, string>).type] as [string, string])
    .sort();
}

async function nodes(count: number, config: Partial<TestApp["config"]> = {}): Promise<TestApp[]> {
  const sender = new FcmPushSender(fcm.messaging);
  return Promise.all(
    Array.from({ length: count }, () =>
      startTestApp({ redisUrl: redis.url, pushSender: sender, config: { backgroundGraceMs: 60_000, pushCountThresholds: [], ...config } }),
    ),
  );
}

async function player(app: TestApp, sub: string, gameId: string, token: string): Promise<BingoClient> {
  const client = await app.client(sub, "player");
  ok(await client.join(gameId), "join");
  ok(await client.registerPush(token, "android"), "register");
  return client;
}

test("one event reaches each backgrounded player's device exactly once across 2 nodes; foreground players and returners get nothing", async () => {
  const [a, b] = await nodes(2);
  try {
    const host = await a.client("push-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const p1 = await player(a, "push-p1", gameId, "tok-1");
    const p2 = await player(b, "push-p2", gameId, "tok-2");
    await player(b, "push-p3", gameId, "tok-3"); // stays in the foreground
    ok(await p1.setAppState("background"), "p1 background");
    ok(await p2.request("app:state", { state: "background" }), "p2 background");

    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 2 }), "open");
    await fake.waitForRequests(2);
    // p1 comes back; the next event reaches only p2.
    ok(await p1.request("app:state", { state: "foreground" }), "p1 foreground");
    ok(await host.closeClaims(gameId), "close");
    await fake.waitForRequests(3);
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(4);
    expect(received()).toEqual([
      ["tok-1", "claims"],
      ["tok-2", "claims"],
      ["tok-2", "claims-closed"],
      ["tok-2", "round-start"],
    ]);
    const claims = fake.messages().find((m) => m.token === "tok-2" && (m.data as Record<string, string>).type === "claims")!;
    expect(claims).toMatchObject({
      data: { type: "claims", gameId, state: "open", remaining: "10", total: "10", version: "1" },
      android: { collapse_key: `claims:${gameId}`, priority: "high" },
    });
    // Every entry was acknowledged: nothing left for another node to send again.
    const admin = new Redis(redis.url);
    await until("every entry acknowledged", async () => ((await admin.xpending("bingo:push", "push")) as unknown[])[0] === 0);
    expect(await admin.xpending("bingo:push", "push")).toEqual([0, null, null, null]);
    admin.disconnect();
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test("game:peek answers the snapshot without joining: the backgrounded player still gets the next pushes, a joiner does not", async () => {
  const [a] = await nodes(1);
  try {
    const host = await a.client("peek-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const away = await player(a, "peek-away", gameId, "tok-peek-away");
    ok(await away.setAppState("background"), "background");
    const joiner = await player(a, "peek-joiner", gameId, "tok-peek-joiner");
    ok(await joiner.setAppState("background"), "joiner background");
    ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open");
    await fake.waitForRequests(2);

    // Woken by the push: one peeks (a fresh socket, as an app woken in the background), one joins.
    const woken = await a.client("peek-away", "player");
    const peeked = ok(await woken.peek(gameId), "peek");
    expect(peeked.game.phase).toBe("claiming");
    expect(peeked.game.slots).toMatchObject({ total: 5, remaining: 5 });
    expect(woken.socket.id && a.io.sockets.sockets.get(woken.socket.id)?.rooms.size).toBe(1); // its own room only
    const rejoined = await a.client("peek-joiner", "player");
    ok(await rejoined.join(gameId), "rejoin");

    ok(await host.closeClaims(gameId), "close");
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(4);
    expect(received()).toEqual([
      ["tok-peek-away", "claims"],
      ["tok-peek-away", "claims-closed"],
      ["tok-peek-away", "round-start"],
      ["tok-peek-joiner", "claims"],
    ]);
    const unknown = await woken.peek("NOSUCHGAME");
    expect(unknown.ok ? null : unknown.error.code).toBe("NOT_FOUND");
  } finally {
    await a.stop();
  }
});

test("a player whose last socket has been gone for BACKGROUND_GRACE_MS is pushed; joining again stops it", async () => {
  const [a] = await nodes(1, { backgroundGraceMs: 0 });
  try {
    const host = await a.client("gone-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    // A player in the background all along: each event reaches them, marking its delivery.
    const marker = await player(a, "marker-p", gameId, "tok-marker");
    ok(await marker.request("app:state", { state: "background" }), "marker background");
    const leaver = await player(a, "gone-p", gameId, "tok-gone");
    const serverSocket = a.io.sockets.sockets.get(leaver.socket.id!)!;
    const disconnected = new Promise((resolve) => serverSocket.once("disconnect", resolve));
    leaver.close();
    await disconnected;
    ok(await host.openClaims({ gameId, totalSlots: 5, maxPerPlayer: 1 }), "open");
    await fake.waitForRequests(2);

    const back = await a.client("gone-p", "player");
    ok(await back.join(gameId), "rejoin");
    ok(await host.closeClaims(gameId), "close");
    // Entries are sent one after another: once the next event arrived, the close was fully sent.
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(4);
    expect(received()).toEqual([
      ["tok-gone", "claims"],
      ["tok-marker", "claims"],
      ["tok-marker", "claims-closed"],
      ["tok-marker", "round-start"],
    ]);
  } finally {
    await a.stop();
  }
});

test("a dead token is removed and FCM is not asked again; winners and the end are pushed", async () => {
  const [a] = await nodes(1, { claimGraceMs: 200 });
  try {
    const host = await a.client("dead-host", "host");
    const { gameId } = ok(await host.createGame({ prizes: [300, 0] }), "create");
    ok(await host.join(gameId), "host join");
    const p = await player(a, "dead-p", gameId, "tok-dead");
    ok(await p.request("push:register", { token: "tok-alive", platform: "ios" }), "second device");
    ok(await p.request("app:state", { state: "background" }), "background");
    fake.fail("tok-dead", "unregistered");
    ok(await host.openClaims({ gameId, totalSlots: 40, maxPerPlayer: 40 }), "open");
    // Sent before the sell-out: a "claims" push still waiting when claims close is dropped.
    await fake.waitForRequests(2);
    const cards = ok(await p.claim(gameId, 40), "claim").cards; // sold out
    ok(await host.startRound(gameId), "start");
    // Draw until one of the player's cards has a line (auto-claim calls it), then one more
    // ball: the call's window closes CLAIM_GRACE_MS later and the line is awarded.
    const won = nextEvent(host.socket, "winners");
    while (!cards.some((card) => isComplete(card.grid, "line", host.draws(gameId)))) ok(await host.draw(gameId), "draw");
    ok(await host.draw(gameId), "one more ball");
    // The player holds every card: several may complete a line on the same ball and share it.
    const award = await won;
    ok(await host.endGame(gameId), "end");
    await fake.waitForRequests(6);
    expect(received()).toEqual([
      ["tok-alive", "claims"],
      ["tok-alive", "claims-closed"],
      ["tok-alive", "finished"],
      ["tok-alive", "round-start"],
      ["tok-alive", "won"],
      ["tok-dead", "claims"],
    ]);
    const wonMessage = fake.messages().find((m) => (m.data as Record<string, string>).type === "won")!;
    expect(wonMessage.data).toMatchObject({ pattern: "line", prizeEach: String(Math.floor(300 / award.winners.length)) });
    expect(new Set(award.winners.map((w) => w.playerId))).toEqual(new Set(["dead-p"]));
    // An alert the phone shows: APNs alert at priority 10, Android on the results channel.
    expect(wonMessage.apns).toMatchObject({ headers: { "apns-collapse-id": `won:${gameId}`, "apns-push-type": "alert", "apns-priority": "10" } });
    expect(wonMessage.android).toMatchObject({ priority: "high", notification: { channel_id: "bingo_results", body_loc_key: "push_won_body" } });
    const closed = fake.messages().find((m) => (m.data as Record<string, string>).type === "claims-closed")!;
    expect(closed.data).toMatchObject({ reason: "sold-out", remaining: "0", total: "40" });
  } finally {
    await a.stop();
  }
});

test("entries a node took and never finished (it died) are sent by another node", async () => {
  // Node A: only its push dispatcher, sending to an FCM that never answers it.
  const stuckFake = await startFakeFcm();
  const stuckFcm = fakeFcmMessaging(stuckFake, PROJECT);
  stuckFake.hold();
  const log = pino({ level: "silent" });
  const outboxA = await connectCommands(redis.url, 5000, () => undefined);
  const commandsA = await connectCommands(redis.url, 5000, () => undefined);
  const dispatcherA = new PushDispatcher(new RedisPushOutbox(outboxA), new RedisPlayerDirectory(commandsA), new RedisPushGate(commandsA), new FcmPushSender(stuckFcm.messaging), systemClock, log, {
    nodeId: "doomed-node",
    graceMs: 60_000,
    claimTimeoutMs: 60_000,
    retryDelaysMs: [],
  });
  // The game runs on node B, whose own dispatcher is not started yet.
  const gameNode = await startTestApp({ redisUrl: redis.url, config: { backgroundGraceMs: 60_000 } });
  let rescuer: TestApp | null = null;
  try {
    const host = await gameNode.client("crash-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const p = await player(gameNode, "crash-p", gameId, "tok-rescued");
    ok(await p.request("app:state", { state: "background" }), "background");
    await gameNode.stop(); // its dispatcher (logging sender) will not compete for the entry
    // Append the event directly, as a node does when it happens.
    const producer = new RedisPushOutbox(await connectCommands(redis.url, 5000, () => undefined));
    await producer.append({ kind: "round-start", gameId, data: {}, at: Date.now() });
    await producer.close();
    dispatcherA.start();
    await stuckFake.waitForRequests(1); // node A took the entry and is sending
    // Node A dies: its connections drop, it never acknowledges.
    outboxA.disconnect();
    commandsA.disconnect();

    rescuer = await startTestApp({ redisUrl: redis.url, pushSender: new FcmPushSender(fcm.messaging), config: { pushClaimTimeoutMs: 300, backgroundGraceMs: 60_000 } });
    await fake.waitForRequests(1);
    expect(received()).toEqual([["tok-rescued", "round-start"]]);
  } finally {
    stuckFake.release();
    await dispatcherA.stop();
    await rescuer?.stop();
    await stuckFcm.close();
    await stuckFake.close();
  }
});

test("on the embedded default (no Redis) the in-process outbox pushes the same way", async () => {
  const app = await startTestApp({ pushSender: new FcmPushSender(fcm.messaging), config: { backgroundGraceMs: 60_000 } });
  try {
    const host = await app.client("mem-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const away = await player(app, "mem-away", gameId, "tok-mem-away");
    await player(app, "mem-here", gameId, "tok-mem-here");
    ok(await away.setAppState("background"), "background");
    ok(await host.openClaims({ gameId, totalSlots: 3, maxPerPlayer: 1 }), "open");
    await fake.waitForRequests(1);
    ok(await host.startRound(gameId), "start");
    await fake.waitForRequests(2);
    expect(received()).toEqual([
      ["tok-mem-away", "claims"],
      ["tok-mem-away", "round-start"],
    ]);
  } finally {
    await app.stop();
  }
});

describe.each([
  ["the embedded store", false],
  ["Redis", true],
])("on %s", (_name, onRedis) => {
  test("an app sent to the background while its join waits for the game's batch stays pushed: the join's foreground does not overwrite it", async () => {
    // Joins wait for their batch until the test advances this clock (JoinBatcher).
    const joinClock = new ManualClock();
    const app = await startTestApp({
      ...(onRedis ? { redisUrl: redis.url } : {}),
      joinClock,
      pushSender: new FcmPushSender(fcm.messaging),
      config: { backgroundGraceMs: 60_000, pushCountThresholds: [] },
    });
    const suffix = onRedis ? "redis" : "memory";
    try {
      const host = await app.client(`order-host-${suffix}`, "host");
      const { gameId } = ok(await host.createGame({}), "create");
      const p = await app.client(`order-p-${suffix}`, "player");
      ok(await p.registerPush(`tok-order-${suffix}`, "android"), "register");
      // As when the SDK rejoins after a reconnect and the app goes to the background meanwhile.
      const joined = p.join(gameId);
      const backgrounded = p.setAppState("background");
      // One socket's events are handled in the order sent: once this later one is answered,
      // the server has taken the app:state, while the join still waits for its batch.
      ok(await p.peek(gameId), "peek");
      joinClock.advance(0);
      ok(await joined, "join");
      ok(await backgrounded, "background");

      expect(await app.push.directory.presenceOf([`order-p-${suffix}`])).toEqual(["away"]);
      ok(await host.openClaims({ gameId, totalSlots: 3, maxPerPlayer: 1 }), "open");
      await fake.waitForRequests(1);
      expect(received()).toEqual([[`tok-order-${suffix}`, "claims"]]);
    } finally {
      await app.stop();
    }
  });
});
