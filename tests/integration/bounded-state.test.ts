import { Redis } from "ioredis";
import { io } from "socket.io-client";
import type { Socket } from "socket.io-client";
import type { BingoClient } from "../../shared/client";
import type { Ack } from "../../shared/protocol";
import { loadConfig } from "../../server/config";
import { gameKeys, hostGamesKey } from "../../server/store/redis/keys";
import { ok } from "../support/acks";
import { gameFixture } from "../support/games";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp, tokenFor } from "../support/test-app";

// Issue #11, "bounded state": nothing an ordinary host or player token sends grows Redis or
// a node's memory without bound, and a player cannot keep a game alive.

let redis: TestRedis;
let inspect: Redis;
beforeAll(async () => {
  redis = await startRedis();
  inspect = new Redis(redis.url);
});
afterAll(async () => {
  inspect.disconnect();
  await redis.stop();
});

/** Every key of the bingo server on the Redis, sorted. */
async function bingoKeys(): Promise<string[]> {
  return (await inspect.keys("bingo:*")).sort();
}

function rawPlayer(app: TestApp, sub: string): Socket {
  return io(app.url, { transports: ["websocket"], reconnection: false, auth: { token: tokenFor(sub, "player") } });
}

const emit = (socket: Socket, event: string, payload: unknown): Promise<Ack> => socket.emitWithAck(event, payload) as Promise<Ack>;

describe("MAX_GAMES_PER_HOST on Redis", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redis.url, config: { maxGamesPerHost: loadConfig({}).maxGamesPerHost } });
  });
  afterAll(() => app.stop());

  test("the 21st unfinished game of a host is refused TOO_MANY_GAMES and writes nothing; ending one frees a place", async () => {
    expect(app.config.maxGamesPerHost).toBe(20);
    const host = await app.client("busy-host", "host");
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(ok(await host.createGame({ title: `show ${i}` }), "create").gameId);
    const before = await bingoKeys();

    const refused = await host.createGame({ title: "one too many" });
    expect(refused).toEqual({ ok: false, error: { code: "TOO_MANY_GAMES", message: expect.stringContaining("20") } });
    expect(await bingoKeys()).toEqual(before);
    expect(await inspect.zcard(hostGamesKey("busy-host"))).toBe(20);

    // Another host is not affected.
    const other = await app.client("other-host", "host");
    ok(await other.createGame({}), "another host's game");

    // A finished game stops counting.
    ok(await host.endGame(ids[0]), "end");
    const next = ok(await host.createGame({ title: "after the end" }), "create after an end");
    expect(await host.createGame({})).toEqual({ ok: false, error: expect.objectContaining({ code: "TOO_MANY_GAMES" }) });

    // A game whose keys expired stops counting too (expiry simulated: keys gone, reserved long ago).
    for (const key of Object.values(gameKeys(ids[1]))) await inspect.del(key);
    await inspect.zadd(hostGamesKey("busy-host"), "XX", 0, ids[1]);
    ok(await host.createGame({ title: "after an expiry" }), "create after an expiry");
    expect(await inspect.zscore(hostGamesKey("busy-host"), ids[1])).toBeNull();
    expect(await inspect.zscore(hostGamesKey("busy-host"), next.gameId)).not.toBeNull();
    // The index key expires with the games (GAME_TTL_SECONDS), never lives for ever.
    expect(await inspect.ttl(hostGamesKey("busy-host"))).toBeGreaterThan(0);
  });
});

describe("refused requests write nothing and refresh no expiry (Redis)", () => {
  let app: TestApp;
  let host: BingoClient;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redis.url, config: { gameTtlSeconds: 3600 } });
    host = await app.client("ttl-host", "host");
  });
  afterAll(() => app.stop());

  /** Every key of the game with its remaining lifetime (ms). */
  async function gameState(gameId: string): Promise<Map<string, number>> {
    const state = new Map<string, number>();
    for (const key of Object.values(gameKeys(gameId))) {
      const ttl = await inspect.pttl(key);
      if (ttl !== -2) state.set(key, ttl);
    }
    return state;
  }

  /** Lowers the lifetime of every key of the game to `ms`, so that any refresh shows. */
  async function shorten(gameId: string, ms: number): Promise<void> {
    for (const key of Object.values(gameKeys(gameId))) await inspect.pexpire(key, ms);
  }

  test("claims refused CLAIMS_CLOSED, SOLD_OUT or LIMIT_REACHED leave no key and no longer expiry; a grant extends it", async () => {
    const { gameId } = ok(await host.createGame({}), "create");
    await shorten(gameId, 100_000);
    const player = rawPlayer(app, "ttl-player");
    try {
      for (let i = 0; i < 50; i++) {
        expect(await emit(player, "cards:claim", { gameId, count: 1, requestId: `closed-${i}` })).toEqual({ ok: false, error: expect.objectContaining({ code: "CLAIMS_CLOSED" }) });
      }
      const after = await gameState(gameId);
      expect([...after.keys()].sort()).toEqual([gameKeys(gameId).game, gameKeys(gameId).order].sort());
      for (const ttl of after.values()) expect(ttl).toBeLessThanOrEqual(100_000);

      ok(await host.openClaims({ gameId, totalSlots: 2, maxPerPlayer: 1 }), "open");
      await shorten(gameId, 100_000);
      const granted = await emit(player, "cards:claim", { gameId, count: 1, requestId: "grant" });
      expect(granted.ok).toBe(true);
      // The grant is progress: the game's expiry is back to GAME_TTL_SECONDS.
      expect(await inspect.pttl(gameKeys(gameId).game)).toBeGreaterThan(3_000_000);

      /** Sends `times` claims that must all be refused with `code`; then nothing changed: same keys, same records, no longer expiry. */
      const refusedWithoutTrace = async (socket: Socket, code: string, times: number): Promise<void> => {
        await shorten(gameId, 100_000);
        const keysBefore = [...(await gameState(gameId)).keys()].sort();
        const requestsBefore = await inspect.hgetall(gameKeys(gameId).requests);
        for (let i = 0; i < times; i++) {
          expect(await emit(socket, "cards:claim", { gameId, count: 1, requestId: `${code}-${i}` })).toEqual({ ok: false, error: expect.objectContaining({ code }) });
        }
        const end = await gameState(gameId);
        expect([...end.keys()].sort()).toEqual(keysBefore);
        for (const ttl of end.values()) expect(ttl).toBeLessThanOrEqual(100_000);
        expect(await inspect.hgetall(gameKeys(gameId).requests)).toEqual(requestsBefore);
      };
      await refusedWithoutTrace(player, "LIMIT_REACHED", 20);
      const other = rawPlayer(app, "ttl-player-2");
      const late = rawPlayer(app, "ttl-player-3");
      try {
        expect((await emit(other, "cards:claim", { gameId, count: 1, requestId: "last" })).ok).toBe(true);
        await refusedWithoutTrace(late, "SOLD_OUT", 20);
      } finally {
        other.close();
        late.close();
      }
      // The grant is stored: repeated, it gets its first answer.
      expect(await emit(player, "cards:claim", { gameId, count: 1, requestId: "grant" })).toEqual(granted);
    } finally {
      player.close();
    }
  });

  test("bingo calls and auto-claim choices of a player never extend the game", async () => {
    const { gameId } = ok(await host.createGame({}), "create");
    ok(await host.openClaims({ gameId, totalSlots: 10, maxPerPlayer: 2 }), "open");
    const player = rawPlayer(app, "caller");
    try {
      const claimed = await emit(player, "cards:claim", { gameId, count: 2, requestId: "cards" });
      expect(claimed.ok).toBe(true);
      ok(await host.startRound(gameId), "start");
      ok(await host.draw(gameId), "draw");
      await shorten(gameId, 100_000);
      const before = await gameState(gameId);
      for (let i = 0; i < 30; i++) {
        // Too early (one ball drawn): INVALID_CLAIM; a card not owned: FORBIDDEN.
        const call = await emit(player, "bingo:call", { gameId, cardId: i % 2 === 0 ? 1 : 9, requestId: `call-${i}` });
        expect(call).toEqual({ ok: false, error: expect.objectContaining({ code: i % 2 === 0 ? "INVALID_CLAIM" : "FORBIDDEN" }) });
        expect((await emit(player, "bingo:auto", { gameId, enabled: i % 2 === 0 })).ok).toBe(true);
      }
      const after = await gameState(gameId);
      // Refused calls stored nothing; the auto-claim flags key (new) lives no longer than the game.
      expect(await inspect.hlen(gameKeys(gameId).requests)).toBe(1);
      const gameLeft = after.get(gameKeys(gameId).game)!;
      expect(gameLeft).toBeLessThanOrEqual(100_000);
      for (const [key, ttl] of after) {
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(before.get(key) ?? 100_000);
      }
    } finally {
      player.close();
    }
  });
});

describe("a node frees the state of games no local socket is in (Redis)", () => {
  let app: TestApp;
  beforeAll(async () => {
    // 4,000 requests at once: on a busy machine a 2 s command timeout would answer some UNAVAILABLE.
    app = await startTestApp({ redisUrl: redis.url, config: { maxGamesPerHost: 100_000, redisCommandTimeoutMs: 30_000 } });
  });
  afterAll(() => app.stop());

  const total = (sizes: Record<string, number>): number => Object.values(sizes).reduce((a, b) => a + b, 0);

  test("claims and bingo calls for 2,000 games the socket never joined leave nothing on the node once it is gone", async () => {
    const GAMES = 2_000;
    const ids: string[] = [];
    for (let i = 0; i < GAMES; i++) {
      const id = `NEVER-JOINED-${i}`;
      expect((await app.store.createGame(gameFixture(id, "many-games-host"))).ok).toBe(true);
      ids.push(id);
    }
    const player = rawPlayer(app, "roamer");
    await new Promise<void>((resolve) => player.once("connect", () => resolve()));
    // The socket is in one game's room: that game's state stays while it is.
    const joined = await emit(player, "game:join", { gameId: ids[0] });
    expect(joined.ok).toBe(true);
    const answers = await Promise.all(
      ids.flatMap((gameId, i) => [
        emit(player, "cards:claim", { gameId, count: 1, requestId: `c${i}` }),
        emit(player, "bingo:call", { gameId, cardId: 1, requestId: `b${i}` }),
      ]),
    );
    expect(new Set(answers.map((a) => (a.ok ? "ok" : a.error.code)))).toEqual(new Set(["CLAIMS_CLOSED", "WRONG_PHASE"]));
    // What the unjoined games left behind goes at the next sweep; the joined game's stays.
    app.sweepIdleGames();
    const whileJoined = app.gameState();
    expect(whileJoined.gameRules).toBe(1);
    for (const games of Object.values(whileJoined)) expect(games).toBeLessThanOrEqual(1);

    player.close();
    // Nothing to await: the node's own sweep timer lets go of the last game (bounded poll).
    const deadline = Date.now() + 20_000;
    while (total(app.gameState()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.gameState()).toEqual({ engineRooms: 0, roundConductor: 0, gameRules: 0, liveStats: 0, pushCounts: 0 });
    const { body } = await app.metrics.scrape();
    expect(body).toMatch(/bingo_node_game_state\{[^}]*kind="gameRules"[^}]*\} 0/);
  });
});
