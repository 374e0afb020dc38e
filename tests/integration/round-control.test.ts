import type { BingoClient } from "../../shared/client";
import { ok } from "../support/acks";
import type { DrawMessage, FinishedMessage, PhaseMessage } from "../../shared/protocol";
import { publicRecordSchema } from "../../shared/protocol";
import { verifyRecord } from "../../server/domain/game-record";
import { nextEvent } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});


/** Collects a socket's draw messages and resolves when `count` have arrived. */
function drawLog(client: BingoClient) {
  const draws: DrawMessage[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  client.socket.on("draw", (message) => {
    draws.push(message);
    for (const waiter of waiters.filter((w) => draws.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  return {
    draws,
    reach: (count: number) => (draws.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
  };
}

test("a 90-ball game on the embedded store plays one line, two lines and a full house, then reveals a verifiable record", async () => {
  const app = await startTestApp({ config: { tickMs: 10, claimGraceMs: 100 } });
  try {
    const host = await app.client("host-90", "host");
    const { gameId } = ok(await host.createGame({ variant: 90, prizes: [100, 200, 1000] }), "create");
    const players = await Promise.all(Array.from({ length: 40 }, (_, i) => app.client(`p90-${i}`, "player")));
    for (const player of players) ok(await player.join(gameId), "join");
    ok(await host.openClaims({ gameId, totalSlots: 120, maxPerPlayer: 3 }), "open");
    const claimed = await Promise.all(players.map((player) => player.claim(gameId, 3)));
    for (const ack of claimed) {
      for (const card of ok(ack, "claim").cards) {
        expect(card.grid).toHaveLength(3);
        expect(card.grid.every((row) => row.length === 9 && row.filter((n) => n > 0).length === 5)).toBe(true);
      }
    }
    const finished = nextEvent(players[0].socket, "game:finished");
    ok(await host.startRound(gameId), "start");
    for (let i = 0; i < 90; i++) if (!(await host.draw(gameId)).ok) break;
    const end: FinishedMessage = await finished;
    expect(end.results.map((award) => award.pattern)).toEqual(["one-line", "two-lines", "full-house"]);
    const record = publicRecordSchema.parse(await (await fetch(`${app.url}/api/games/${gameId}/record`)).json());
    expect(record.seed).toBe(end.seed);
    expect(verifyRecord(record)).toEqual({ ok: true });
  } finally {
    await app.stop();
  }
});

test("auto-draw runs on the server's timer across nodes, pauses, resumes and stops, never skipping or repeating a ball", async () => {
  const [a, b] = [await startTestApp({ redisUrl: redis.url }), await startTestApp({ redisUrl: redis.url })];
  try {
    const host = await a.client("auto-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    const watcher = await b.client("auto-watcher", "player");
    ok(await watcher.join(gameId), "join");
    const log = drawLog(watcher);
    ok(await host.startRound(gameId), "start");

    const phase = nextEvent(watcher.socket, "game:phase", (m: PhaseMessage) => m.autoIntervalMs === 250);
    const auto = ok(await host.autoDraw(gameId, 250), "auto");
    expect(auto.round.autoIntervalMs).toBe(250);
    expect(await phase).toStrictEqual({ gameId, phase: "running", paused: false, autoIntervalMs: 250, version: expect.any(Number) });
    await log.reach(3);

    ok(await host.pause(gameId), "pause");
    // While paused, a hand draw is refused too.
    expect(await host.request("round:draw", { gameId })).toEqual({ ok: false, error: expect.objectContaining({ code: "WRONG_PHASE" }) });
    ok(await host.resume(gameId), "resume");
    const resumedAt = log.draws.length;
    await log.reach(resumedAt + 2);

    const stopped = ok(await host.autoDraw(gameId, null), "stop");
    expect(stopped.round.autoIntervalMs).toBeNull();
    // A hand draw after stopping continues the same sequence.
    const manual = ok(await host.request("round:draw", { gameId }), "manual draw");
    await log.reach(manual.index + 1);
    const indexes = log.draws.map((d) => d.index);
    expect(indexes).toEqual([...indexes.keys()]);
    expect(new Set(log.draws.map((d) => d.ball)).size).toBe(log.draws.length);
    const versions = log.draws.map((d) => d.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    const snapshot = ok(await watcher.join(gameId), "rejoin").game;
    expect(snapshot.round.draws).toEqual(log.draws.slice(0, snapshot.round.draws.length).map((d) => d.ball));
  } finally {
    await a.stop();
    await b.stop();
  }
});

test("the public record is 404 for an unknown game and 409 before the game is finished", async () => {
  const app: TestApp = await startTestApp();
  try {
    const host = await app.client("record-host", "host");
    const { gameId } = ok(await host.createGame({}), "create");
    expect((await fetch(`${app.url}/api/games/${gameId}/record`)).status).toBe(409);
    expect((await fetch(`${app.url}/api/games/NOPE1234/record`)).status).toBe(404);
    const ended = ok(await host.endGame(gameId), "end");
    expect(ended.results).toEqual([]);
    const record = publicRecordSchema.parse(await (await fetch(`${app.url}/api/games/${gameId}/record`)).json());
    expect(record.seed).toBe(ended.seed);
    expect(verifyRecord(record)).toEqual({ ok: true });
  } finally {
    await app.stop();
  }
});

test("ending the game awards a pending call at once: winners, then the reveal", async () => {
  const app = await startTestApp({ config: { claimGraceMs: 60_000 } });
  try {
    const host = await app.client("end-host", "host");
    const { gameId } = ok(await host.createGame({ prizes: [700, 0] }), "create");
    ok(await host.join(gameId), "host join");
    const player = await app.client("end-player", "player");
    ok(await player.join(gameId), "join");
    ok(await host.openClaims({ gameId, totalSlots: 50, maxPerPlayer: 50 }), "open");
    const cards = ok(await player.claim(gameId, 50), "claim").cards;
    ok(await player.setAutoClaim(gameId, false), "auto off");
    ok(await host.startRound(gameId), "start");
    let called: number | null = null;
    while (called === null) {
      ok(await host.draw(gameId), "draw");
      const done = cards.find((card) => isLineComplete(card.grid, new Set(host.draws(gameId))));
      if (done) called = done.id;
    }
    const announced = nextEvent(host.socket, "bingo:called");
    const playerSees: unknown[] = [];
    player.socket.on("bingo:called", (m) => playerSees.push(m));
    const accepted = ok(await player.callBingo(gameId, called), "call");
    expect(accepted).toMatchObject({ pattern: "line" });
    // The host console hears of the call as it is recorded; players do not.
    expect(await announced).toEqual({ gameId, playerId: "end-player", cardId: called, pattern: "line", ballIndex: accepted.ballIndex, auto: false });
    const winners = nextEvent(player.socket, "winners");
    const finished = nextEvent(player.socket, "game:finished");
    const ended = ok(await host.endGame(gameId), "end");
    expect(ended.results).toHaveLength(1);
    expect(await winners).toMatchObject({ pattern: "line", winners: [{ playerId: "end-player", cardId: called }], prizeEach: 700 });
    expect((await finished).results).toEqual(ended.results);
    expect(playerSees).toEqual([]);
  } finally {
    await app.stop();
  }
});

/** Any row, column or diagonal of a 75-ball grid fully drawn (the centre is free). */
function isLineComplete(grid: readonly (readonly number[])[], drawn: ReadonlySet<number>): boolean {
  const marked = (n: number) => n === 0 || drawn.has(n);
  const lines = [
    ...grid,
    ...grid[0].map((_, c) => grid.map((row) => row[c])),
    grid.map((row, i) => row[i]),
    grid.map((row, i) => row[4 - i]),
  ];
  return lines.some((line) => line.every(marked));
}
