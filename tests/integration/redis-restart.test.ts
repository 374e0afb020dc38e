import type { BingoClient } from "../../shared/client";
import type { Card } from "../../shared/protocol";
import { nextEvent } from "../support/events";
import type { RestartableRedis } from "../support/redis-server";
import { startPersistentRedis } from "../support/redis-server";
import type { TestApp } from "../support/test-app";
import { startTestApp } from "../support/test-app";

/**
 * Redis (append-only file on, as docs/operations.md tells operators to run it) is killed with
 * SIGKILL in the middle of a game and started again. While it is gone the nodes answer
 * UNAVAILABLE at once and say they are not ready; when it is back they carry on by
 * themselves, and no claim that was answered ok is missing.
 */

let redis: RestartableRedis;
const apps: TestApp[] = [];

afterAll(async () => {
  for (const app of apps) await app.stop();
  await redis?.stop();
});

async function readiness(app: TestApp): Promise<number> {
  return (await fetch(`${app.url}/readyz`)).status;
}

/** Polls /readyz until it is 200 again: readiness is a condition to watch, not an event. */
async function ready(app: TestApp): Promise<void> {
  while ((await readiness(app)) !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
}

test("a Redis crash and restart mid-game loses no acknowledged claim, and the nodes resume by themselves", async () => {
  redis = await startPersistentRedis();
  const [a, b] = [await startTestApp({ redisUrl: redis.url }), await startTestApp({ redisUrl: redis.url })];
  apps.push(a, b);
  const host = await a.client("aof-host", "host");
  const created = await host.createGame({ title: "Crash" });
  if (!created.ok) throw new Error(created.error.code);
  const { gameId } = created;
  expect((await host.openClaims({ gameId, totalSlots: 40, maxPerPlayer: 2 })).ok).toBe(true);

  const players: { client: BingoClient; cards: Card[] }[] = [];
  for (let i = 0; i < 20; i++) {
    const client = await (i % 2 === 0 ? a : b).client(`aof-${i}`, "player", { retries: 0 });
    expect((await client.join(gameId)).ok).toBe(true);
    players.push({ client, cards: [] });
  }
  await Promise.all(
    players.map(async (player, i) => {
      const answer = await player.client.claim(gameId, 1, `aof-${i}-first`);
      if (!answer.ok) throw new Error(answer.error.code);
      player.cards.push(...answer.cards);
    }),
  );

  await redis.crash();
  // Answered by the server itself (no client-side timeout here), and not ready.
  const during = await players[1].client.socket.emitWithAck("cards:claim", { gameId, count: 1, requestId: "aof-during" });
  expect(during).toEqual({ ok: false, error: { code: "UNAVAILABLE", message: expect.any(String) } });
  expect(await readiness(a)).toBe(503);
  expect(await readiness(b)).toBe(503);

  await redis.restart();
  await Promise.all([ready(a), ready(b)]);

  // Everything answered ok before the crash is still there.
  for (const player of players) {
    const view = await player.client.join(gameId);
    if (!view.ok) throw new Error(view.error.code);
    expect(view.game.myCards.map((c) => c.id)).toEqual(player.cards.map((c) => c.id));
    expect(view.game.slots.remaining).toBe(20);
  }

  // Claims work again, and the count reaches the other node's players through Redis pub/sub.
  const onB = players[1].client;
  const slotsOnB = nextEvent(onB.socket, "slots", (m) => m.remaining === 19);
  const again = await players[0].client.claim(gameId, 1, "aof-0-second");
  expect(again.ok).toBe(true);
  await slotsOnB;

  // And so do the round's broadcasts.
  expect((await host.closeClaims(gameId)).ok).toBe(true);
  expect((await host.startRound(gameId)).ok).toBe(true);
  const drawOnB = nextEvent(onB.socket, "draw", (m) => m.index === 0);
  const drawn = await host.draw(gameId);
  if (!drawn.ok) throw new Error(drawn.error.code);
  expect((await drawOnB).ball).toBe(drawn.ball);
}, 120_000);
