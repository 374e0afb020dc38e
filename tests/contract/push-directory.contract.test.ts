import type { PlayerDirectory, PushAudienceFilter } from "../../server/ports/push-ports";
import type { RedisClient } from "../../server/store/redis/connection";
import { connectCommands } from "../../server/store/redis/connection";
import { loadFunctionLibrary } from "../../server/store/redis/function-library";
import { RedisPlayerDirectory } from "../../server/store/redis/redis-push";
import { MemoryPlayerDirectory } from "../../server/store/memory/memory-push";
import type { DeviceLimits } from "../../server/ports/push-ports";
import { DEFAULT_DEVICE_LIMITS } from "../../server/ports/push-ports";
import { ManualClock } from "../support/manual-clock";
import type { TestRedisCluster } from "../support/redis-cluster";
import { startRedisCluster } from "../support/redis-cluster";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import { until } from "../support/until";

/**
 * Push preferences and token counts behave the same in every store: memory, one Redis,
 * and a Redis Cluster (where a player's keys and their token counts share a slot).
 */

let redis: TestRedis;
let cluster: TestRedisCluster;
const connections: RedisClient[] = [];

beforeAll(async () => {
  [redis, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
});

afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await Promise.all([redis.stop(), cluster.stop()]);
});

let run = 0;
/** Names unique to one test of one store (the Redis servers are shared by the file). */
const unique = (name: string) => `${name}-${run}`;
beforeEach(() => run++);

async function redisDirectory(target: Parameters<typeof connectCommands>[0], limits: Partial<DeviceLimits>): Promise<PlayerDirectory> {
  const commands = await connectCommands(target, 2000, () => undefined);
  connections.push(commands);
  await loadFunctionLibrary(commands);
  // Counts read afresh each time (a Cluster's are otherwise kept for 30 s).
  return new RedisPlayerDirectory(commands, { ...limits, tokenCountMaxAgeMs: 0 });
}

type Make = (limits?: Partial<DeviceLimits>) => Promise<PlayerDirectory>;
const STORES: [string, Make][] = [
  ["memory", async (limits = {}) => new MemoryPlayerDirectory(new ManualClock(), { ...DEFAULT_DEVICE_LIMITS, ...limits })],
  ["redis", (limits = {}) => redisDirectory(redis.url, limits)],
  ["redis cluster (3 masters)", (limits = {}) => redisDirectory(cluster.nodes, limits)],
];

/** 02:00 UTC, inside a 22:00–07:00 UTC window; and 07:00, its end. */
const NIGHT = Date.parse("2026-03-01T02:00:00Z");
const MORNING = Date.parse("2026-03-01T07:00:00Z");
const QUIET = { start: "22:00", end: "07:00", timeZone: "UTC" };

describe.each(STORES)("%s", (_name, make) => {
  /** A game whose audience is `players`, all in the background, each with the given devices. */
  async function audience(directory: PlayerDirectory, devices: Record<string, [token: string, platform: "android" | "ios" | "web"][]>): Promise<string> {
    const gameId = unique("G");
    for (const [player, tokens] of Object.entries(devices)) {
      for (const [token, platform] of tokens) await directory.registerToken(player, token, platform);
      await directory.joined(gameId, player);
      await directory.setAppState(player, "background");
    }
    return gameId;
  }
  const tokensFor = async (directory: PlayerDirectory, gameId: string, push: PushAudienceFilter) =>
    (await directory.pushTargets(gameId, null, 60_000, push)).map((t) => t.token).sort();

  test("joinedMany is joined() for each player: all in the audience, each back in the foreground", async () => {
    const directory = await make();
    const [a, b, c, outsider] = [unique("jm-a"), unique("jm-b"), unique("jm-c"), unique("jm-out")];
    const gameId = unique("G-jm");
    for (const player of [a, b, c, outsider]) {
      await directory.registerToken(player, unique(`tok-${player}`), "android");
      await directory.setAppState(player, "background");
    }
    const targets = async () => (await directory.pushTargets(gameId, null, 0)).map((t) => t.playerId).sort();
    // A player named twice (two sockets joining in one batch) counts once.
    const open = (player: string) => ({ playerId: player, instance: "i-jm" });
    await directory.joinedMany(gameId, [a, b, a, c].map(open));
    expect(await targets()).toEqual([]);
    for (const player of [a, b, c]) await directory.setAppState(player, "background");
    expect(await targets()).toEqual([a, b, c].sort());
    // Back in the foreground again by a later batch, as joined() would put them.
    await directory.joinedMany(gameId, [open(b)]);
    expect(await targets()).toEqual([a, c].sort());
    await directory.joinedMany(gameId, []);
    expect(await targets()).toEqual([a, c].sort());
    // In one batch with players joining from open sockets, one whose socket closed before
    // the batch was written stays a candidate: pushed once its close is older than the grace.
    const [gone, fresh] = [unique("jm-gone"), unique("jm-fresh")];
    await directory.registerToken(gone, unique("tok-gone"), "android");
    await directory.registerToken(fresh, unique("tok-fresh"), "android");
    await directory.socketOpened(gone, "i-jm");
    await directory.socketClosed(gone, "i-jm");
    await directory.joinedMany(gameId, [open(a), { playerId: gone }, open(fresh), open(c)]);
    expect(await targets()).toEqual([gone]);
  });

  test("an app state or a close said while a join is being written takes effect after it", async () => {
    const directory = await make();
    const [early, late, closing] = [unique("jw-early"), unique("jw-late"), unique("jw-close")];
    const gameId = unique("G-jw");
    for (const player of [early, late, closing]) await directory.registerToken(player, unique(`tok-${player}`), "android");
    await directory.socketOpened(closing, "i-jw");
    // The app may go to the background, or its socket close, while its join is on its way:
    // said after the join, that must win over the join's foreground.
    const written = directory.joinedMany(gameId, [early, late, closing].map((playerId) => ({ playerId, instance: "i-jw" })));
    await Promise.all([directory.setAppState(late, "background"), directory.socketClosed(closing, "i-jw")]);
    await written;
    expect((await directory.pushTargets(gameId, null, 0)).map((t) => t.playerId).sort()).toEqual([closing, late].sort());
  });

  test("preferences: a change keeps what it leaves out, `{}` reads them back, defaults are none", async () => {
    const directory = await make();
    const player = unique("prefs");
    expect(await directory.setPushPrefs(player, {})).toEqual({ muted: [], quietHours: null });
    expect(await directory.setPushPrefs(player, { muted: ["finished", "claims"] })).toEqual({ muted: ["claims", "finished"], quietHours: null });
    expect(await directory.setPushPrefs(player, { quietHours: QUIET })).toEqual({ muted: ["claims", "finished"], quietHours: QUIET });
    expect(await directory.setPushPrefs(player, {})).toEqual({ muted: ["claims", "finished"], quietHours: QUIET });
    expect(await directory.setPushPrefs(player, { muted: [] })).toEqual({ muted: [], quietHours: QUIET });
    expect(await directory.setPushPrefs(player, { quietHours: null })).toEqual({ muted: [], quietHours: null });
    // Per player: another player's are untouched.
    await directory.setPushPrefs(player, { muted: ["won"] });
    expect(await directory.setPushPrefs(unique("other"), {})).toEqual({ muted: [], quietHours: null });
  });

  test("a muted kind reaches none of the player's devices; other kinds and other players go on", async () => {
    const directory = await make();
    const [muting, other] = [unique("muting"), unique("other")];
    const gameId = await audience(directory, {
      [muting]: [[unique("m-android"), "android"], [unique("m-web"), "web"]],
      [other]: [[unique("o-ios"), "ios"]],
    });
    await directory.setPushPrefs(muting, { muted: ["claims"] });
    expect(await tokensFor(directory, gameId, { kind: "claims", alert: true, at: MORNING })).toEqual([unique("o-ios")]);
    expect(await tokensFor(directory, gameId, { kind: "claims", alert: false, at: MORNING })).toEqual([unique("o-ios")]);
    expect(await tokensFor(directory, gameId, { kind: "round-start", alert: true, at: MORNING })).toEqual([unique("m-android"), unique("m-web"), unique("o-ios")].sort());
    // Without a filter (what the audience is, preferences aside): every device.
    expect((await directory.pushTargets(gameId, null, 60_000)).length).toBe(3);
  });

  test("quiet hours hold back alerts and every push to a browser, not `won`, and end with the window", async () => {
    const directory = await make();
    const [quiet, other] = [unique("quiet"), unique("other")];
    const gameId = await audience(directory, {
      [quiet]: [[unique("q-android"), "android"], [unique("q-web"), "web"]],
      [other]: [[unique("o-android"), "android"]],
    });
    await directory.setPushPrefs(quiet, { quietHours: QUIET });
    expect(await tokensFor(directory, gameId, { kind: "round-start", alert: true, at: NIGHT })).toEqual([unique("o-android")]);
    // A silent refresh still reaches the phone (it shows nothing), not the browser (it would show it).
    expect(await tokensFor(directory, gameId, { kind: "claims-closed", alert: false, at: NIGHT })).toEqual([unique("o-android"), unique("q-android")].sort());
    expect(await tokensFor(directory, gameId, { kind: "won", alert: true, at: NIGHT })).toEqual([unique("o-android"), unique("q-android"), unique("q-web")].sort());
    expect(await tokensFor(directory, gameId, { kind: "round-start", alert: true, at: MORNING })).toEqual([unique("o-android"), unique("q-android"), unique("q-web")].sort());
  });

  test("tokens per platform: registered, moved, dropped, over the player limit", async () => {
    const directory = await make({ maxTokensPerPlayer: 2 });
    const before = await directory.tokensByPlatform();
    const delta = async () => {
      const now = await directory.tokensByPlatform();
      return { android: now.android - before.android, ios: now.ios - before.ios, web: now.web - before.web };
    };
    const [a, b] = [unique("count-a"), unique("count-b")];
    await directory.registerToken(a, unique("t1"), "android");
    await directory.registerToken(a, unique("t2"), "web");
    await directory.registerToken(b, unique("t3"), "ios");
    await directory.registerToken(b, unique("t3"), "ios"); // again: the same device
    expect(await delta()).toEqual({ android: 1, ios: 1, web: 1 });
    await directory.registerToken(b, unique("t1"), "android"); // moved from a to b: still one
    expect(await delta()).toEqual({ android: 1, ios: 1, web: 1 });
    await directory.dropToken(a, unique("t1")); // no longer a's: nothing dropped
    expect(await delta()).toEqual({ android: 1, ios: 1, web: 1 });
    await directory.dropToken(b, unique("t3"));
    expect(await delta()).toEqual({ android: 1, ios: 0, web: 1 });
    await directory.registerToken(a, unique("t2"), "android"); // the same device, now said to be android
    expect(await delta()).toEqual({ android: 2, ios: 0, web: 0 });
    // b has t1; two more: the oldest (t1) goes over the limit of 2.
    await directory.registerToken(b, unique("t4"), "ios");
    await directory.registerToken(b, unique("t5"), "ios");
    expect(await delta()).toEqual({ android: 1, ios: 2, web: 0 });
  });
});

describe.each(STORES.slice(1))("%s, token TTL", (_name, make) => {
  test("a token not registered again within the TTL stops counting, and is pruned when found", async () => {
    // Redis keeps time itself: a short TTL, awaited (not slept) until it passed. Long enough
    // that the first count (on Cluster one call per hash slot, 16,384 of them) is read
    // before it runs out, even on a loaded machine: at 400 ms it once did not.
    const directory = await make({ tokenTtlMs: 5000 });
    const player = unique("ttl");
    const gameId = unique("G-ttl");
    await directory.registerToken(player, unique("old"), "web");
    await directory.joined(gameId, player);
    await directory.setAppState(player, "background");
    expect((await directory.tokensByPlatform()).web).toBeGreaterThanOrEqual(1);
    await until("the token's TTL passed", async () => (await directory.pushTargets(gameId, null, 0)).length === 0);
    await until("it no longer counts", async () => (await directory.tokensByPlatform()).web === 0);
  });
});

test("memory, token TTL: a token not registered again within the TTL stops counting, and is pruned", async () => {
  const clock = new ManualClock();
  const directory = new MemoryPlayerDirectory(clock, { ...DEFAULT_DEVICE_LIMITS, tokenTtlMs: 1000 });
  await directory.registerToken("p", "old", "web");
  clock.advance(500);
  await directory.registerToken("p", "new", "android");
  await directory.setPushPrefs("p", { muted: ["claims"] });
  expect(await directory.tokensByPlatform()).toEqual({ android: 1, ios: 0, web: 1 });
  clock.advance(500);
  expect(await directory.tokensByPlatform()).toEqual({ android: 1, ios: 0, web: 0 });
  // Preferences live as long as the devices: refreshed at the last registration or change.
  expect(await directory.setPushPrefs("p", {})).toEqual({ muted: ["claims"], quietHours: null });
  clock.advance(1000);
  expect(await directory.tokensByPlatform()).toEqual({ android: 0, ios: 0, web: 0 });
  expect(await directory.setPushPrefs("p", {})).toEqual({ muted: [], quietHours: null });
});

test("redis: a node of the previous version (tokens key only) can still register during a rolling upgrade", async () => {
  const commands = await connectCommands(redis.url, 2000, () => undefined);
  connections.push(commands);
  await loadFunctionLibrary(commands);
  const tokens = "bingo:{p:rolling-old-node}:tokens";
  expect(await commands.fcall("bingo_push_register", 1, tokens, "tok-rolling", "android", 10, 60)).toEqual([]);
  expect(await commands.hget(tokens, "tok-rolling")).toMatch(/^android:\d/);
});
