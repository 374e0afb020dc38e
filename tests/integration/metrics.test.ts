import type { PushMessage } from "../../server/domain/push-messages";
import type { PushOutcome, PushSender } from "../../server/ports/push-sender";
import { BingoClient } from "../../shared/client";
import type { Ack } from "../../shared/protocol";
import { ok } from "../support/acks";
import { ManualClock } from "../support/manual-clock";
import { handled } from "../support/server-sockets";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/** The value of the one sample of `name` whose labels include `labels`; fails when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = match[3] ?? "";
    if (Object.entries(labels).every(([key, value]) => has.includes(`${key}="${value}"`))) return Number(match[4]);
  }
  throw new Error(`no sample ${name} ${JSON.stringify(labels)} in /metrics`);
}

async function scrape(app: TestApp): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${app.url}/metrics`);
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

/** A push sender that answers ok and tells when it has been handed a message. */
class SignallingSender implements PushSender {
  readonly sent: PushMessage[] = [];
  private wake: (() => void) | null = null;
  readonly first = new Promise<void>((resolve) => (this.wake = resolve));

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    this.sent.push(...messages);
    this.wake?.();
    return messages.map(() => ({ ok: true }));
  }
}

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

test("GET /metrics after a claim storm, a push and draws: every listed series, with the counts that happened", async () => {
  const sender = new SignallingSender();
  const app = await startTestApp({ redisUrl: redis.url, pushSender: sender, config: { backgroundGraceMs: 60_000 } });
  const other = await startTestApp();
  try {
    const host = await app.client("metrics-host", "host");
    const { gameId } = ok(await host.createGame({ title: "Metrics" }), "create");
    ok(await host.join(gameId), "host join");
    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 1 }), "open");
    const players: BingoClient[] = [];
    for (let i = 0; i < 15; i++) {
      const player = await app.client(`metrics-player-${i}`, "player");
      ok(await player.join(gameId), "join");
      players.push(player);
    }
    // 15 claims for 10 slots, all at once: 10 granted, 5 sold out.
    const acks = await Promise.all(players.map((player, i) => player.claim(gameId, 1, `storm-${i}`)));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(10);
    expect(acks.filter((ack) => !ack.ok && ack.error.code === "SOLD_OUT")).toHaveLength(5);

    // One player in the background with a device: the round start is pushed to it.
    ok(await players[0].registerPush("device-token-for-metrics-test-0123456789", "android"), "register");
    ok(await players[0].setAppState("background"), "background");
    ok(await host.startRound(gameId), "start");
    for (let i = 0; i < 3; i++) ok(await host.draw(gameId), `draw ${i}`);
    await sender.first;

    const { status, type, text } = await scrape(app);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);

    expect(sample(text, "bingo_connected_sockets")).toBe(16);
    expect(sample(text, "bingo_rooms")).toBe(1);
    expect(sample(text, "bingo_claims_granted_total")).toBe(10);
    expect(sample(text, "bingo_cards_granted_total")).toBe(10);
    expect(sample(text, "bingo_claims_rejected_total", { code: "SOLD_OUT" })).toBe(5);
    expect(sample(text, "bingo_claims_rejected_total", { code: "RATE_LIMITED" })).toBe(0);
    // Every claim went through exactly one batch; a batch per game per tick.
    expect(sample(text, "bingo_tick_batch_size_sum", { kind: "claims" })).toBe(15);
    const batches = sample(text, "bingo_tick_batch_size_count", { kind: "claims" });
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(15);
    expect(sample(text, "bingo_store_commit_seconds_count")).toBeGreaterThanOrEqual(batches);
    expect(sample(text, "bingo_store_commit_seconds_sum")).toBeGreaterThan(0);
    expect(sample(text, "bingo_tick_duration_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "bingo_tick_duration_seconds_bucket", { le: "+Inf" })).toBe(sample(text, "bingo_tick_duration_seconds_count"));
    expect(sample(text, "bingo_draws_total")).toBe(3);
    expect(sample(text, "bingo_broadcast_seconds_count", { event: "draw" })).toBe(3);
    expect(sample(text, "bingo_broadcast_seconds_count", { event: "slots" })).toBeGreaterThanOrEqual(1);
    // Counted once the sender answered; more pushes (claims closed, round started) may still be on their way.
    const pushed = sample(text, "bingo_push_sent_total");
    expect(pushed).toBeGreaterThanOrEqual(1);
    expect(pushed).toBeLessThanOrEqual(sender.sent.length);
    expect(sample(text, "bingo_push_failed_total", { reason: "transient" })).toBe(0);
    const depth = sample(text, "bingo_push_outbox_depth");
    expect(Number.isInteger(depth) && depth >= 0).toBe(true);
    expect(sample(text, "bingo_rate_limited_total", { scope: "socket" })).toBe(0);
    expect(sample(text, "bingo_connections_refused_total", { code: "UNAUTHORIZED" })).toBe(0);
    // Node's default metrics, event loop lag among them; every series names its node.
    expect(sample(text, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(text, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(text, "bingo_draws_total", { node: app.config.nodeId })).toBe(3);

    // Each app has its own registry: the other one, in this same process, saw none of it.
    const untouched = await scrape(other);
    expect(sample(untouched.text, "bingo_claims_granted_total")).toBe(0);
    expect(sample(untouched.text, "bingo_draws_total")).toBe(0);
    expect(sample(untouched.text, "bingo_connected_sockets")).toBe(0);
  } finally {
    await other.stop();
    await app.stop();
  }
});

test("refusals show up by code: a bad token at connect and events over a socket's bucket", async () => {
  // A clock that stands still: no token comes back during the test.
  const app = await startTestApp({
    clock: new ManualClock(),
    config: { slotsMinIntervalMs: 0, rateLimits: { socket: { burst: 2, perSecond: 1 }, player: { burst: 100, perSecond: 100 } } },
  });
  try {
    const intruder = new BingoClient({ url: app.url, token: "not-a-jwt" });
    await expect(intruder.open()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    intruder.close();
    const player = await app.client("metrics-limited", "player");
    // 5 events at one instant: 2 pass, 3 are refused; only the first refusal of the window is answered.
    const taken = handled(app, player.socket.id!, 5);
    const codes: string[] = [];
    const three = new Promise<void>((resolve) => {
      for (let i = 0; i < 5; i++) {
        player.socket.emit("app:state", { state: "foreground" }, (ack: Ack) => {
          codes.push(ack.ok ? "ok" : ack.error.code);
          if (codes.length === 3) resolve();
        });
      }
    });
    await taken;
    await three;
    expect(codes.sort()).toEqual(["RATE_LIMITED", "ok", "ok"]);
    const { text } = await scrape(app);
    expect(sample(text, "bingo_connections_refused_total", { code: "UNAUTHORIZED" })).toBe(1);
    // Every refused event is counted, answered or not.
    expect(sample(text, "bingo_rate_limited_total", { scope: "socket" })).toBe(3);
    expect(codes).toHaveLength(3);
  } finally {
    await app.stop();
  }
});

test("bingo_push_tokens{platform}: the store-wide count on every node, through registrations, a move and a drop", async () => {
  // A Redis of its own: the count is store-wide, and the file's Redis has other tests' devices.
  const own = await startRedis();
  const [a, b] = await Promise.all([startTestApp({ redisUrl: own.url }), startTestApp({ redisUrl: own.url })]);
  try {
    const tokens = async (app: TestApp) => {
      const { text } = await scrape(app);
      return { android: sample(text, "bingo_push_tokens", { platform: "android" }), ios: sample(text, "bingo_push_tokens", { platform: "ios" }), web: sample(text, "bingo_push_tokens", { platform: "web" }) };
    };
    expect(await tokens(a)).toEqual({ android: 0, ios: 0, web: 0 });
    const p1 = await a.client("tokens-p1", "player");
    const p2 = await b.client("tokens-p2", "player");
    ok(await p1.registerPush("tok-metric-android-1", "android"), "register");
    ok(await p1.registerPush("tok-metric-web-1", "web"), "register");
    ok(await p2.registerPush("tok-metric-ios-1", "ios"), "register");
    ok(await p2.registerPush("tok-metric-android-2", "android"), "register");
    ok(await p2.registerPush("tok-metric-android-2", "android"), "register again");
    expect(await tokens(a)).toEqual({ android: 2, ios: 1, web: 1 });
    expect(await tokens(b)).toEqual({ android: 2, ios: 1, web: 1 });
    // The device moves from p1 (on a) to p2 (on b): still one device.
    ok(await p2.registerPush("tok-metric-android-1", "android"), "move");
    ok(await p1.unregisterPush("tok-metric-android-1"), "no longer p1's: nothing to drop");
    ok(await p2.unregisterPush("tok-metric-ios-1"), "drop");
    expect(await tokens(a)).toEqual({ android: 2, ios: 0, web: 1 });
    expect(await tokens(b)).toEqual({ android: 2, ios: 0, web: 1 });
  } finally {
    await a.stop();
    await b.stop();
    await own.stop();
  }
});

test("bingo_push_tokens on the embedded store", async () => {
  const clock = new ManualClock();
  const app = await startTestApp({ clock, config: { pushTokenTtlDays: 1 } });
  try {
    const player = await app.client("tokens-memory", "player");
    ok(await player.registerPush("tok-memory-web", "web"), "register");
    ok(await player.registerPush("tok-memory-ios", "ios"), "register");
    let { text } = await scrape(app);
    expect(sample(text, "bingo_push_tokens", { platform: "web" })).toBe(1);
    expect(sample(text, "bingo_push_tokens", { platform: "ios" })).toBe(1);
    expect(sample(text, "bingo_push_tokens", { platform: "android" })).toBe(0);
    // A day without registering again: pruned.
    clock.advance(24 * 3600_000);
    ({ text } = await scrape(app));
    expect(sample(text, "bingo_push_tokens", { platform: "web" })).toBe(0);
    expect(sample(text, "bingo_push_tokens", { platform: "ios" })).toBe(0);
  } finally {
    await app.stop();
  }
});
