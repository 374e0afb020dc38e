import type { BingoClient } from "../../shared/client";
import type { Card } from "../../shared/protocol";
import { completionIndex, drawPositions } from "../../server/domain/patterns";
import { ok } from "../support/acks";
import { nextEvent } from "../support/events";
import { ManualClock, settle } from "../support/manual-clock";
import type { TestRedis } from "../support/redis-server";
import { startRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * Issue 17, point 6: drawing by hand, the award must not wait for the host's next ball
 * longer than the grace period. Ball j's window closes grace after ball j+1, but never
 * later than grace after the pattern's first valid call: the node that accepts that call
 * schedules the award for then, with no further draw.
 */

const TICK = 50;
const GRACE = 2000;
const LIMITS = { socket: { burst: 10_000, perSecond: 10_000 }, player: { burst: 10_000, perSecond: 10_000 } };

/** Draws by hand until one of `cards` completes a line; returns that card and the draws. */
async function drawUntilLine(host: BingoClient, gameId: string, cards: readonly Card[]): Promise<{ card: Card; draws: number[] }> {
  const draws: number[] = [];
  for (;;) {
    const drawn = ok(await host.draw(gameId), "draw");
    draws.push(drawn.ball);
    const positions = drawPositions(draws);
    const card = cards.find((c) => completionIndex(c.grid, "line", positions) < draws.length);
    if (card) return { card, draws };
  }
}

describe("drawing by hand on the embedded store (manual clock)", () => {
  let app: TestApp;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    app = await startTestApp({ clock, config: { tickMs: TICK, claimGraceMs: GRACE, slotsMinIntervalMs: 0, rateLimits: LIMITS } });
  });
  afterAll(async () => {
    await app.stop();
  });

  test("the award is made grace after the first call, and not before, though the host draws no next ball", async () => {
    const host = await app.client("manual-host", "host");
    const player = await app.client("manual-player", "player");
    const { gameId } = ok(await host.createGame({ title: "By hand" }), "create");
    ok(await host.openClaims({ gameId, totalSlots: 20, maxPerPlayer: 20 }), "open");
    ok(await player.join(gameId), "join");
    ok(await player.setAutoClaim(gameId, false), "auto-claim off");
    const claim = player.claim(gameId, 20);
    await settle();
    clock.advance(TICK);
    const { cards } = ok(await claim, "claim");
    ok(await host.startRound(gameId), "start");

    const { card, draws } = await drawUntilLine(host, gameId, cards);
    const call = player.callBingo(gameId, card.id);
    await settle();
    clock.advance(TICK);
    expect(ok(await call, "call")).toMatchObject({ pattern: "line", ballIndex: draws.length - 1 });

    // Just short of the grace: nothing is awarded yet.
    clock.advance(GRACE - TICK);
    await settle();
    const before = ok(await host.join(gameId), "host view").game;
    expect(before.round.awards).toEqual([]);

    const winners = nextEvent(player.socket, "winners", (message) => message.gameId === gameId);
    clock.advance(2 * TICK);
    await settle();
    clock.advance(TICK);
    expect(await winners).toMatchObject({ pattern: "line", ballIndex: draws.length - 1, winners: [{ playerId: "manual-player", cardId: card.id }] });
    const after = ok(await host.join(gameId), "host view").game;
    // No ball was drawn after the call.
    expect([after.round.draws.length, after.round.awards.length, after.round.pattern]).toEqual([draws.length, 1, 1]);
  });
});

describe("drawing by hand with two nodes on one Redis", () => {
  let redis: TestRedis;
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    redis = await startRedis();
    // A short grace on the real clock: the award is awaited as an event, never slept for.
    const config = { tickMs: TICK, claimGraceMs: 300, rateLimits: LIMITS };
    nodeA = await startTestApp({ redisUrl: redis.url, config });
    nodeB = await startTestApp({ redisUrl: redis.url, config });
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
    await redis.stop();
  });

  test("a call made through the other node is awarded without a next ball, and the host's node announces it", async () => {
    const host = await nodeA.client("manual-redis-host", "host");
    const player = await nodeB.client("manual-redis-player", "player");
    const { gameId } = ok(await host.createGame({ title: "By hand, two nodes" }), "create");
    ok(await host.openClaims({ gameId, totalSlots: 20, maxPerPlayer: 20 }), "open");
    ok(await host.join(gameId), "host join");
    ok(await player.join(gameId), "join");
    ok(await player.setAutoClaim(gameId, false), "auto-claim off");
    const { cards } = ok(await player.claim(gameId, 20), "claim");
    ok(await host.startRound(gameId), "start");

    const { card, draws } = await drawUntilLine(host, gameId, cards);
    const winners = nextEvent(host.socket, "winners", (message) => message.gameId === gameId);
    expect(ok(await player.callBingo(gameId, card.id), "call")).toMatchObject({ pattern: "line", ballIndex: draws.length - 1 });
    expect(await winners).toMatchObject({ pattern: "line", winners: [{ playerId: "manual-redis-player", cardId: card.id }] });
    const after = ok(await host.join(gameId), "host view").game;
    expect([after.round.draws.length, after.round.awards.length]).toEqual([draws.length, 1]);
  });
});
