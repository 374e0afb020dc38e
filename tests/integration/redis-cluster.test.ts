import { Redis } from "ioredis";
import { ok } from "../support/acks";
import type { RedisClient } from "../../server/store/redis/connection";
import { connectCommands } from "../../server/store/redis/connection";
import { gameKeys } from "../../server/store/redis/keys";
import { RedisPlayerDirectory } from "../../server/store/redis/redis-push";
import type { TestRedisCluster } from "../support/redis-cluster";
import { startRedisCluster } from "../support/redis-cluster";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

// The last test takes a master away: this file has a cluster of its own.
let cluster: TestRedisCluster;
let masters: Redis[];
let app: TestApp;

beforeAll(async () => {
  cluster = await startRedisCluster(3, { own: true });
  masters = cluster.nodes.map(({ host, port }) => new Redis(port, host));
  app = await startTestApp({ redisUrl: cluster.nodes });
});

afterAll(async () => {
  await app.stop();
  for (const master of masters) master.disconnect();
  await cluster.stop();
});

/** The index of the master holding the game's keys (a master answers MOVED for a key it does not own). */
async function masterOf(gameId: string): Promise<number> {
  const slot = await masters[0].cluster("KEYSLOT", gameKeys(gameId).game);
  const found = await Promise.all(masters.map((master) => master.cluster("COUNTKEYSINSLOT", slot)));
  expect(found.filter((keys) => keys > 0)).toHaveLength(1);
  return found.findIndex((keys) => keys > 0);
}

/** Games created through a host client until every master holds at least one; by master. */
async function gamesOnEveryMaster(): Promise<string[]> {
  const host = await app.client("cluster-host", "host");
  const byMaster: (string | undefined)[] = masters.map(() => undefined);
  for (let i = 0; i < 200 && byMaster.includes(undefined); i++) {
    const { gameId } = ok(await host.createGame({ title: `Shard ${i}` }), "create");
    byMaster[await masterOf(gameId)] ??= gameId;
    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 2 }), "open");
  }
  expect(byMaster).not.toContain(undefined);
  return byMaster as string[];
}

test("the function library is on every master, and a master that lost it gets it again on the next call", async () => {
  for (const master of masters) expect(JSON.stringify(await master.function("LIST", "LIBRARYNAME", "bingo"))).toContain("bingo_claims");
  const games = await gamesOnEveryMaster();
  // As after a new master joined, or a restart without persistence: no library anywhere.
  await Promise.all(masters.map((master) => master.function("FLUSH")));
  const player = await app.client("reloaded", "player");
  for (const gameId of games) expect(ok(await player.claim(gameId, 1), "claim").cards).toHaveLength(1);
  for (const master of masters) expect(JSON.stringify(await master.function("LIST", "LIBRARYNAME", "bingo"))).toContain("bingo_claims");
});

test("push targets are read for players whose keys live on different masters (one pipeline per master)", async () => {
  const commands: RedisClient = await connectCommands(cluster.nodes, 2000, () => undefined);
  try {
    const directory = new RedisPlayerDirectory(commands);
    const players = Array.from({ length: 60 }, (_, i) => `spread-${i}`);
    for (const playerId of players) {
      await directory.registerToken(playerId, `token-${playerId}`, "android");
      await directory.joined("spread-game", playerId);
      await directory.setAppState(playerId, "background");
    }
    const holding = await Promise.all(masters.map((master) => master.dbsize()));
    expect(holding.filter((keys) => keys > 0).length).toBeGreaterThan(1);
    const targets = await directory.pushTargets("spread-game", null, 0);
    expect(targets.map((t) => t.token).sort()).toEqual(players.map((p) => `token-${p}`).sort());
  } finally {
    commands.disconnect();
  }
});

test("the host's player list reads presence for players whose keys live on different masters", async () => {
  const commands: RedisClient = await connectCommands(cluster.nodes, 2000, () => undefined);
  try {
    const directory = new RedisPlayerDirectory(commands);
    await directory.heartbeat("list-instance");
    const players = Array.from({ length: 60 }, (_, i) => `listed-${i}`);
    // Even players have a socket open on a live instance; every third of those went to the background.
    for (const [i, playerId] of players.entries()) {
      if (i % 2 === 0) await directory.socketOpened(playerId, "list-instance");
      if (i % 6 === 0) await directory.setAppState(playerId, "background");
    }
    const expected = players.map((_, i) => (i % 2 === 0 && i % 6 !== 0 ? "connected" : "away"));
    expect(await directory.presenceOf(players)).toEqual(expected);
  } finally {
    commands.disconnect();
  }
});

test("a lost master: /readyz turns 503 and its games answer UNAVAILABLE, games on the other masters go on (and get the library back)", async () => {
  const games = await gamesOnEveryMaster();
  expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

  await cluster.servers[2].stop();
  expect((await fetch(`${app.url}/readyz`)).status).toBe(503);
  const player = await app.client("after-loss", "player", { retries: 0 });
  expect(await player.claim(games[2], 1)).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });
  for (const gameId of games.slice(0, 2)) expect(ok(await player.claim(gameId, 1), "claim on a live master").cards).toHaveLength(1);

  // The library lost on the live masters is loaded again there, although one master is gone.
  await Promise.all(masters.slice(0, 2).map((master) => master.function("FLUSH")));
  for (const gameId of games.slice(0, 2)) expect(ok(await player.claim(gameId, 1), "claim after the reload").cards).toHaveLength(1);
});
