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
  return (await redisParts(target, limits)).directory;
}

async function redisParts(target: Parameters<typeof connectCommands>[0], limits: Partial<DeviceLimits>): Promise<{ directory: PlayerDirectory; commands: RedisClient }> {
  const commands = await connectCommands(target, 2000, () => undefined);
  connections.push(commands);
  await loadFunctionLibrary(commands);
  // Counts read afresh each time (a Cluster's are otherwise kept for 30 s).
  return { directory: new RedisPlayerDirectory(commands, { ...limits, tokenCountMaxAgeMs: 0 }), commands };
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

  describe("who is away: only the candidates of the away index are read, with the same answer as reading everyone", () => {
    const GRACE_MS = 60_000;
    /** The players' tokens a push event of `gameId` reaches (each player's token is named after them). */
    const away = async (directory: PlayerDirectory, gameId: string, graceMs = GRACE_MS) => (await directory.pushTargets(gameId, null, graceMs)).map((t) => t.playerId).sort();
    /** A player with one device and a socket open on `instance`, joined to `gameId` from it. */
    async function connect(directory: PlayerDirectory, gameId: string, player: string, instance: string): Promise<void> {
      await directory.registerToken(player, `tok-${player}`, "android");
      await directory.socketOpened(player, instance);
      await directory.joined(gameId, player, instance);
    }
    async function setUp(directory: PlayerDirectory) {
      const instance = unique("node-1:a");
      await directory.heartbeat(instance);
      return { gameId: unique("G-away"), instance };
    }

    test("a connected player in the foreground is never targeted; in the background they are, until the app is back", async () => {
      const directory = await make();
      const { gameId, instance } = await setUp(directory);
      const [present, hidden] = [unique("present"), unique("hidden")];
      await connect(directory, gameId, present, instance);
      await connect(directory, gameId, hidden, instance);
      expect(await away(directory, gameId, 0)).toEqual([]);
      await directory.setAppState(hidden, "background");
      expect(await away(directory, gameId, 0)).toEqual([hidden]);
      expect(await away(directory, gameId, 0)).toEqual([hidden]); // read again: still the same
      await directory.setAppState(hidden, "foreground");
      expect(await away(directory, gameId, 0)).toEqual([]);
      await directory.setAppState(hidden, "background"); // found connected before, marked again now
      expect(await away(directory, gameId, 0)).toEqual([hidden]);
    });

    test("a closed socket is targeted once the grace has passed, not before; a player who joins again is not", async () => {
      const directory = await make();
      const { gameId, instance } = await setUp(directory);
      const [leaver, stayer] = [unique("leaver"), unique("stayer")];
      await connect(directory, gameId, leaver, instance);
      await connect(directory, gameId, stayer, instance);
      await directory.socketClosed(leaver, instance);
      expect(await away(directory, gameId)).toEqual([]); // within the grace
      expect(await away(directory, gameId, 0)).toEqual([leaver]);
      // Back on another node instance, joined again: not targeted, whatever the grace.
      const other = unique("node-2:b");
      await directory.heartbeat(other);
      await directory.socketOpened(leaver, other);
      await directory.joined(gameId, leaver, other);
      expect(await away(directory, gameId, 0)).toEqual([]);
      // A socket closed before its join was recorded: targeted after the grace.
      await directory.socketClosed(leaver, other);
      await directory.joined(gameId, leaver);
      expect(await away(directory, gameId, 0)).toEqual([leaver]);
    });

    test("a player back on a socket that joined another game is found connected; when that socket closes they are away in both", async () => {
      const directory = await make();
      const { gameId, instance } = await setUp(directory);
      const [player, next] = [unique("both"), unique("G-next")];
      await connect(directory, gameId, player, instance);
      await directory.socketClosed(player, instance);
      expect(await away(directory, gameId, 0)).toEqual([player]);
      await directory.socketOpened(player, instance);
      await directory.joined(next, player, instance);
      expect(await away(directory, gameId, 0)).toEqual([]); // connected, on a socket of the other game
      expect(await away(directory, next, 0)).toEqual([]);
      await directory.socketClosed(player, instance);
      expect(await away(directory, gameId, 0)).toEqual([player]);
      expect(await away(directory, next, 0)).toEqual([player]);
    });

    test("the background said on one device reaches every game the player joined, from any socket", async () => {
      const directory = await make();
      const { gameId, instance } = await setUp(directory);
      const other = unique("node-2:c");
      await directory.heartbeat(other);
      const [player, second] = [unique("devices"), unique("G-second")];
      await connect(directory, gameId, player, instance);
      await directory.socketOpened(player, other);
      await directory.joined(second, player, other);
      expect([await away(directory, gameId, 0), await away(directory, second, 0)]).toEqual([[], []]);
      await directory.setAppState(player, "background");
      expect([await away(directory, gameId, 0), await away(directory, second, 0)]).toEqual([[player], [player]]);
    });

    test("of many connected players, exactly the k away are targeted", async () => {
      const directory = await make();
      const { gameId, instance } = await setUp(directory);
      const players = Array.from({ length: 40 }, (_, i) => unique(`many-${i}`));
      for (const player of players) await connect(directory, gameId, player, instance);
      const [hidden, closed] = [players[3], players[17]];
      await directory.setAppState(hidden, "background");
      await directory.socketClosed(closed, instance);
      expect(await away(directory, gameId, 0)).toEqual([hidden, closed].sort());
      // Players named explicitly (the winners of a `won` push) keep the same rule.
      expect((await directory.pushTargets(gameId, [hidden, players[5]], 0)).map((t) => t.playerId)).toEqual([hidden]);
    });
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
    // for the first count to see the token: a Cluster's count is one call per hash slot,
    // over a second on a busy machine (400 ms failed there, before the away index too).
    const directory = await make({ tokenTtlMs: 2500 });
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

describe.each([
  ["redis", () => redis.url],
  ["redis cluster (3 masters)", () => cluster.nodes],
] as const)("%s, node instances", (_name, target) => {
  const NODES = "bingo:nodes";
  const tokensOf = async (directory: PlayerDirectory, gameId: string, graceMs: number) =>
    (await directory.pushTargets(gameId, null, graceMs)).map((t) => t.playerId).sort();

  test("an instance that stopped beating: its players are targeted after the node timeout and the grace, whatever the new instance is called", async () => {
    const { directory, commands } = await redisParts(target(), {});
    const [old, restarted] = [unique("node-1:old"), unique("node-1:new")];
    const gameId = unique("G-crash");
    const [first, second, elsewhere] = [unique("crash-a"), unique("crash-b"), unique("crash-c")];
    const other = unique("node-2:up");
    await directory.heartbeat(old);
    await directory.heartbeat(other);
    for (const [player, instance] of [[first, old], [second, old], [elsewhere, other]]) {
      await directory.registerToken(player, `tok-${player}`, "ios");
      await directory.socketOpened(player, instance);
      await directory.joined(gameId, player, instance);
    }
    expect(await tokensOf(directory, gameId, 0)).toEqual([]);
    // `old` crashed a minute ago (its last beat; the directory's node timeout is 15 s); its
    // node restarted as `restarted`, with none of those sockets.
    await commands.zadd(NODES, Date.now() - 60_000, old);
    await directory.heartbeat(restarted);
    await directory.restoreSockets(restarted, new Map());
    await directory.heartbeat(other);
    expect(await tokensOf(directory, gameId, 120_000)).toEqual([]); // gone a minute: within this grace
    expect(await tokensOf(directory, gameId, 30_000)).toEqual([first, second].sort());
    // Pruned from the heartbeat set altogether: still not alive.
    await commands.zrem(NODES, old);
    expect(await tokensOf(directory, gameId, 30_000)).toEqual([first, second].sort());
    // `second` reconnects to the restarted node and joins again: no longer targeted.
    await directory.socketOpened(second, restarted);
    await directory.joined(gameId, second, restarted);
    expect(await tokensOf(directory, gameId, 0)).toEqual([first]);
    expect(await tokensOf(directory, gameId, 0)).toEqual([first]);
  });

  test("a player found connected leaves the index; if their node then stops beating, they are a candidate again", async () => {
    const { directory, commands } = await redisParts(target(), {});
    const node = unique("node-3:x");
    const gameId = unique("G-settle");
    const player = unique("settle");
    await directory.heartbeat(node);
    await directory.registerToken(player, `tok-${player}`, "web");
    await directory.socketOpened(player, node);
    await directory.joined(gameId, player); // as if its socket had closed before the join
    expect(await commands.hkeys(`bingo:{${gameId}}:away`)).toEqual([player]);
    expect(await tokensOf(directory, gameId, 0)).toEqual([]); // connected: settled
    expect(await commands.hkeys(`bingo:{${gameId}}:away`)).toEqual([]);
    await commands.zadd(NODES, Date.now() - 60_000, node);
    expect(await tokensOf(directory, gameId, 30_000)).toEqual([player]);
  });

  test("a game whose audience started before the index (a deploy during the game) is read whole", async () => {
    const { directory, commands } = await redisParts(target(), {});
    const gameId = unique("G-before-index");
    const player = unique("before-index");
    await directory.registerToken(player, `tok-${player}`, "android");
    // Joined through a node of the previous version: the audience alone.
    await commands.fcall("bingo_push_audience", 2, `bingo:{${gameId}}:audience`, `bingo:{${gameId}}:game`, player);
    await directory.setAppState(player, "background");
    expect(await tokensOf(directory, gameId, 0)).toEqual([player]);
  });

  test("every key of the index expires with the game", async () => {
    const { directory, commands } = await redisParts(target(), {});
    const gameId = unique("G-ttl-index");
    const tag = `bingo:{${gameId}}`;
    await commands.hset(`${tag}:game`, "phase", "lobby");
    await commands.expire(`${tag}:game`, 600);
    const node = unique("node-4:y");
    await directory.heartbeat(node);
    const [present, gone] = [unique("exp-a"), unique("exp-b")];
    for (const player of [present, gone]) {
      await directory.socketOpened(player, node);
      await directory.joined(gameId, player, node);
    }
    await directory.socketClosed(gone, node);
    const keys = ["audience", "away", "awayseq", "on", "instances"].map((name) => `${tag}:${name}`);
    for (const key of keys) {
      const ttl = await commands.ttl(key);
      expect([key, ttl > 590 && ttl <= 600]).toEqual([key, true]);
    }
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
