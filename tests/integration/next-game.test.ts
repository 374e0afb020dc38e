import type { NextGameMessage } from "../../shared/protocol";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * Back-to-back games (issue 17, point 5): `game:next` makes the following game with the
 * finished one's settings, tells the finished game's room, and stays with the finished
 * game so a page that comes back later is told where to go.
 */

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const SETTINGS = {
  title: "Friday show",
  variant: 75,
  patterns: ["four-corners", "line", "full-house"],
  prizes: [300, 700, 2500],
  currency: "JPY",
  recordIds: "salted-hash",
} as const;

describe.each([
  ["embedded (memory)", () => undefined],
  ["redis", () => redis.url],
])("the next game on %s", (name, redisUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ redisUrl: redisUrl() });
  });
  afterAll(async () => {
    await app.stop();
  });

  test("only the host, only once finished; then the same settings, the room told, and the same next game when asked again", async () => {
    const tag = name.slice(0, 5);
    const host = await app.client(`next-host-${tag}`, "host");
    const player = await app.client(`next-player-${tag}`, "player");
    const stranger = await app.client(`next-other-host-${tag}`, "host");
    const { gameId } = ok(await host.createGame({ ...SETTINGS, patterns: [...SETTINGS.patterns], prizes: [...SETTINGS.prizes] }), "create");
    ok(await player.join(gameId), "join");

    expect(await host.nextGame(gameId)).toMatchObject({ ok: false, error: { code: "WRONG_PHASE", reason: "lobby" } });
    expect(await player.nextGame(gameId)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    ok(await host.startRound(gameId), "start");
    expect(await host.nextGame(gameId)).toMatchObject({ ok: false, error: { code: "WRONG_PHASE", reason: "running" } });
    ok(await host.endGame(gameId), "end");
    expect(await stranger.nextGame(gameId)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await host.nextGame("NOSUCHGM")).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });

    const told = nextEvent(player.socket, "game:next", (message) => message.from === gameId);
    const heard: NextGameMessage[] = [];
    player.onNextGame((message) => heard.push(message));
    const next = ok(await host.nextGame(gameId), "next");
    expect(next.gameId).not.toBe(gameId);
    expect(next.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(await told).toEqual({ from: gameId, to: next.gameId });
    expect(heard).toContainEqual({ from: gameId, to: next.gameId });

    const fresh = ok(await player.join(next.gameId), "join the next game").game;
    expect(fresh).toMatchObject({ title: SETTINGS.title, variant: 75, patterns: SETTINGS.patterns, prizes: SETTINGS.prizes, currency: "JPY", phase: "lobby", next: null, seed: null });
    expect(fresh.commitment).toBe(next.commitment);

    // Asked again (a retry, a second console): the same next game, no other.
    expect(ok(await host.nextGame(gameId), "again").gameId).toBe(next.gameId);
    // A page that comes back to the finished game is told where to go: snapshot and SDK listener.
    const late = await app.client(`next-late-${tag}`, "player");
    const lateHeard = new Promise<NextGameMessage>((resolve) => late.onNextGame(resolve));
    const old = ok(await late.join(gameId.toLowerCase()), "late join").game;
    expect(old).toMatchObject({ phase: "finished", next: next.gameId });
    expect(await lateHeard).toEqual({ from: gameId, to: next.gameId });
    // The next game can have its own next game.
    ok(await host.startRound(next.gameId), "start the next");
    ok(await host.endGame(next.gameId), "end the next");
    expect(ok(await host.nextGame(next.gameId), "third").gameId).not.toBe(next.gameId);
  });

  test("a bad payload is BAD_REQUEST", async () => {
    const host = await app.client("next-bad-host", "host");
    expect(await host.socket.emitWithAck("game:next", { gameId: 42 } as never)).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
  });
});

describe("the next game with two nodes on one Redis", () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    nodeA = await startTestApp({ redisUrl: redis.url });
    nodeB = await startTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
  });

  test("players on the other node hear game:next from the host's node", async () => {
    const host = await nodeA.client("next-multi-host", "host");
    const players = [await nodeB.client("next-multi-b", "player"), await nodeA.client("next-multi-a", "player")];
    const { gameId } = ok(await host.createGame({ title: "Two nodes" }), "create");
    for (const player of players) ok(await player.join(gameId), "join");
    ok(await host.startRound(gameId), "start");
    ok(await host.endGame(gameId), "end");
    const told = players.map((player) => nextEvent(player.socket, "game:next", (message) => message.from === gameId));
    const next = ok(await host.nextGame(gameId), "next");
    expect(await Promise.all(told)).toEqual([
      { from: gameId, to: next.gameId },
      { from: gameId, to: next.gameId },
    ]);
    // Node B reads the link from the store too.
    const viaB = await nodeB.client("next-multi-late", "player");
    expect(ok(await viaB.join(gameId), "late join").game.next).toBe(next.gameId);
  });
});
