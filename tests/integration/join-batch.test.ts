import { Cluster, Redis } from "ioredis";
import type { BingoClient } from "../../shared/client";
import type { RedisNodeAddress, RedisTarget } from "../../server/store/redis/connection";
import { hostsOf, roomOf } from "../../server/transport/socket-types";
import { ok } from "../support/acks";
import { commandCalls, startRedisCluster } from "../support/redis-cluster";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";
import { until } from "../support/until";

/**
 * Joins of one game that arrive within a tick share one store read (FCALL_RO
 * bingo_view_many) and one directory write, on one Redis and on a Cluster. Counted with
 * Redis's own INFO commandstats, never timed.
 */

const PLAYERS = 200;

/** `count` clients of one role, connected a few dozen at a time. */
async function clients(app: TestApp, prefix: string, count: number, role: "player" | "host" = "player"): Promise<BingoClient[]> {
  const made: BingoClient[] = [];
  for (let i = 0; i < count; i += 50) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => app.client(`${prefix}${i + k}`, role)))));
  }
  return made;
}

const DEPLOYMENTS: [string, () => Promise<{ target: RedisTarget; servers: (string | RedisNodeAddress)[]; stop: () => Promise<void> }>][] = [
  [
    "one Redis",
    async () => {
      const redis = await startRedis();
      return { target: redis.url, servers: [redis.url], stop: () => redis.stop() };
    },
  ],
  [
    "a 3-master Redis Cluster",
    async () => {
      const cluster = await startRedisCluster(3);
      return { target: cluster.nodes, servers: [...cluster.nodes], stop: () => cluster.stop() };
    },
  ],
];

describe.each(DEPLOYMENTS)("batched joins on %s", (_name, deploy) => {
  let redis: Awaited<ReturnType<typeof deploy>>;
  let app: TestApp;
  beforeAll(async () => {
    redis = await deploy();
    app = await startTestApp({ redisUrl: redis.target });
  });
  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  const viewCalls = async () => (await commandCalls(redis.servers)).fcall_ro ?? 0;

  test(`${PLAYERS} sockets join one game at once: each gets its own cards, and Redis runs far fewer view calls than joins`, async () => {
    const host = await app.client("jb-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    ok(await host.openClaims({ gameId, totalSlots: 2 * PLAYERS, maxPerPlayer: 2 }), "open");
    const players = await clients(app, `jb-${gameId}-p`, PLAYERS);
    // Every player holds different cards: 1 or 2, granted before anyone joined.
    const cardsOf = new Map<BingoClient, number[]>();
    await Promise.all(
      players.map(async (player, i) => {
        const claimed = ok(await player.claim(gameId, 1 + (i % 2)), "claim");
        cardsOf.set(player, claimed.cards.map((card) => card.id));
      }),
    );
    // One player joins twice at once (a double tap), and the host joins with the players.
    const twice = players[7];
    const before = await viewCalls();
    const [hostJoin, again, ...joins] = await Promise.all([host.join(gameId), twice.join(gameId), ...players.map((player) => player.join(gameId))]);
    const calls = (await viewCalls()) - before;

    for (const [i, join] of joins.entries()) {
      const game = ok(join, `join ${i}`).game;
      expect(game.myCards.map((card) => card.id)).toEqual(cardsOf.get(players[i]));
      expect(game.slots.remaining).toBe(2 * PLAYERS - (PLAYERS + PLAYERS / 2));
    }
    expect(ok(again, "second join").game.myCards.map((card) => card.id)).toEqual(cardsOf.get(twice));
    expect(ok(hostJoin, "host join").game.myCards).toEqual([]);
    // Each reply carries its own cards, and the batch read the game once per tick.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(PLAYERS / 10);

    // Every player (and not the host) is in the game's room and push audience, in the
    // foreground; the host is in the hosts' room.
    const rooms = app.io.of("/").adapter.rooms;
    expect(rooms.get(roomOf(gameId))?.size).toBe(PLAYERS + 1);
    expect([...(rooms.get(hostsOf(gameId)) ?? [])]).toEqual([host.socket.id]);
    const admin = redisClient(redis.target);
    try {
      const audience = await admin.smembers(`bingo:{${gameId}}:audience`);
      expect(audience.sort()).toEqual(players.map((_, i) => `jb-${gameId}-p${i}`).sort());
      for (const i of [0, 7, PLAYERS - 1]) expect(await admin.hget(`bingo:{p:jb-${gameId}-p${i}}:presence`, "app")).toBe("foreground");
    } finally {
      admin.disconnect();
    }
  });

  test("an unknown game in the same tick as a real one: each of its joins is NOT_FOUND and leaves the room; the others join", async () => {
    const host = await app.client("jb-host2", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const players = await clients(app, `jb-unknown-${gameId}-p`, 20);
    const joins = await Promise.all(players.map((player, i) => player.join(i % 2 === 0 ? gameId : "NOSUCHGAME")));
    joins.forEach((join, i) => {
      if (i % 2 === 0) expect(join.ok).toBe(true);
      else expect(join).toEqual({ ok: false, error: expect.objectContaining({ code: "NOT_FOUND" }) });
    });
    const rooms = app.io.of("/").adapter.rooms;
    expect(rooms.has(roomOf("NOSUCHGAME"))).toBe(false);
    expect(rooms.get(roomOf(gameId))?.size).toBe(10);
  });
});

describe("batched joins on the embedded store, a long tick", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ config: { tickMs: 1000 } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  // Socket.IO makes join() a no-op once a socket disconnected; this holds the batch to that.
  test("a socket that disconnects while its join waits leaves nothing behind: no room, no hosts' room", async () => {
    const host = await app.client("jb-long-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const first = await app.client("jb-long-first", "player");
    ok(await first.join(gameId), "first join");
    // Within the tick after that read: these joins wait for the next batch.
    const leavingHost = await app.client("jb-long-host", "host");
    const leavingPlayer = await app.client("jb-long-leaving", "player");
    const ids = [leavingHost.socket.id!, leavingPlayer.socket.id!];
    leavingHost.socket.emit("game:join", { gameId }, () => undefined);
    leavingPlayer.socket.emit("game:join", { gameId }, () => undefined);
    const sockets = app.io.of("/").sockets;
    await until("both joins are waiting in the room", () => ids.every((id) => sockets.get(id)?.rooms.has(roomOf(gameId))));
    leavingHost.close();
    leavingPlayer.close();
    await until("the server saw both go", () => ids.every((id) => !sockets.has(id)));
    // The last join of the same batch: once it is answered, the two waiting ones were too.
    const last = await app.client("jb-long-last", "player");
    ok(await last.join(gameId), "last join");
    const rooms = app.io.of("/").adapter.rooms;
    for (const id of ids) {
      expect(rooms.get(roomOf(gameId))?.has(id)).toBe(false);
      expect(rooms.get(hostsOf(gameId))?.has(id) ?? false).toBe(false);
      expect(rooms.has(id)).toBe(false);
    }
    expect(rooms.get(roomOf(gameId))?.size).toBe(2);
  });
});

function redisClient(target: RedisTarget): Redis | Cluster {
  return typeof target === "string" ? new Redis(target) : new Cluster(target.map(({ host, port }) => ({ host, port })));
}
